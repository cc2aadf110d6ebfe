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

func enumAt(op string, status int, ptr, value string) conformance.Finding {
	return conformance.Finding{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Operation: op, Status: status,
		Pointer: ptr, Message: "value is not one of the documented enum values", Expected: "one of [messages, rooms]", Actual: value}
}

func undocumentedAt(op string, status int, ptr, value string) conformance.Finding {
	name := ptr[strings.LastIndexByte(ptr, '/')+1:]
	return conformance.Finding{Rule: conformance.RuleBodyUndocumented, Severity: conformance.SeverityDrift, Operation: op, Status: status,
		Pointer: ptr, Message: `property "` + name + `" is not documented`, Actual: value}
}

var baselineSpec = conformance.SpecInfo{Title: "Webex Webhooks API", Version: "1.0.0", SHA256: "ab"}

// lastNight is the baseline: two drift findings in the list, one in get
// details, one in update (which tonight's run does not exercise), and a
// note.
func lastNight() *Report {
	r := &Report{Tool: "conformance", Version: "v0.1.0", Spec: baselineSpec, Target: "https://webexapis.com/v1"}
	r.Add(Case{Name: "list webhooks", Operation: "listWebhooks", Status: 200, Findings: []conformance.Finding{
		enumAt("listWebhooks", 200, "/items/0/resource", `"meetingSummaries"`),
		undocumentedAt("listWebhooks", 200, "/items/0/orgName", `"Acme"`),
	}})
	r.Add(Case{Name: "get webhook details", Operation: "getWebhookDetails", Status: 200, Findings: []conformance.Finding{
		undocumentedAt("getWebhookDetails", 200, "/labels", `["x"]`),
	}})
	r.Add(Case{Name: "update a webhook", Operation: "updateWebhook", Status: 200, Findings: []conformance.Finding{
		undocumentedAt("updateWebhook", 200, "/labels", `["x"]`),
	}})
	return r
}

// tonight has the known drift at other indices, a second unknown value
// at the same place, and no more labels in get details.
func tonight() *Report {
	r := &Report{Tool: "conformance", Version: "v0.1.0", Spec: baselineSpec, Target: "https://webexapis.com/v1"}
	r.Add(Case{Name: "list webhooks", Operation: "listWebhooks", Status: 200, Findings: []conformance.Finding{
		enumAt("listWebhooks", 200, "/items/3/resource", `"meetingSummaries"`),
		enumAt("listWebhooks", 200, "/items/4/resource", `"meetingSummaries"`),
		undocumentedAt("listWebhooks", 200, "/items/3/orgName", `"Globex"`),
		enumAt("listWebhooks", 200, "/items/5/resource", `"wellbeing"`),
	}})
	r.Add(Case{Name: "get webhook details", Operation: "getWebhookDetails", Status: 200})
	r.Add(Case{Name: "get an unknown webhook", Operation: "getWebhookDetails", Status: 404})
	return r
}

func TestCompareBaseline(t *testing.T) {
	t.Parallel()
	r := tonight()
	assert.Empty(t, r.CompareBaseline(lastNight()))

	var marks []string
	for _, f := range r.Cases[0].Findings {
		marks = append(marks, f.Pointer+" "+f.Actual+" "+string(f.Baseline))
	}
	assert.Equal(t, []string{
		`/items/3/resource "meetingSummaries" known`, // the same value, another index
		`/items/4/resource "meetingSummaries" known`,
		`/items/3/orgName "Globex" known`,   // an undocumented property is one finding whatever its value
		`/items/5/resource "wellbeing" new`, // a new value at a known place is new
	}, marks)

	require.Len(t, r.Resolved, 1, "get details lost its labels; update was not exercised, so its finding is not called resolved")
	assert.Equal(t, "/labels", r.Resolved[0].Pointer)
	assert.Equal(t, "getWebhookDetails", r.Resolved[0].Operation)
	assert.Empty(t, r.Resolved[0].Baseline)

	s := r.Summary()
	assert.Equal(t, [3]int{1, 3, 1}, [3]int{s.New, s.Known, s.Resolved})
	assert.True(t, r.Fails(conformance.SeverityDrift), "the new value fails the run")
	assert.False(t, r.Fails(conformance.SeverityError))
	r.Conclude(conformance.SeverityDrift)
	assert.Equal(t, Nonconformant, r.Outcome)
	assert.Equal(t, "1 new finding at or above drift, in responses (the server's side)", r.Reason)

	assert.False(t, r.Cases[0].KnownOnly(), "it has a new finding")
	assert.False(t, r.Cases[1].KnownOnly(), "no findings at all")

	// Without the new value, the known drift passes, and says so.
	r.Cases[0].Findings = r.Cases[0].Findings[:3]
	assert.False(t, r.Fails(conformance.SeverityDrift))
	assert.True(t, r.Cases[0].KnownOnly())
	r.Conclude(conformance.SeverityDrift)
	assert.Equal(t, Conformant, r.Outcome)
	assert.Contains(t, r.Reason, "no new finding at or above drift; 3 known from the baseline")
}

