package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

func readReport(t *testing.T, path string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	rep, err := report.ReadJSON(data)
	require.NoError(t, err)
	return rep
}

// marks lists a report's findings as "rule pointer actual mark".
func marks(rep *report.Report) []string {
	var out []string
	for _, c := range rep.Cases {
		for _, f := range c.Findings {
			out = append(out, f.Rule.ID()+" "+conformance.FoldPointer(f.Pointer)+" "+f.Actual+" "+string(f.Baseline))
		}
	}
	return out
}

// Three nights against a target that drifts: the first night's drift is
// known on the second and passes; on the third a new enum value at the
// same place and a new property fail the run, and the value that went
// away is resolved.
func TestRunBaselineNightAfterNight(t *testing.T) {
	t.Parallel()
	const token = "baseline-token-0123456789"
	var hook atomic.Value
	hook.Store(driftHook)
	target := driftTarget(t, token, func() string { return hook.Load().(string) })
	vars := map[string]string{"WEBEX_TOKEN": token}
	dir := t.TempDir()
	night := func(n int, baseline string) (int, *report.Report, string) {
		path := filepath.Join(dir, "night"+string(rune('0'+n))+".json")
		args := []string{"--target", target, "--rate", "0", "--format", "json", "--output", path, "--format", "text", "--output", path + ".txt"}
		if baseline != "" {
			args = append(args, "--baseline", baseline)
		}
		code, _, errOut := runCLI(t, vars, false, args...)
		return code, readReport(t, path), errOut
	}

	code, first, errOut := night(1, "")
	require.Equal(t, exitFindings, code, errOut)
	require.NotEmpty(t, marks(first))
	assert.Equal(t, first.Summary().Drift, first.Summary().New, "without a baseline every finding is new")

	code, second, errOut := night(2, filepath.Join(dir, "night1.json"))
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, errOut, "reproduce a failing case", "known drift needs no reproducing")
	for _, m := range marks(second) {
		assert.True(t, strings.HasSuffix(m, " known"), m)
	}
	s := second.Summary()
	assert.Zero(t, s.New)
	assert.Equal(t, first.Summary().Drift, s.Known)
	assert.Zero(t, s.Resolved)
	outcome, reason := second.Result()
	assert.Equal(t, report.Conformant, outcome)
	assert.Contains(t, reason, "known from the baseline")
	text, err := os.ReadFile(filepath.Join(dir, "night2.json.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(text), "KNOWN from the baseline")

	hook.Store(strings.Replace(strings.Replace(driftHook, "meetingSummaries", "wellbeing", 1), `"orgName":"Acme"`, `"orgName":"Acme","region":"emea"`, 1))
	code, third, errOut := night(3, filepath.Join(dir, "night2.json"))
	require.Equal(t, exitFindings, code, errOut)
	assert.Contains(t, errOut, "reproduce a failing case")
	got := marks(third)
	assert.Contains(t, got, `body.enum /items/*/resource "wellbeing" new`)
	assert.Contains(t, got, `body.undocumented /items/*/region "emea" new`)
	assert.Contains(t, got, `body.undocumented /items/*/orgName "Acme" known`)
	var resolved []string
	for _, f := range third.Resolved {
		resolved = append(resolved, f.Operation+" "+f.Pointer+" "+f.Actual)
	}
	assert.Contains(t, resolved, `listWebhooks /items/0/resource "meetingSummaries"`)
	assert.Contains(t, resolved, `getWebhookDetails /resource "meetingSummaries"`)
	assert.Equal(t, len(third.Resolved), third.Summary().Resolved)
}

func TestBaselineInputErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"tool":"conformance","cases":[{"findings":[`), 0o644))
	notReport := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(notReport, []byte(`{"items":[]}`), 0o644))
	missing := filepath.Join(dir, "missing.json")
	for _, tc := range []struct {
		name string
		run  func(args ...string) (int, string, string)
		args []string
	}{
		{"run", func(args ...string) (int, string, string) { return runCLI(t, nil, false, args...) }, nil},
		{"validate", func(args ...string) (int, string, string) { return validateRun(t, "", nil, args...) }, []string{"--har", validateSampleHAR}},
		{"proxy", func(args ...string) (int, string, string) {
			var out, errb strings.Builder
			code := cmdProxy(t.Context(), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, args)
			return code, out.String(), errb.String()
		}, []string{"--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:0"}},
	} {
		for file, want := range map[string]string{
			broken:    "broken.json: not JSON",
			notReport: `other.json: not a conformance JSON report (no "tool": "conformance")`,
			missing:   "missing.json: no such file",
		} {
			code, out, errOut := tc.run(append(tc.args, "--baseline", file)...)
			assert.Equal(t, exitUsage, code, "%s %s: %s", tc.name, file, errOut)
			assert.Empty(t, out, tc.name)
			assert.Contains(t, errOut, "conformance "+tc.name+": --baseline ", tc.name)
			assert.Contains(t, errOut, want, tc.name)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "%s: one line: %q", tc.name, errOut)
		}
	}
}

func TestValidateBaselineFromAnotherSpecVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := filepath.Join(dir, "first.json")
	code, _, errOut := validateRun(t, "", nil, "--har", validateSampleHAR, "--format", "json", "--output", first)
	require.Equal(t, exitFindings, code, errOut)

	code, _, errOut = validateRun(t, "", nil, "--har", validateSampleHAR, "--baseline", first)
	assert.Equal(t, exitOK, code, "everything is known: %s", errOut)
	assert.NotContains(t, errOut, "warning")

	data, err := os.ReadFile(first)
	require.NoError(t, err)
	older := filepath.Join(dir, "older.json")
	require.NoError(t, os.WriteFile(older, []byte(strings.Replace(string(data), `"version": "1.0.0"`, `"version": "0.9.0"`, 1)), 0o644))
	code, out, errOut := validateRun(t, "", nil, "--har", validateSampleHAR, "--baseline", older, "--format", "json")
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, `conformance validate: warning: the baseline was judged by "Webex Webhooks API" "0.9.0"`)
	assert.Contains(t, out, `"known": 4`)
}

func TestProxyBaseline(t *testing.T) {
	t.Parallel()
	const token = "proxy-baseline-token-0123456789"
	target := driftTarget(t, token, func() string { return driftHook })
	upstream := strings.TrimSuffix(target, "/v1")
	dir := t.TempDir()
	first := filepath.Join(dir, "first.json")

	session := func(args ...string) int {
		base, _, stderr, stop := proxyStart(t, nil, append([]string{"--upstream", upstream + "/v1"}, args...)...)
		status, body := proxyGet(t, base+"/v1/webhooks", token)
		require.Equal(t, http.StatusOK, status, body)
		code := stop()
		t.Log(stderr.String())
		return code
	}
	require.Equal(t, exitFindings, session("--format", "json", "--output", first))
	second := filepath.Join(dir, "second.json")
	require.Equal(t, exitOK, session("--baseline", first, "--format", "json", "--output", second))
	s := readReport(t, second).Summary()
	assert.Zero(t, s.New)
	assert.Positive(t, s.Known)
}
