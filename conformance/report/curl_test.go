package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

// curlReport holds a passing case and a failing one, both with a curl
// command (a producer may set it on any case), the failing one with a
// create body carrying a webhook secret.
func curlReport(token string) *Report {
	const body = `{"name":"conformance-1a2b3c4d-lifecycle","targetUrl":"https://webhook-target.invalid/c","resource":"rooms","event":"created","secret":"s0cr3t-d4f8e2a1b9c7"}`
	r := &Report{Tool: "conformance", Version: conformance.Version}
	r.Add(Case{
		Name: "list webhooks", Operation: "listWebhooks", Method: "GET", Path: "/webhooks", Status: 200,
		Curl: `curl -sS -i -H "Authorization: Bearer $WEBEX_TOKEN" 'https://webexapis.com/v1/webhooks?max=2&passing=1'`,
	})
	r.Add(Case{
		Name: "create a webhook", Operation: "createWebhook", Method: "POST", Path: "/webhooks", Status: 200,
		Curl: `curl -sS -i -X POST -H "Authorization: Bearer $WEBEX_TOKEN" -H 'Content-Type: application/json' --data-raw '` +
			body + `' 'https://webexapis.com/v1/webhooks'` + " -H 'X-Leak: Bearer " + token + "'",
		Findings: []conformance.Finding{
			{Rule: conformance.RuleBodyType, Severity: conformance.SeverityError, Pointer: "/created", Message: "expected string, got number"},
			{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Pointer: "/status", Message: "value is not one of the documented enum values"},
		},
	})
	return r
}

// TestCurlInEveryFormat: a failing case carries its curl command in every
// format, with $WEBEX_TOKEN readable and nothing secret; a passing case
// carries none.
func TestCurlInEveryFormat(t *testing.T) {
	t.Parallel()
	const token = "NjQ1ZTQ2YzQtYjY0Ny00YWJjLTk5ZDctZGVhZGJlZWYwMTIz"
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(token))
	require.NoError(t, err)
	want := `curl -sS -i -X POST -H "Authorization: Bearer $WEBEX_TOKEN" -H 'Content-Type: application/json' --data-raw '{"name":"conformance-1a2b3c4d-lifecycle","targetUrl":"https://webhook-target.invalid/c","resource":"rooms","event":"created","secret":"[redacted]"}' 'https://webexapis.com/v1/webhooks' -H 'X-Leak: Bearer [redacted]'`

	tests := []struct {
		format Format
		// curls extracts every curl command the output holds.
		curls func(t *testing.T, out string) []string
	}{
		{Text, func(t *testing.T, out string) []string {
			var got []string
			for _, line := range strings.Split(out, "\n") {
				if c, ok := strings.CutPrefix(line, "     reproduce: "); ok {
					got = append(got, c)
				}
			}
			return got
		}},
		{JSON, func(t *testing.T, out string) []string {
			var rep Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			var got []string
			for _, c := range rep.Cases {
				if c.Curl != "" {
					got = append(got, c.Curl)
				}
			}
			return got
		}},
		{JUnit, func(t *testing.T, out string) []string {
			var doc junitSuites
			require.NoError(t, xml.Unmarshal([]byte(out), &doc))
			var got []string
			for _, s := range doc.Suites {
				for _, c := range s.Cases {
					assert.Empty(t, c.SystemOut, "the curl is in the failures, not repeated in system-out")
					for _, f := range c.Failures {
						_, c, ok := strings.Cut(f.Text, "reproduce: ")
						require.True(t, ok, "failure %s has no reproduce line:\n%s", f.Type, f.Text)
						got = append(got, strings.TrimSuffix(c, "\n"))
					}
				}
			}
			return got
		}},
		{Markdown, func(t *testing.T, out string) []string {
			var got []string
			for _, block := range strings.Split(out, "```sh\n")[1:] {
				c, _, ok := strings.Cut(block, "\n```\n")
				require.True(t, ok, "unclosed sh block")
				got = append(got, c)
			}
			return got
		}},
	}
	for _, tc := range tests {
		for name, redact := range map[string]func(string) string{"engine Redact": eng.Redact, "no Redact hook": nil} {
			t.Run(string(tc.format)+"/"+name, func(t *testing.T) {
				t.Parallel()
				r := curlReport(token)
				var buf bytes.Buffer
				require.NoError(t, Write(&buf, tc.format, r, WithRedact(redact), WithVerbose(true)))
				out := buf.String()
				assert.NotContains(t, out, token)
				assert.NotContains(t, out, "s0cr3t-d4f8e2a1b9c7")
				assert.NotContains(t, out, "passing=1", "a passing case carries no curl")
				got := tc.curls(t, out)
				require.Len(t, got, 1, out)
				for _, c := range got {
					assert.Equal(t, want, c)
				}
				assert.Contains(t, r.Cases[1].Curl, "s0cr3t-d4f8e2a1b9c7", "the report given is left alone")
			})
		}
	}
}

func TestJUnitCurlWithoutFailuresGoesToSystemOut(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	r.Add(Case{Name: "known", Curl: "curl 'https://example.com/x'",
		Findings: []conformance.Finding{{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Message: "m", Baseline: conformance.BaselineKnown}}})
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JUnit, r))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	c := doc.Suites[0].Cases[0]
	assert.Empty(t, c.Failures)
	assert.Equal(t, "known from the baseline: drift body.enum at /: m\nreproduce: curl 'https://example.com/x'\n", c.SystemOut)
}

// A case that failed with nothing but notes (a request that got no answer)
// still shows as one failure, so that the viewer and the counts agree.
func TestJUnitFailedCaseWithoutFindingsHasItsFailure(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	r.Add(Case{Name: "odd", Verdict: VerdictFail, Reason: "no answer: connection reset", Curl: "curl 'https://example.com/x'",
		Findings: []conformance.Finding{{Rule: conformance.RuleBehaviorNotJudged, Severity: conformance.SeverityInfo, Message: "m"}}})
	r.Add(Case{Name: "odder", Verdict: VerdictFail})
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JUnit, r))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, 2, doc.Failures)
	c := doc.Suites[0].Cases[0]
	require.Len(t, c.Failures, 1)
	assert.Equal(t, "no answer: connection reset", c.Failures[0].Message)
	assert.Equal(t, "no answer: connection reset\nreproduce: curl 'https://example.com/x'\n", c.Failures[0].Text)
	assert.Equal(t, "info behavior.not-judged at /: m\n", c.SystemOut, "the command is in the failure, not repeated")
	require.Len(t, doc.Suites[0].Cases[1].Failures, 1)
	assert.Equal(t, "the case failed", doc.Suites[0].Cases[1].Failures[0].Message)
}

func TestMarkdownFenceOutlastsBackticks(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	r.Add(Case{Name: "x", Curl: "curl --data-raw '{\"name\":\"````\"}' 'https://example.com/x'",
		Findings: []conformance.Finding{{Rule: conformance.RuleBodyJSON, Severity: conformance.SeverityError}}})
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Markdown, r))
	assert.Contains(t, buf.String(), "\n`````sh\ncurl --data-raw '{\"name\":\"````\"}' 'https://example.com/x'\n`````\n")
}
