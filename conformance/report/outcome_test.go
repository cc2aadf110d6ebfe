package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

func passingCase(name string) Case {
	return Case{Name: name, Operation: "listWebhooks", Method: "GET", Path: "/webhooks", Status: 200}
}

func driftCase() Case {
	return Case{Name: "get", Operation: "getWebhookDetails", Status: 200, Findings: []conformance.Finding{
		{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Pointer: "/resource", Message: "not documented"}}}
}

func TestConclude(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		build   func(*Report)
		failOn  conformance.Severity
		outcome Outcome
		reason  string
	}{
		{"passes", func(r *Report) { r.Add(passingCase("a")); r.Add(passingCase("b")) }, conformance.SeverityDrift,
			Conformant, "2 cases passed, no finding at or above drift"},
		{"passes with a skip", func(r *Report) { r.Add(passingCase("a")); r.Add(Case{Name: "s", Verdict: VerdictSkip}) }, conformance.SeverityDrift,
			Conformant, "1 case passed, no finding at or above drift; 1 skipped"},
		{"drift fails at drift", func(r *Report) { r.Add(passingCase("a")); r.Add(driftCase()) }, conformance.SeverityDrift,
			Nonconformant, "1 finding at or above drift, in responses (the server's side)"},
		{"drift passes at error", func(r *Report) { r.Add(passingCase("a")); r.Add(driftCase()) }, conformance.SeverityError,
			Conformant, "1 case passed, no finding at or above error"},
		{"nothing judged", func(r *Report) {}, conformance.SeverityDrift, Untested, "no response was judged"},
		{"only skips", func(r *Report) { r.Add(Case{Name: "s", Verdict: VerdictSkip}) }, conformance.SeverityDrift,
			Untested, "no response was judged (1 case skipped)"},
		{"left behind", func(r *Report) {
			r.Add(passingCase("a"))
			r.LeftBehind = []LeftBehind{{Kind: "webhook", ID: "WH1", Name: "conformance-0badc0de-lifecycle"}, {Kind: "webhook", ID: "WH2"}}
		}, conformance.SeverityDrift, Nonconformant, "2 webhooks the run made are left on the target: WH1, WH2"},
		{"left behind, of no kind said", func(r *Report) {
			r.Add(passingCase("a"))
			r.LeftBehind = []LeftBehind{{ID: "/pets/1"}}
		}, conformance.SeverityDrift, Nonconformant, "1 resource the run made is left on the target: /pets/1"},
		{"left behind, of mixed kinds", func(r *Report) {
			r.Add(passingCase("a"))
			r.LeftBehind = []LeftBehind{{Kind: "webhook", ID: "WH1"}, {ID: "/webhooks/WH2"}}
		}, conformance.SeverityDrift, Nonconformant, "2 resources the run made are left on the target: WH1, /webhooks/WH2"},
		{"marked untested", func(r *Report) { r.Add(passingCase("a")); r.MarkUntested("the target rejected the token") }, conformance.SeverityDrift,
			Untested, "the target rejected the token"},
		{"marked interrupted", func(r *Report) {
			r.Add(passingCase("a"))
			r.MarkInterrupted("interrupted before the suite ended")
			r.MarkUntested("an untested mark does not hide the interruption")
			r.LeftBehind = []LeftBehind{{Kind: "webhook", ID: "WH9"}}
		}, conformance.SeverityDrift, Interrupted, "interrupted before the suite ended; 1 webhook the run made is left on the target: WH9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &Report{}
			tc.build(r)
			if tc.failOn == conformance.SeverityDrift {
				o, reason := r.Result()
				assert.Equal(t, tc.outcome, o, "Result before Conclude")
				assert.Equal(t, tc.reason, reason)
			}
			r.Conclude(tc.failOn)
			assert.Equal(t, tc.outcome, r.Outcome)
			assert.Equal(t, tc.reason, r.Reason)
			r.Conclude(tc.failOn)
			assert.Equal(t, tc.reason, r.Reason, "concluding twice changes nothing")
		})
	}
}

