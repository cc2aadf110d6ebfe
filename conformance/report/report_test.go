package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata/golden")

// sampleReport holds a passing case, a failing case with an error and a
// drift finding, a skipped case and a failing case with awkward characters.
func sampleReport() *Report {
	r := &Report{
		Tool:    "conformance",
		Version: conformance.Version,
		Spec:    conformance.SpecInfo{Title: "Webex Webhooks API", Version: "1.0.0", SHA256: "3f2a9c0e5b7d41f68a1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778"},
		Target:  "https://webexapis.com/v1",
	}
	r.Add(Case{
		Name: "list webhooks", Operation: "listWebhooks", Method: "GET", Path: "/webhooks",
		Status: 200, DurationMS: 2.5,
	})
	r.Add(Case{
		Name: "get webhook details", Operation: "getWebhookDetails", Method: "GET", Path: "/webhooks/{webhookId}",
		Status: 200, DurationMS: 3.1,
		Curl: `curl -sS -i -H "Authorization: Bearer $WEBEX_TOKEN" 'https://webexapis.com/v1/webhooks/abc'`,
		Findings: []conformance.Finding{
			{Rule: conformance.RuleBodyType, Severity: conformance.SeverityError, Operation: "getWebhookDetails", Status: 200,
				Pointer: "/created", Message: "created is a number, the spec says string", Expected: "string (date-time)", Actual: "1445178376"},
			{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Operation: "getWebhookDetails", Status: 200,
				Pointer: "/resource", Message: "resource is not a documented value", Expected: "one of [messages, rooms, …]", Actual: `"videoMeshAlerts"`},
		},
	})
	r.Add(Case{
		Name: "GET /v1/people/me (recording.har #2)", Method: "GET", Path: "/v1/people/me",
		Status: 200, Verdict: VerdictSkip, Reason: "no operation of the spec matches GET /v1/people/me",
	})
	r.Add(Case{
		Name: "delete webhook", Operation: "deleteWebhook", Method: "DELETE", Path: "/webhooks/{webhookId}",
		Status: 204, DurationMS: 1,
		Findings: []conformance.Finding{
			{Rule: conformance.RuleBodyEmpty, Severity: conformance.SeverityError, Operation: "deleteWebhook", Status: 204,
				Message: "a 204 response has a body | <b>here</b>\nsecond line", Actual: "\"ok\x00\""},
			{Rule: conformance.RuleHeaderFormat, Severity: conformance.SeverityError, Operation: "deleteWebhook", Status: 204,
				Pointer: "header:Retry-After", Message: "Retry-After is neither delta-seconds nor an HTTP-date", Expected: "delta-seconds or HTTP-date", Actual: `"rand(30),add(30)"`},
		},
	})
	return r
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format Format
		file   string
	}{
		{Text, "report.txt"},
		{JSON, "report.json"},
		{JUnit, "report.junit.xml"},
		{Markdown, "report.md"},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, tc.format, sampleReport()))
			golden(t, tc.file, buf.Bytes())
		})
	}
}

// golden compares got with ../testdata/golden/file, or rewrites it with
// -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", file)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./conformance/report -update to create it")
	assert.Equal(t, string(want), string(got))
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"text", "json", "junit", "markdown"} {
		f, err := ParseFormat(s)
		require.NoError(t, err)
		assert.Equal(t, Format(s), f)
	}
	for _, s := range []string{"", "JSON", "xml", "md"} {
		_, err := ParseFormat(s)
		require.Error(t, err, s)
		assert.Contains(t, err.Error(), "text, json, junit or markdown")
		assert.NotContains(t, err.Error(), "--", "a library names no flag")
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	t.Parallel()
	require.Error(t, Write(&bytes.Buffer{}, Format("yaml"), sampleReport()))
	require.Error(t, Write(&bytes.Buffer{}, Text, nil))
}

