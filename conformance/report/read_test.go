package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

func TestReadJSONRoundTrip(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance", Version: "v1", Spec: conformance.SpecInfo{Title: "T", Version: "1.0.0", SHA256: "ab"}, Target: "https://example.com"}
	r.Add(Case{Name: "get", Operation: "getWebhookDetails", Status: 200, Findings: []conformance.Finding{
		{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Operation: "getWebhookDetails", Status: 200, Pointer: "/resource", Actual: `"x"`},
	}})
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JSON, r))
	got, err := ReadJSON(buf.Bytes())
	require.NoError(t, err)
	assert.Equal(t, r.Spec, got.Spec)
	require.Len(t, got.Cases, 1)
	assert.Equal(t, r.Cases[0].Findings, got.Cases[0].Findings)
}

func TestReadJSONRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"truncated", `{"tool":"conformance","cases":[`, "not JSON"},
		{"not JSON", "<html>", "not JSON at byte 1"},
		{"another tool", `{"tool":"other","cases":[]}`, `no "tool": "conformance"`},
		{"an array", `[]`, "not a conformance JSON report"},
		{"no cases", `{"tool":"conformance"}`, `no "cases"`},
		{"cases of the wrong type", `{"tool":"conformance","cases":{}}`, "not a conformance JSON report"},
		{"finding without a rule", `{"tool":"conformance","cases":[{"findings":[{"severity":"drift"}]}]}`, "case 1, finding 1: no rule"},
		{"unknown severity", `{"tool":"conformance","cases":[{"findings":[{"rule":"r","severity":"fatal"}]}]}`, `unknown severity "fatal"`},
		{"status of the wrong type", `{"tool":"conformance","cases":[{"status":"200","findings":[]}]}`, "not a conformance JSON report"},
	} {
		_, err := ReadJSON([]byte(tc.in))
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
		assert.False(t, strings.Contains(err.Error(), "\n"), "%s: one line", tc.name)
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"tool":"conformance","cases":[{"findings":[{"rule":"body.enum","severity":"drift","pointer":"/items/0/resource","actual":"\"x\""}]}]}`))
	f.Add([]byte(`{"tool":"conformance","cases":[]}`))
	f.Add([]byte(`{"tool":"conformance","cases":[{"findings":[{"severity":"drift"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadJSON(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		for _, c := range r.Cases {
			for _, f := range c.Findings {
				if f.Rule.ID() == "" {
					t.Fatal("accepted a finding without a rule")
				}
			}
		}
	})
}
