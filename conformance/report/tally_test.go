package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

func TestTally(t *testing.T) {
	t.Parallel()
	enum := conformance.Finding{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Pointer: "/resource", Message: "not in the enum", Actual: `"a"`}
	other := conformance.Finding{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Pointer: "/event", Message: "not in the enum"}
	third := conformance.Finding{Rule: conformance.RuleBodyType, Severity: conformance.SeverityError, Pointer: "/name", Message: "not a string"}

	tl := NewTally(2)
	fresh := tl.Add([]conformance.Finding{enum}, "getWebhookDetails")
	require.Len(t, fresh, 1)
	assert.Equal(t, "getWebhookDetails", fresh[0].Operation, "a finding without an operation gets the exchange's")

	again := enum
	again.Actual = `"b"` // the same kind: rule, pointer, expected and severity
	assert.Empty(t, tl.Add([]conformance.Finding{again}, "getWebhookDetails"), "a kind already seen is not fresh")
	assert.Len(t, tl.Add([]conformance.Finding{other, third}, ""), 1, "the third kind is past the cap")
	assert.Empty(t, tl.Add(nil, ""))

	assert.Equal(t, 4, tl.Exchanges())
	assert.Equal(t, 1, tl.Dropped())
	got := tl.Findings("exchanges")
	require.Len(t, got, 2)
	assert.Equal(t, "not in the enum (in 2 of 4 exchanges)", got[0].Message)
	assert.Equal(t, `"a"`, got[0].Actual, "the first finding of a kind is the one kept")
	assert.Equal(t, "not in the enum", got[1].Message, "a kind seen once says nothing more")
}
