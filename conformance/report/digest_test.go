package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

// driftAcrossList is a list answer in which every one of n webhooks has
// drifted in the same way, plus one undocumented property on one of them.
func driftAcrossList(n int, value string) Case {
	c := Case{Name: "list webhooks, page 1", Operation: "listWebhooks", Method: "GET", Path: "/webhooks", Status: 200}
	for i := range n {
		f := conformance.NewFinding(conformance.RuleBodyEnum, fmt.Sprintf("/items/%d/status", i), "value is not one of the documented enum values", "one of [active, inactive]", value)
		f.Operation, f.Status = "listWebhooks", 200
		c.Findings = append(c.Findings, f)
	}
	f := conformance.NewFinding(conformance.RuleBodyUndocumented, "/items/3/color", `property "color" is not documented`, "", `"blue"`)
	f.Operation, f.Status = "listWebhooks", 200
	c.Findings = append(c.Findings, f)
	return c
}

func TestGroupFindingsFoldsIndices(t *testing.T) {
	t.Parallel()
	c := driftAcrossList(50, `"paused"`)
	c.Findings = append(c.Findings, c.Findings[7])
	c.Findings[len(c.Findings)-1].Actual = `"frozen"`
	groups := groupFindings(c.Findings, nil)
	require.Len(t, groups, 2)
	assert.Equal(t, findingGroup{
		Rule: conformance.RuleBodyEnum.ID(), Severity: conformance.SeverityDrift, Operation: "listWebhooks", Status: 200,
		Pointer: "/items/*/status", Message: "value is not one of the documented enum values", Count: 51,
		Values: []string{`"paused"`, `"frozen"`},
	}, groups[0])
	assert.Equal(t, "/items/*/color", groups[1].Pointer)
	assert.Equal(t, 1, groups[1].Count)

	var many []conformance.Finding
	for i := range 8 {
		many = append(many, conformance.Finding{Rule: conformance.RuleBodyEnum, Pointer: "/a", Actual: fmt.Sprint(i)})
	}
	groups = groupFindings(many, nil)
	require.Len(t, groups, 1)
	assert.Len(t, groups[0].Values, digestMaxValues)
	assert.Equal(t, 8-digestMaxValues, groups[0].MoreValues)
}

func digest(t *testing.T, r *Report, opts ...DigestOption) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, WriteDigest(&b, r, opts...))
	return b.String()
}

func TestDigestGroupsOneDriftAcrossManyWebhooksIntoOneRow(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance", Version: "v0", Target: "https://webexapis.com/v1",
		Spec: conformance.SpecInfo{Title: "Webex Webhooks API", Version: "1.0.0", SHA256: strings.Repeat("ab", 32)}}
	r.Add(driftAcrossList(100, `"paused"`))
	r.Add(Case{Name: "get an unknown webhook id", Operation: "getWebhookDetails", Status: 404})
	r.Conclude(conformance.SeverityDrift)

	got := digest(t, r, WithTitle("Nightly drift check"), WithLink("https://github.example/runs/1"),
		WithDiff([]byte("--- a/api/openapi.yaml\n+++ b/api/openapi.yaml\n@@ -1 +1,2 @@\n a\n+b\n")), WithSpecName("api/openapi.yaml"),
		WithNeedsPerson("needs a person: error body.format at /created"))
	assert.True(t, strings.HasPrefix(got, "## ❌ Nightly drift check: nonconformant\n"), got)
	assert.Contains(t, got, "target: https://webexapis.com/v1 · spec: Webex Webhooks API 1.0.0 (sha256 abababababab) · [the run](https://github.example/runs/1)")
	assert.Contains(t, got, "2 cases: 1 passed, 1 failed, 0 skipped. 101 new findings in 2 places.")
	assert.Contains(t, got, "| drift | `body.enum` | listWebhooks | 200 | `/items/*/status` | 100 | `\"paused\"` | value is not one of the documented enum values |")
	assert.Equal(t, 1, strings.Count(got, "/items/*/status"), "one row for the hundred webhooks")
	assert.Contains(t, got, "### Proposed amendment of api/openapi.yaml")
	assert.Contains(t, got, "```diff\n--- a/api/openapi.yaml\n")
	assert.Contains(t, got, "### Needs a person\n\n```\nneeds a person: error body.format at /created\n```\n")
	assert.NotContains(t, got, "Known from the baseline", "no baseline, nothing known")
}

