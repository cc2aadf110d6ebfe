package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// listDrift is a report of one list answer in which n webhooks carry the
// same unknown status value.
func listDrift(t *testing.T, dir, name string, n int, value string) string {
	t.Helper()
	rep := &report.Report{Tool: "conformance", Version: conformance.Version, Target: "https://webexapis.com/v1",
		Spec: conformance.SpecInfo{Title: "Webex Webhooks API", Version: "1.0.0"}}
	c := report.Case{Name: "list webhooks, page 1", Operation: "listWebhooks", Method: "GET", Path: "/webhooks", Status: 200}
	for i := range n {
		f := conformance.NewFinding(conformance.RuleBodyEnum, fmt.Sprintf("/items/%d/status", i), "value is not one of the documented enum values", "one of [active, inactive]", value)
		f.Operation, f.Status = "listWebhooks", 200
		c.Findings = append(c.Findings, f)
	}
	rep.Add(c)
	rep.Conclude(conformance.SeverityDrift)
	data, err := json.Marshal(rep)
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

func TestSummaryGroupsOneDriftAcrossManyWebhooks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tonight := listDrift(t, dir, "drift.json", 40, `"paused"`)
	diff := filepath.Join(dir, "follow.diff")
	require.NoError(t, os.WriteFile(diff, []byte("--- a/api/webex.yaml\n+++ b/api/webex.yaml\n@@ -1 +1,2 @@\n a\n+        - paused # seen\n"), 0o644))
	log := filepath.Join(dir, "follow.log")
	require.NoError(t, os.WriteFile(log, []byte("followed 1 finding\nconformance follow: needs a person: error body.format getWebhookDetails 200 /created\n"), 0o644))
	figures := filepath.Join(dir, "github-output")
	require.NoError(t, os.WriteFile(figures, []byte("earlier=1\n"), 0o644))

	code, out, errOut := cli(t, "summary", "--report", tonight, "--diff", diff, "--follow-log", log,
		"--title", "Nightly drift check", "--link", "https://github.example/o/r/actions/runs/9", "--github-output", figures)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut)
	assert.True(t, strings.HasPrefix(out, "## ❌ Nightly drift check: nonconformant\n"), out)
	assert.Contains(t, out, "[the run](https://github.example/o/r/actions/runs/9)")
	assert.Contains(t, out, "40 new findings in 1 place.")
	assert.Contains(t, out, "| drift | `body.enum` | listWebhooks | 200 | `/items/*/status` | 40 | `\"paused\"` |")
	assert.Equal(t, 1, strings.Count(out, "/items/*/status"), "one row, not forty")
	assert.Contains(t, out, "### Proposed amendment of api/webex.yaml", "named as the diff names it")
	assert.Contains(t, out, "### Needs a person\n\n```\nconformance follow: needs a person: error body.format getWebhookDetails 200 /created\n```")
	assert.NotContains(t, out, "followed 1 finding")

	got, err := os.ReadFile(figures)
	require.NoError(t, err)
	assert.Equal(t, "earlier=1\noutcome=nonconformant\ntested=true\nnew=40\nknown=0\nresolved=0\nfindings=40\nplaces=1\ncoverage_regressions=0\nheadline=40 new findings in 1 place\n", string(got))
}

func TestSummaryAgainstABaselineWritesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	lastNight := listDrift(t, dir, "last.json", 3, `"paused"`)
	tonight := listDrift(t, dir, "tonight.json", 5, `"paused"`)
	digest := filepath.Join(dir, "issue.md")
	figures := filepath.Join(dir, "out")
	code, out, errOut := cli(t, "summary", "--report", tonight, "--baseline", lastNight, "--output", digest, "--github-output", figures)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, out)
	body, err := os.ReadFile(digest)
	require.NoError(t, err)
	assert.Contains(t, string(body), "0 new findings in 0 places; 5 known findings in 1 place; 0 findings resolved.")
	assert.Contains(t, string(body), "None: every finding was known from the baseline.")
	got, err := os.ReadFile(figures)
	require.NoError(t, err)
	assert.Contains(t, string(got), "new=0\nknown=5\n")
}

func TestSummaryOfAnUntestedReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rep := &report.Report{Tool: "conformance", Cases: []report.Case{}}
	rep.MarkUntested("the token was rejected (401 on list)")
	data, err := json.Marshal(rep)
	require.NoError(t, err)
	path := filepath.Join(dir, "drift.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	figures := filepath.Join(dir, "out")
	code, _, errOut := cli(t, "summary", "--report", path, "--output", os.DevNull, "--github-output", figures)
	require.Equal(t, exitOK, code, errOut)
	got, err := os.ReadFile(figures)
	require.NoError(t, err)
	assert.Contains(t, string(got), "outcome=untested\ntested=false\n")
}

func TestSummaryUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := listDrift(t, dir, "good.json", 1, `"x"`)
	notReport := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(notReport, []byte(`{"hello": 1}`), 0o644))
	missing := filepath.Join(dir, "missing.json")
	for args, want := range map[string]string{
		"summary":                                                    "conformance summary: give --report R.json",
		"summary --report " + missing:                                "conformance summary: --report open " + missing + ": no such file or directory",
		"summary --report " + notReport:                              "conformance summary: --report " + notReport + `: not a conformance JSON report (no "tool": "conformance")`,
		"summary --report " + good + " --diff " + missing:            "conformance summary: --diff open " + missing + ": no such file or directory",
		"summary --report " + good + " --output x --github-output x": "conformance summary: --output and --github-output name the same file x",
	} {
		code, out, errOut := cli(t, strings.Fields(args)...)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, out, args)
		assert.Equal(t, want+"\n", errOut, args)
	}
}
