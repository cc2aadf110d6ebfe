package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

func coverageOf(judged ...string) *conformance.CoverageReport {
	return &conformance.CoverageReport{Operations: []conformance.OperationCoverage{{
		Operation: "getWebhookDetails", Method: "GET", Path: "/webhooks/{webhookId}", Exchanges: len(judged),
		Statuses:  conformance.StatusCoverage{Documented: []string{"200", "404"}, Judged: judged},
		Responses: []conformance.ResponseCoverage{{Status: "200"}, {Status: "404"}},
	}}}
}

// Tonight's coverage of the required responses is lower than the
// baseline night's: the regression is named in every Markdown the nightly
// posts; the same coverage is none.
func TestCoverageRegression(t *testing.T) {
	req := []conformance.Requirement{{Operation: "getWebhookDetails", Status: "200"}}
	prev := &Report{Tool: "conformance", Requirements: req, Coverage: coverageOf("200", "404")}
	cur := &Report{Tool: "conformance", Requirements: req, Coverage: coverageOf("404")}
	assert.Equal(t, []string{"getWebhookDetails 200"}, CoverageRegression(prev, cur))
	assert.Empty(t, CoverageRegression(prev, prev))
	assert.Empty(t, CoverageRegression(cur, prev), "more coverage is no regression")
	assert.Empty(t, CoverageRegression(&Report{}, cur), "a baseline without coverage compares nothing")

	cur.CompareBaseline(prev)
	assert.Equal(t, []string{"getWebhookDetails 200"}, cur.CoverageRegressions)
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return Write(b, Markdown, cur) },
		func(b *bytes.Buffer) error { return WriteDigest(b, cur) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b))
		assert.Contains(t, b.String(), "Coverage is lower than the baseline's:** this required response was judged by the baseline and not by this run: getWebhookDetails 200.")
		assert.Contains(t, b.String(), "### Coverage")
		assert.NotContains(t, b.String(), "passed", "untested: nothing passed")
	}
}

func TestCoverageInJUnitAndText(t *testing.T) {
	r := &Report{Tool: "conformance", Cases: []Case{{Name: "get", Operation: "getWebhookDetails", Status: 200, Verdict: VerdictPass}},
		Coverage: coverageOf("200")}
	r.Coverage.Total()
	var x, txt bytes.Buffer
	require.NoError(t, Write(&x, JUnit, r))
	assert.Contains(t, x.String(), `<property name="coverage.operations" value="1/1">`)
	assert.Contains(t, x.String(), `<property name="coverage.responses" value="0/2">`)
	assert.Contains(t, x.String(), `<property name="coverage.operation.statuses.judged" value="200">`)
	require.NoError(t, Write(&txt, Text, r))
	assert.Contains(t, txt.String(), "coverage: operations 1/1, responses 0/2")
}
