package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

// encoderJSON is what the streaming writer must reproduce: the redacted
// report through encoding/json's Encoder with a two-space indent.
func encoderJSON(t *testing.T, r *Report, scrub func(string) string) []byte {
	t.Helper()
	out := redacted(r, scrub)
	if out.Cases == nil {
		out.Cases = []Case{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(out))
	return b.Bytes()
}

func TestJSONStreamsWhatTheEncoderWrites(t *testing.T) {
	t.Parallel()
	odd := "a<b>&c \"q\" \\ \n\t\r\b\f\x01\x1f é \u2028\u2029 \xff\xfe 😀 Bearer abcdefghijklmnop"
	finding := conformance.Finding{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Operation: "op", Status: 200,
		Pointer: "/a~1b", Message: odd, Expected: "one of [x]", Actual: `"` + odd + `"`, Baseline: conformance.BaselineNew}
	scrub := scrubber(nil)
	for name, r := range map[string]*Report{
		"empty":    {Tool: "conformance", Version: "v0", Spec: conformance.SpecInfo{Title: "T", Version: "1", SHA256: "abc"}},
		"no cases": {Tool: "conformance", Version: "v0", Cases: []Case{}},
		"cases": {Tool: "conformance", Version: "v0", Target: "https://x.example/v1?token=Bearer%20abc", Spec: conformance.SpecInfo{Title: strings.TrimSuffix(odd, " Bearer abcdefghijklmnop")},
			LeftBehind: []LeftBehind{{ID: "id1", Name: odd}},
			Cases: []Case{
				{Name: odd, Operation: "op", Method: "GET", Path: "/p", Status: 200, Verdict: VerdictFail, DurationMS: 3.1, Curl: "curl -H 'Authorization: Bearer $WEBEX_TOKEN' " + odd,
					Findings: []conformance.Finding{finding, {Rule: conformance.RuleRequestSecurity, Severity: conformance.SeverityError, Message: "m"}}},
				{Name: "pass", Verdict: VerdictPass, DurationMS: 0, Curl: "dropped: not failing", Findings: []conformance.Finding{}},
				{Name: "skip", Verdict: VerdictSkip, Reason: odd, DurationMS: 1e-7},
				{Name: "big", Verdict: VerdictPass, DurationMS: 123456789.25},
				{Name: "huge", Verdict: VerdictPass, DurationMS: 1e22},
			},
			Resolved: []conformance.Finding{finding},
		},
		"coverage": {Tool: "conformance", Version: "v0", Cases: []Case{{Name: "c", Verdict: VerdictPass}},
			Requirements: []conformance.Requirement{{Operation: "getWebhookDetails", Status: "200"}}, CoverageRegressions: []string{"getWebhookDetails 200"},
			Coverage: coverageOf("200", "404")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got bytes.Buffer
			require.NoError(t, writeJSON(&got, r, scrub))
			want := encoderJSON(t, r, scrub)
			require.Equal(t, string(want), got.String())
			require.NotContains(t, got.String(), "abcdefghijklmnop")
		})
	}
}

// BenchmarkWriteJSON writes a report of 40,000 cases, as validate --har on
// a large recording does, streaming; its baseline is the encoder over the
// redacted copy, as the writer did before.
func BenchmarkWriteJSON(b *testing.B) {
	r := benchReport(40000)
	scrub := scrubber(nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := writeJSON(discard{}, r, scrub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJSONBaseline(b *testing.B) {
	r := benchReport(40000)
	scrub := scrubber(nil)
	b.ReportAllocs()
	for b.Loop() {
		out := redacted(r, scrub)
		enc := json.NewEncoder(discard{})
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func benchReport(n int) *Report {
	r := &Report{Tool: "conformance", Version: "v0"}
	for i := range n {
		c := Case{Name: "GET /v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMy (webhooks.har #" + strings.Repeat("1", i%5+1) + ")",
			Operation: "getWebhookDetails", Method: "GET", Path: "/webhooks/{webhookId}", Status: 200, DurationMS: 42.5}
		if i%30 == 0 {
			c.Findings = []conformance.Finding{{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Operation: "getWebhookDetails", Status: 200,
				Pointer: "/resource", Message: "value is not one of the documented enum values", Expected: "one of [a, b, c]", Actual: `"someNewResource"`}}
		}
		r.Add(c)
	}
	return r
}