// outcomeReports has one report per outcome.
func outcomeReports() map[Outcome]*Report {
	base := func() *Report {
		r := &Report{Tool: "conformance", Version: conformance.Version, Target: "https://webexapis.com/v1"}
		for i := 0; i < 3; i++ {
			r.Add(passingCase("list webhooks"))
		}
		return r
	}
	conformant := base()
	nonconformant := base()
	nonconformant.Add(driftCase())
	untested := base()
	untested.MarkUntested("no 2xx answer where the suite needed one: listWebhooks answered 500")
	interrupted := base()
	interrupted.MarkInterrupted("interrupted before the suite ended")
	out := map[Outcome]*Report{Conformant: conformant, Nonconformant: nonconformant, Untested: untested, Interrupted: interrupted}
	for _, r := range out {
		r.Conclude(conformance.SeverityDrift)
	}
	return out
}

func write(t *testing.T, f Format, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Write(&b, f, r))
	return b.String()
}

func TestEveryFormatShowsTheOutcomeFirst(t *testing.T) {
	t.Parallel()
	for outcome, r := range outcomeReports() {
		t.Run(string(outcome), func(t *testing.T) {
			t.Parallel()
			_, reason := r.Result()

			var js map[string]json.RawMessage
			out := write(t, JSON, r)
			require.NoError(t, json.Unmarshal([]byte(out), &js))
			assert.JSONEq(t, `"`+string(outcome)+`"`, string(js["outcome"]))
			assert.JSONEq(t, `"`+reason+`"`, string(js["reason"]))
			assert.True(t, strings.HasPrefix(out, "{\n  \"outcome\": \""+string(outcome)+"\",\n  \"reason\": "), out)
			var back Report
			require.NoError(t, json.Unmarshal([]byte(out), &back))
			assert.Equal(t, outcome, back.Outcome, "the outcome survives a round trip")

			md := write(t, Markdown, r)
			heading, _, _ := strings.Cut(md, "\n")
			assert.Equal(t, outcome == Conformant, strings.Contains(heading, "✅"), heading)
			assert.Contains(t, heading, string(outcome))
			switch outcome {
			case Nonconformant:
				assert.Contains(t, heading, "❌")
			case Untested, Interrupted:
				assert.Contains(t, heading, "⚠️")
				assert.NotContains(t, heading, "passed", "a run that saw too little shows no pass count")
			}
			assert.Contains(t, md, reason)

			lines := strings.Split(strings.TrimRight(write(t, Text, r), "\n"), "\n")
			assert.Equal(t, "outcome: "+string(outcome)+": "+reason, lines[len(lines)-1])

			var doc junitSuites
			require.NoError(t, xml.Unmarshal([]byte(write(t, JUnit, r)), &doc))
			switch outcome {
			case Conformant:
				assert.Zero(t, doc.Errors+doc.Failures)
			case Nonconformant:
				assert.Positive(t, doc.Failures)
				assert.Zero(t, doc.Errors)
			default:
				assert.Equal(t, 1, doc.Errors, "an untested or interrupted run is an error testcase")
				require.NotEmpty(t, doc.Suites)
				first := doc.Suites[0]
				assert.Equal(t, outcomeSuite, first.Name)
				require.Len(t, first.Cases, 1)
				require.Len(t, first.Cases[0].Errors, 1)
				assert.Equal(t, reason, first.Cases[0].Errors[0].Message)
				assert.Equal(t, string(outcome), first.Cases[0].Errors[0].Type)
			}
		})
	}
}

func TestJUnitNonconformantWithoutFailingCaseStillFails(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	r.Add(passingCase("a"))
	r.LeftBehind = []LeftBehind{{ID: "WH1"}}
	r.Conclude(conformance.SeverityDrift)
	var doc junitSuites
	require.NoError(t, xml.Unmarshal([]byte(write(t, JUnit, r)), &doc))
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 2, doc.Tests)
	md := write(t, Markdown, r)
	assert.NotContains(t, md, "✅")
}

func TestOutcomeReasonIsRedacted(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	r.MarkUntested("GET https://x/v1/webhooks failed: Bearer canary-token-0123456789 rejected, sk=s3cr3t-canary")
	redact := func(s string) string { return strings.ReplaceAll(s, "s3cr3t-canary", "[redacted]") }
	for _, f := range Formats {
		var b bytes.Buffer
		require.NoError(t, Write(&b, f, r, WithRedact(redact)))
		assert.NotContains(t, b.String(), "canary-token-0123456789", f)
		assert.NotContains(t, b.String(), "s3cr3t-canary", f)
	}
}