// TestNoSecretsInAnyFormat plants a canary token in the places a careless
// producer might leave one and checks that no writer prints it.
func TestNoSecretsInAnyFormat(t *testing.T) {
	t.Parallel()
	const canary = "CANARYTOKEN0123456789abcdefXYZ"
	r := sampleReport()
	r.Add(Case{
		Name: "leaky case " + canary, Operation: "getWebhookDetails", Method: "GET", Path: "/webhooks/{webhookId}", Status: 401,
		Curl:   "curl -H 'Authorization: Bearer " + canary + "' https://webexapis.com/v1/webhooks/x",
		Reason: "token " + canary,
		Findings: []conformance.Finding{{
			Rule: conformance.RuleStatusUndocumented, Severity: conformance.SeverityError, Pointer: "header:Authorization",
			Message: "sent Authorization: Bearer " + canary, Expected: canary, Actual: "Bearer " + canary,
		}},
	})
	redact := func(s string) string { return strings.ReplaceAll(s, canary, "[redacted]") }
	for _, f := range Formats {
		for _, opts := range [][]Option{{WithRedact(redact), WithVerbose(true)}, {WithRedact(redact), WithColor(true)}} {
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, f, r, opts...))
			assert.NotContains(t, buf.String(), canary, "format %s", f)
			assert.Contains(t, buf.String(), "https://webexapis.com/v1/webhooks/x", "format %s prints the leaky case's curl, redacted", f)
		}
	}
	// Without a Redact hook the project's redactor still catches the credential.
	for _, f := range Formats {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, f, r))
		assert.NotContains(t, buf.String(), "Bearer "+canary, "format %s", f)
	}
	// The report given to the writer is left as it was.
	assert.Contains(t, r.Cases[len(r.Cases)-1].Curl, canary)
}

// TestScrubberLeavesShellVariablesAlone: "$WEBEX_TOKEN" is for the shell to
// fill in, no credential; whatever follows "Bearer " and could be one is
// hidden, however short, as the engine hides it.
func TestScrubberLeavesShellVariablesAlone(t *testing.T) {
	t.Parallel()
	s := scrubber(nil)
	assert.Equal(t, `-H "Authorization: Bearer $WEBEX_TOKEN"`, s(`-H "Authorization: Bearer $WEBEX_TOKEN"`))
	assert.Equal(t, `-H "Authorization: Bearer ${WEBEX_TOKEN}"`, s(`-H "Authorization: Bearer ${WEBEX_TOKEN}"`))
	assert.Equal(t, `-H 'Authorization: Bearer [redacted]'`, s(`-H 'Authorization: Bearer ZjQ1ZTQ2YzQtYjY0Ny00YWJj'`))
	assert.Equal(t, "missing Bearer [redacted]", s("missing Bearer token"))
	assert.Equal(t, "Authorization: Bearer [redacted]", s("Authorization: Bearer NjQ1ZTQ2YzQtYjY0Ny00"))
	assert.Equal(t, "bearer [redacted]", s("bearer NjQ1ZTQ2YzQtYjY0Ny00"))
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	var plain, colour bytes.Buffer
	require.NoError(t, Write(&plain, Text, sampleReport()))
	require.NoError(t, Write(&colour, Text, sampleReport(), WithColor(true)))
	assert.NotContains(t, plain.String(), "\x1b[")
	assert.Contains(t, colour.String(), ansiRed+"error")
	assert.Contains(t, colour.String(), ansiBold+ansiRed+"FAIL")
}

func TestTextListsPassingCasesOnlyWhenVerbose(t *testing.T) {
	t.Parallel()
	var quiet, verbose bytes.Buffer
	require.NoError(t, Write(&quiet, Text, sampleReport()))
	require.NoError(t, Write(&verbose, Text, sampleReport(), WithVerbose(true)))
	assert.NotContains(t, quiet.String(), "PASS list webhooks")
	assert.Contains(t, verbose.String(), "PASS list webhooks")
	assert.Contains(t, quiet.String(), "4 cases: 1 passed, 2 failed, 1 skipped; 3 errors, 1 drift")
}

func TestTextOneLinePerFinding(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Text, sampleReport()))
	assert.Contains(t, buf.String(), `a 204 response has a body | <b>here</b>\nsecond line`)
	assert.NotContains(t, buf.String(), "\x00")
}

func TestJSONIsTheReportSchema(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JSON, sampleReport()))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	for _, k := range []string{"tool", "version", "spec", "target", "summary", "cases"} {
		assert.Contains(t, got, k)
	}
	cases := got["cases"].([]any)
	require.Len(t, cases, 4)
	first := cases[0].(map[string]any)
	assert.Equal(t, "pass", first["verdict"])
	assert.Equal(t, []any{}, first["findings"], "findings is an empty list, not null")
	assert.NotContains(t, first, "curl", "a passing case carries no curl")
	assert.Equal(t, sampleReport().Cases[1].Curl, cases[1].(map[string]any)["curl"])

	var back Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, sampleReport().Summary(), back.Summary())

	var empty bytes.Buffer
	require.NoError(t, Write(&empty, JSON, &Report{Tool: "conformance"}))
	assert.Contains(t, empty.String(), `"cases": []`)
}

