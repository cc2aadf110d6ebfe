package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/webex"
)

func init() {
	followNow = func() time.Time { return time.Date(2026, 12, 1, 3, 17, 0, 0, time.UTC) }
}

func followCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = cmdFollow(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// driftTarget is the Webex API as the mock serves it, except that every
// webhook it lists or gets is hook; the mock answers everything else.
func driftTarget(t *testing.T, token string, hook func() string) string {
	t.Helper()
	inner := mock.New(mock.WithTokens(token))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.Header.Get("Authorization") == "Bearer "+token {
			body := ""
			switch {
			case strings.HasSuffix(r.URL.Path, "/webhooks"):
				body = `{"items":[` + hook() + `]}`
			case strings.HasSuffix(r.URL.Path, "/webhooks/a"):
				body = hook()
			}
			if body != "" {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("TrackingID", "ROUTER_X")
				_, _ = w.Write([]byte(body))
				return
			}
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

const driftHook = `{"id":"a","name":"n","targetUrl":"https://example.com/","resource":"meetingSummaries","event":"created",` +
	`"status":"active","created":"2024-01-01T00:00:00Z","orgName":"Acme","labels":["x"]}`

func TestFollowMakesTheDriftedTargetPass(t *testing.T) {
	t.Parallel()
	const token = "follow-token-0123456789"
	target := driftTarget(t, token, func() string { return driftHook })
	vars := map[string]string{"WEBEX_TOKEN": token}
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	require.NoError(t, os.WriteFile(spec, api.Spec, 0o644))
	reportPath := filepath.Join(dir, "drift.json")

	code, _, errOut := runCLI(t, vars, false, "--target", target, "--rate", "0", "--spec", spec, "--format", "json", "--output", reportPath)
	require.Equal(t, exitFindings, code, errOut)

	code, diff, errOut := followCLI(t, "--report", reportPath, "--spec", spec, "--diff")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "enum value meetingSummaries added to /components/schemas/WebhookResource")
	assert.Contains(t, errOut, "property orgName (string) declared in /components/schemas/Webhook")
	assert.Contains(t, errOut, "property labels (array) declared in /components/schemas/Webhook")
	assert.NotContains(t, errOut, "needs a person")

	amended := filepath.Join(dir, "amended.yaml")
	code, _, errOut = followCLI(t, "--report", reportPath, "--spec", spec, "--output", amended)
	require.Equal(t, exitOK, code, errOut)
	after, err := os.ReadFile(amended)
	require.NoError(t, err)

	// The diff is what GNU diff -u says, and patch applies it.
	name := strings.TrimPrefix(filepath.ToSlash(filepath.Clean(spec)), "/")
	if diffPath, err := exec.LookPath("diff"); err == nil {
		gnu, err := exec.Command(diffPath, "-u", "--label", "a/"+name, "--label", "b/"+name, spec, amended).Output()
		var exit *exec.ExitError
		require.True(t, err == nil || errors.As(err, &exit) && exit.ExitCode() == 1, "diff: %v", err)
		assert.Equal(t, string(gnu), diff)
	}
	if patchPath, err := exec.LookPath("patch"); err == nil {
		patched := filepath.Join(dir, "patched.yaml")
		require.NoError(t, os.WriteFile(patched, api.Spec, 0o644))
		cmd := exec.Command(patchPath, "-s", patched)
		require.True(t, strings.HasPrefix(diff, "--- a/"+name+"\n+++ b/"+name+"\n"), "a/ and b/ labels:\n%s", diff)
		cmd.Stdin = strings.NewReader(diff)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		got, err := os.ReadFile(patched)
		require.NoError(t, err)
		assert.Equal(t, string(after), string(got))
	}

	// The same target passes when judged by the amended spec.
	code, out, errOut := runCLI(t, vars, false, "--target", target, "--rate", "0", "--spec", amended, "--format", "json")
	require.Equal(t, exitOK, code, "%s\n%s", errOut, out)

	// Following the same report again changes nothing.
	code, diff, errOut = followCLI(t, "--report", reportPath, "--spec", amended, "--diff")
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, diff)
	assert.Contains(t, errOut, "documented already")
}

func TestFollowUsageAndInputErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"tool":"conformance","cases":[`), 0o644))
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"tool":"conformance","cases":[]}`), 0o644))
	notYAML := filepath.Join(dir, "spec.yaml")
	require.NoError(t, os.WriteFile(notYAML, []byte("a: ["), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no report", []string{"--diff"}, "--report is required"},
		{"no output", []string{"--report", good}, "give --output NEW.yaml or --diff"},
		{"both outputs", []string{"--report", good, "--diff", "--output", "x"}, "not both"},
		{"missing report", []string{"--report", filepath.Join(dir, "nope.json"), "--diff"}, "no such file"},
		{"broken report", []string{"--report", broken, "--diff"}, "broken.json: not JSON"},
		{"missing spec", []string{"--report", good, "--spec", filepath.Join(dir, "nope.yaml"), "--diff"}, "--spec"},
		{"spec not YAML", []string{"--report", good, "--spec", notYAML, "--diff"}, "not YAML"},
	} {
		code, out, errOut := followCLI(t, tc.args...)
		assert.Equal(t, exitUsage, code, tc.name)
		assert.Empty(t, out, tc.name)
		assert.Contains(t, errOut, tc.want, tc.name)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "%s: one line: %q", tc.name, errOut)
	}
	code, out, errOut := followCLI(t, "--report", good, "--diff")
	assert.Equal(t, exitOK, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "nothing left to follow")
}

