package report

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

func TestAddSetsTheVerdictFromTheFindings(t *testing.T) {
	t.Parallel()
	var r Report
	r.Add(Case{Name: "clean"})
	r.Add(Case{Name: "note", Findings: []conformance.Finding{{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityInfo}}})
	r.Add(Case{Name: "drift", Findings: []conformance.Finding{{Rule: conformance.RuleBodyUndocumented, Severity: conformance.SeverityDrift}}})
	r.Add(Case{Name: "skip", Verdict: VerdictSkip, Reason: "no operation"})
	got := make([]Verdict, len(r.Cases))
	for i, c := range r.Cases {
		got[i] = c.Verdict
		assert.NotNil(t, c.Findings, "findings is a list, never null")
	}
	assert.Equal(t, []Verdict{VerdictPass, VerdictPass, VerdictFail, VerdictSkip}, got)
}

func TestSummaryIsCountedFromTheCases(t *testing.T) {
	t.Parallel()
	r := Report{Cases: []Case{
		{Verdict: VerdictPass},
		{Verdict: VerdictFail, Findings: []conformance.Finding{{Severity: conformance.SeverityError}, {Severity: conformance.SeverityDrift}, {Severity: conformance.SeverityDrift}}},
		{Verdict: VerdictSkip},
	}}
	assert.Equal(t, Summary{Cases: 3, Passed: 1, Failed: 1, Skipped: 1, Errors: 1, Drift: 2, New: 3}, r.Summary())

	// A case changed after it was added is counted as it is now.
	r.Cases[0].Verdict = VerdictFail
	assert.Equal(t, 0, r.Summary().Passed)
	assert.Equal(t, 2, r.Summary().Failed)
}

func TestReportJSONSummary(t *testing.T) {
	t.Parallel()
	r := Report{Tool: "conformance", Cases: []Case{{Name: "a", Verdict: VerdictPass, Findings: []conformance.Finding{}}}}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"summary":{"cases":1,"passed":1,"failed":0,"skipped":0,"errors":0,"drift":0,"request":{"errors":0,"drift":0},"response":{"errors":0,"drift":0},"new":0,"known":0,"resolved":0}`)

	// A summary that disagrees with the cases is not believed.
	var back Report
	require.NoError(t, json.Unmarshal([]byte(`{"tool":"x","summary":{"cases":9,"passed":9},"cases":[{"name":"a","verdict":"fail","findings":[]}]}`), &back))
	assert.Equal(t, Summary{Cases: 1, Failed: 1}, back.Summary())
}