func TestJUnitIsWellFormed(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JUnit, sampleReport()))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, 4, doc.Tests)
	assert.Equal(t, 2, doc.Failures)
	assert.Equal(t, 1, doc.Skipped)
	names := []string{}
	for _, s := range doc.Suites {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"listWebhooks", "getWebhookDetails", unmatchedSuite, "deleteWebhook"}, names)
	get := doc.Suites[1].Cases[0]
	require.Len(t, get.Failures, 1, "one failure per testcase, holding every finding")
	assert.Equal(t, "body.type body.enum", get.Failures[0].Type)
	assert.Equal(t, "2 findings; first: error body.type at /created: created is a number, the spec says string", get.Failures[0].Message)
	body := get.Failures[0].Text
	assert.Contains(t, body, "pointer:  /created\n")
	assert.Contains(t, body, `actual:   "videoMeshAlerts"`)
	assert.Equal(t, 1, strings.Count(body, "reproduce: "), "the command once, at the end")
	assert.True(t, strings.HasSuffix(body, "'https://webexapis.com/v1/webhooks/abc'\n"), body)
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			assert.LessOrEqual(t, len(c.Failures), 1, "%s: at most one failure", c.Name)
		}
	}
	assert.Equal(t, "list webhooks", doc.Suites[0].Cases[0].Name, "a pass is a testcase too")
	require.NotNil(t, doc.Suites[2].Cases[0].Skipped)
	assert.Nil(t, doc.Suites[0].Cases[0].Skipped)
	assert.Empty(t, doc.Suites[0].Cases[0].Failures)
	// A NUL byte from a server is not allowed in XML 1.0 at all.
	assert.NotContains(t, buf.String(), "\x00")
}

func TestMarkdownEscapesCells(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Markdown, sampleReport()))
	out := buf.String()
	assert.Contains(t, out, `a 204 response has a body \| &lt;b&gt;here&lt;/b&gt;\\nsecond line`)
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| error") || strings.HasPrefix(line, "| drift") {
			assert.Equal(t, 7, strings.Count(line, "|")-strings.Count(line, `\|`), line)
		}
	}
	assert.Contains(t, out, "| 4 | 1 | 2 | 1 | 3 | 1 |")
}

func TestMarkdownCapsFailingCases(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	for range markdownMaxCases + 5 {
		r.Add(Case{Name: "x", Findings: []conformance.Finding{{Rule: conformance.RuleBodyJSON, Severity: conformance.SeverityError}}})
	}
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Markdown, r))
	assert.Equal(t, markdownMaxCases, strings.Count(buf.String(), "\n#### "))
	assert.Contains(t, buf.String(), "…and 5 more failing cases")
}

func TestFindingsByRule(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	r.Add(Case{Name: "again", Findings: []conformance.Finding{
		{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift},
		{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift},
	}})
	assert.Equal(t, []ruleCount{
		{"body.enum", conformance.SeverityDrift, 3},
		{"body.type", conformance.SeverityError, 1},
		{"body.empty", conformance.SeverityError, 1},
		{"header.format", conformance.SeverityError, 1},
	}, countRules(r))
	var text, md bytes.Buffer
	require.NoError(t, Write(&text, Text, r))
	require.NoError(t, Write(&md, Markdown, r))
	assert.Contains(t, text.String(), "by rule: body.enum 3, body.type 1, body.empty 1, header.format 1\n")
	assert.Contains(t, md.String(), "| body.enum | drift | 3 |")

	var clean bytes.Buffer
	require.NoError(t, Write(&clean, Text, &Report{Tool: "conformance"}))
	assert.NotContains(t, clean.String(), "by rule")
}

// TestJUnitNamesAreUniqueWithinASuite: CI viewers key testcases by suite
// and name; two cases of one name in one suite become "name" and
// "name (2)", and a name that already ends so is not taken twice.
func TestJUnitNamesAreUniqueWithinASuite(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	for _, name := range []string{"clean up a created webhook", "clean up a created webhook", "clean up a created webhook (2)", "clean up a created webhook"} {
		r.Add(Case{Name: name, Operation: "deleteWebhook", Status: 204})
	}
	r.Add(Case{Name: "clean up a created webhook", Operation: "listWebhooks", Status: 200})
	r.Conclude(conformance.SeverityDrift)
	var b strings.Builder
	require.NoError(t, Write(&b, JUnit, r))
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(b.String()), &doc))
	got := map[string][]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			got[s.Name] = append(got[s.Name], c.Name)
		}
	}
	assert.Equal(t, map[string][]string{
		"deleteWebhook": {"clean up a created webhook", "clean up a created webhook (2)", "clean up a created webhook (2) (2)", "clean up a created webhook (3)"},
		"listWebhooks":  {"clean up a created webhook"},
	}, got)
}