func TestDigestAgainstABaseline(t *testing.T) {
	t.Parallel()
	base := &Report{Tool: "conformance"}
	base.Add(driftAcrossList(3, `"paused"`))
	gone := conformance.NewFinding(conformance.RuleBodyUndocumented, "/items/0/size", "property \"size\" is not documented", "", "1")
	gone.Operation, gone.Status = "listWebhooks", 200
	base.Cases[0].Findings = append(base.Cases[0].Findings, gone)
	base.Conclude(conformance.SeverityDrift)

	r := &Report{Tool: "conformance"}
	c := driftAcrossList(5, `"paused"`)
	extra := driftAcrossList(2, `"frozen"`).Findings[:2] // a new value at a known place is new
	c.Findings = append(c.Findings, extra...)
	r.Add(c)
	r.CompareBaseline(base)
	r.Conclude(conformance.SeverityDrift)

	got := digest(t, r, WithTitle("Nightly drift check"))
	assert.Contains(t, got, "2 new findings in 1 place; 6 known findings in 2 places; 1 finding resolved.")
	newPart, knownPart, ok := strings.Cut(got, "<details><summary>Known from the baseline: 6 findings in 2 places</summary>")
	require.True(t, ok, got)
	assert.Contains(t, newPart, "| `/items/*/status` | 2 | `\"frozen\"` |")
	assert.Contains(t, knownPart, "| `/items/*/status` | 5 | `\"paused\"` |")
	assert.Contains(t, knownPart, "### Resolved since the baseline")
	assert.Contains(t, knownPart, "`/items/*/size`")
	assert.Contains(t, got, "conformance follow has nothing to add to it.")

	counts := r.Counts()
	assert.Equal(t, DigestCounts{Outcome: Nonconformant, Tested: true, New: 2, Known: 6, Resolved: 1, Findings: 8, NewPlaces: 1}, counts)
}

func TestDigestOfAnUntestedNightAndAQuietOne(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	r.MarkUntested("token rejected: 401 on list")
	got := digest(t, r, WithTitle("Nightly drift check"))
	assert.True(t, strings.HasPrefix(got, "## ⚠️ Nightly drift check: untested\n\n**Outcome: untested.** token rejected: 401 on list\n"), got)
	assert.Contains(t, got, "0 cases: 0 clean, 0 failed, 0 skipped. 0 new findings in 0 places.")
	assert.False(t, r.Counts().Tested)

	quiet := &Report{Tool: "conformance"}
	quiet.Add(Case{Name: "list", Operation: "listWebhooks", Status: 200})
	quiet.Conclude(conformance.SeverityDrift)
	got = digest(t, quiet)
	assert.True(t, strings.HasPrefix(got, "## ✅ Conformance: conformant\n"), got)
	assert.Contains(t, got, "1 case: 1 passed, 0 failed, 0 skipped. 0 new findings in 0 places.")
	assert.NotContains(t, got, "Proposed amendment")
	assert.Equal(t, DigestCounts{Outcome: Conformant, Tested: true}, quiet.Counts())
}

// TestDigestIsBounded: whatever the report holds, the digest fits a GitHub
// issue body (65,536 characters), and hostile values cannot break out of
// their cells or code blocks.
func TestDigestIsBounded(t *testing.T) {
	t.Parallel()
	r := &Report{Tool: "conformance"}
	c := Case{Name: "many", Operation: "listWebhooks", Status: 200}
	for i := range 5000 {
		f := conformance.NewFinding(conformance.RuleBodyUndocumented, fmt.Sprintf("/p%d", i), strings.Repeat("m", 500), "", "`|"+strings.Repeat("v", 500))
		f.Operation, f.Status = "listWebhooks", 200
		c.Findings = append(c.Findings, f)
	}
	r.Add(c)
	r.Conclude(conformance.SeverityDrift)
	diff := "--- a/x\n+++ b/x\n" + strings.Repeat("+```` a line of the diff\n", 10000)
	var person []string
	for range 1000 {
		person = append(person, "needs a person: "+strings.Repeat("x", 100))
	}
	got := digest(t, r, WithDiff([]byte(diff)), WithNeedsPerson(person...))
	assert.Less(t, len([]rune(got)), 65536)
	for _, want := range []string{"and 4940 more places: see the reports.", "The diff is cut at 20000 bytes", "`````diff\n", "and 970 more lines."} {
		assert.True(t, strings.Contains(got, want), "the digest says %q", want)
	}
	assert.False(t, strings.Contains(got, "`|v"), "a value cannot end its code span or its cell")
}

// TestDigestShowsCoverage: a night's digest says how much of the spec it
// judged, which operations it never reached, and a required response the
// baseline judged and this night did not.
func TestDigestShowsCoverage(t *testing.T) {
	t.Parallel()
	req := []conformance.Requirement{{Operation: "getWebhookDetails", Status: "200"}}
	prev := &Report{Tool: "conformance", Requirements: req, Coverage: coverageOf("200", "404")}
	cur := &Report{Tool: "conformance", Requirements: req, Coverage: coverageOf()}
	cur.Coverage.Operations[0].Exchanges = 0
	cur.Coverage.Totals.Operations = conformance.Count{Documented: 1}
	cur.Add(Case{Name: "list", Operation: "listWebhooks", Status: 200})
	cur.CompareBaseline(prev)
	cur.Conclude(conformance.SeverityDrift)
	got := digest(t, cur, WithTitle("Nightly drift check"))
	assert.Contains(t, got, "Coverage: operations 0/1, responses")
	assert.Contains(t, got, "Not judged: getWebhookDetails.")
	assert.Contains(t, got, "**⚠️ Coverage is lower than the baseline's:** this required response was judged by the baseline and not by this run: getWebhookDetails 200.")
	assert.Equal(t, 1, cur.Counts().CoverageRegressions)
}