func TestCompareBaselineAgainstItselfAndEmpty(t *testing.T) {
	t.Parallel()
	r := lastNight()
	r.CompareBaseline(lastNight())
	s := r.Summary()
	assert.Equal(t, [3]int{0, 4, 0}, [3]int{s.New, s.Known, s.Resolved})
	assert.True(t, r.baselined())

	r = lastNight()
	r.CompareBaseline(&Report{Tool: "conformance", Spec: baselineSpec, Cases: []Case{}})
	s = r.Summary()
	assert.Equal(t, [3]int{4, 0, 0}, [3]int{s.New, s.Known, s.Resolved})
	assert.True(t, r.baselined(), "an empty baseline is a baseline: the writers say so")

	plain := lastNight()
	assert.False(t, plain.baselined())
	s = plain.Summary()
	assert.Equal(t, [3]int{4, 0, 0}, [3]int{s.New, s.Known, s.Resolved}, "without a baseline everything is new")
}

func TestCompareBaselineOtherSpecVersionWarns(t *testing.T) {
	t.Parallel()
	base := lastNight()
	base.Spec.Version = "0.9.0"
	r := tonight()
	w := r.CompareBaseline(base)
	assert.Contains(t, w, `the baseline was judged by "Webex Webhooks API" "0.9.0", this report by "Webex Webhooks API" "1.0.0"`)
	assert.Equal(t, 3, r.Summary().Known, "matched all the same")
}

func TestBaselineSurvivesJSON(t *testing.T) {
	t.Parallel()
	r := tonight()
	r.CompareBaseline(lastNight())
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JSON, r))
	out := buf.String()
	assert.Contains(t, out, `"baseline": "known"`)
	assert.Contains(t, out, `"baseline": "new"`)
	assert.Contains(t, out, `"new": 1,`)
	assert.Contains(t, out, `"known": 3,`)
	assert.Contains(t, out, `"resolved": 1`)

	back, err := ReadJSON(buf.Bytes())
	require.NoError(t, err)
	assert.Equal(t, r.Summary(), back.Summary())
	require.Len(t, back.Resolved, 1)

	// Tonight's report is tomorrow's baseline: what was new is known then.
	tomorrow := tonight()
	tomorrow.CompareBaseline(back)
	assert.Equal(t, 0, tomorrow.Summary().New)
}

func TestBaselineGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format Format
		file   string
	}{
		{Text, "baseline.txt"},
		{JSON, "baseline.json"},
		{JUnit, "baseline.junit.xml"},
		{Markdown, "baseline.md"},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			t.Parallel()
			r := tonight()
			r.CompareBaseline(lastNight())
			r.Conclude(conformance.SeverityDrift)
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, tc.format, r))
			golden(t, tc.file, buf.Bytes())
		})
	}
}

func TestBaselineWritersShowNewFirst(t *testing.T) {
	t.Parallel()
	r := tonight()
	r.CompareBaseline(lastNight())
	r.Conclude(conformance.SeverityDrift)
	write := func(f Format) string {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, f, r))
		return buf.String()
	}

	text := write(Text)
	newAt, knownAt, resolvedAt := strings.Index(text, `"wellbeing"`), strings.Index(text, "KNOWN from the baseline"), strings.Index(text, "RESOLVED since the baseline")
	require.True(t, newAt >= 0 && knownAt > newAt && resolvedAt > knownAt, "new, then known, then resolved:\n%s", text)
	assert.Equal(t, 1, strings.Count(text, `"meetingSummaries"`), "known findings are collapsed:\n%s", text)
	assert.Contains(t, text, "seen 2 times")

	md := write(Markdown)
	newAt, knownAt, resolvedAt = strings.Index(md, "### New findings"), strings.Index(md, "<details><summary>Known from the baseline"), strings.Index(md, "### Resolved since the baseline")
	require.True(t, newAt >= 0 && knownAt > newAt && resolvedAt > knownAt, "new, then known, then resolved:\n%s", md)

	var doc junitSuites
	require.NoError(t, xml.Unmarshal([]byte(write(JUnit)), &doc))
	var failures []string
	var resolved []string
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			for _, f := range c.Failures {
				failures = append(failures, f.Message)
			}
			if s.Name == resolvedSuite {
				resolved = append(resolved, c.Name)
			}
		}
	}
	require.Len(t, failures, 1, "only the new finding is a failure: %v", failures)
	assert.Contains(t, failures[0], "body.enum")
	assert.Len(t, resolved, 1)
	assert.Equal(t, 1, doc.Failures)

	var js map[string]any
	require.NoError(t, json.Unmarshal([]byte(write(JSON)), &js))
	assert.Len(t, js["resolved"], 1)
}