// TestFollowSaysHowTheSpecsDiffer: the warning compares versions and
// hashes: the same document says nothing, another version names both, and
// the same version with other content says so instead of naming one
// version as if it were another.
func TestFollowSaysHowTheSpecsDiffer(t *testing.T) {
	t.Parallel()
	sum := func(b []byte) string {
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	}
	embedded := conformance.SpecInfo{Title: "Webex Webhooks API", Version: "1.0.0", SHA256: sum(api.Spec)}
	edited := append([]byte("# a comment added by hand\n"), api.Spec...)
	bumped := []byte(strings.Replace(string(api.Spec), "version: 1.0.0", "version: 1.1.0", 1))
	require.NotEqual(t, string(api.Spec), string(bumped), "the spec carries version: 1.0.0")

	assert.Empty(t, specMismatch(embedded, api.Spec, "api/openapi.yaml"))
	assert.Empty(t, specMismatch(conformance.SpecInfo{}, edited, "api/openapi.yaml"), "a report without a hash cannot tell")
	assert.Equal(t, "the report was judged by Webex Webhooks API 1.0.0 (sha256 "+sum(api.Spec)[:12]+"), and api/openapi.yaml has the same title and version with other content (sha256 "+sum(edited)[:12]+"); following it all the same",
		specMismatch(embedded, edited, "api/openapi.yaml"))
	assert.Equal(t, "the report was judged by Webex Webhooks API 1.0.0 (sha256 "+sum(api.Spec)[:12]+"), and api/openapi.yaml is Webex Webhooks API 1.1.0 (sha256 "+sum(bumped)[:12]+"); following it all the same",
		specMismatch(embedded, bumped, "api/openapi.yaml"))
	assert.Contains(t, specMismatch(embedded, []byte("{}"), "x.json"), "x.json is an unnamed spec")
}

// TestFollowLeavesOutTheRunsProbes: a report whose target accepted the
// run's invalid create and echoed its made-up resource: follow says so and
// leaves the value out of the amendment, following the rest.
func TestFollowLeavesOutTheRunsProbes(t *testing.T) {
	t.Parallel()
	rep := &report.Report{Tool: "conformance", Version: conformance.Version, Probes: []string{"conformanceNoSuchResource", "conformanceNoSuchEvent", "not a url"}}
	accepted := conformance.NewFinding(webex.RuleBehaviorBadCreateAccepted, "", "an invalid create was not refused with 400", "400", "200")
	echoed := conformance.NewFinding(conformance.RuleBodyEnum, "/resource", "value is not one of the documented enum values", "one of [...]", `"conformanceNoSuchResource"`)
	echoed.Operation, echoed.Status = "createWebhook", 200
	real := conformance.NewFinding(conformance.RuleBodyEnum, "/items/0/resource", "value is not one of the documented enum values", "one of [...]", `"meetingSummaries"`)
	real.Operation, real.Status = "listWebhooks", 200
	rep.Add(report.Case{Name: "create with an unknown resource", Operation: "createWebhook", Status: 200, Findings: []conformance.Finding{accepted, echoed}})
	rep.Add(report.Case{Name: "list webhooks, page 1", Operation: "listWebhooks", Status: 200, Findings: []conformance.Finding{real}})
	rep.Conclude(conformance.SeverityDrift)
	data, err := json.Marshal(rep)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "drift.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))

	code, diff, errOut := followCLI(t, "--report", path, "--diff")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, diff, "+        - meetingSummaries")
	assert.NotContains(t, diff, "conformanceNoSuchResource")
	assert.Contains(t, errOut, `conformance follow: not followed: body.enum createWebhook 200 /resource "conformanceNoSuchResource": a value the run sent on purpose as invalid`)
	assert.Contains(t, errOut, "needs a person: error behavior.bad-create-accepted", "the accepted create is the run's error")
}
