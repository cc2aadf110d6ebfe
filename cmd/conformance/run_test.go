package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock"
)

// runCLI runs `conformance run args...` with the given environment.
func runCLI(t *testing.T, vars map[string]string, terminal bool, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }, isTerminal: terminal}
	code = cmdRun(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func runJSON(t *testing.T, s string) report.Report {
	t.Helper()
	var rep report.Report
	require.NoError(t, json.Unmarshal([]byte(s), &rep), s)
	return rep
}

func TestRunAgainstEmbeddedMock(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, nil, false, "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut, "no progress when stderr is no terminal")
	rep := runJSON(t, out)
	assert.GreaterOrEqual(t, rep.Summary().Cases, 15)
	assert.Equal(t, rep.Summary().Cases, rep.Summary().Passed)
	ops := map[string]bool{}
	statuses := map[int]bool{}
	for _, c := range rep.Cases {
		ops[c.Operation] = true
		statuses[c.Status] = true
	}
	assert.Len(t, ops, 5, "all five operations")
	for _, s := range []int{200, 204, 400, 401, 404, 405} {
		assert.True(t, statuses[s], "status %d is exercised", s)
	}
}

func TestRunProgressOnlyOnTerminal(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, nil, true)
	require.Equal(t, exitOK, code)
	assert.Contains(t, errOut, "create a webhook")
	assert.Contains(t, out, "cases")
}

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"target without token", nil, []string{"--target", "https://webexapis.com/v1"}, "WEBEX_TOKEN"},
		{"bad format", nil, []string{"--format", "yaml"}, "--format"},
		{"bad fail-on", nil, []string{"--fail-on", "info"}, "--fail-on"},
		{"negative rate", nil, []string{"--rate", "-1"}, "--rate"},
		{"NaN rate", nil, []string{"--rate", "NaN"}, "--rate"},
		{"infinite rate", nil, []string{"--rate", "+Inf"}, "--rate"},
		{"vanishing rate", nil, []string{"--rate", "1e-300"}, "--rate"},
		{"zero timeout", nil, []string{"--timeout", "0s"}, "--timeout"},
		{"webhook id without target", nil, []string{"--webhook-id", "x"}, "--target"},
		{"two reports on stdout", nil, []string{"--format", "json", "--format", "text"}, "stdout"},
		{"unreadable spec", nil, []string{"--spec", "/nonexistent/spec.yaml"}, "spec"},
		{"bad target", map[string]string{"WEBEX_TOKEN": "tok-0123456789"}, []string{"--target", "ftp://x"}, "target"},
		{"unknown flag", nil, []string{"--nope"}, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, tc.vars, false, tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
			if tc.name != "unknown flag" {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			}
		})
	}
}

func TestRunUnreachableTargetExits3(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	for _, token := range []string{"canary-unreachable-123456", "hooks"} {
		code, _, errOut := runCLI(t, map[string]string{"WEBEX_TOKEN": token}, false, "--target", "http://"+addr+"/v1", "--rate", "0")
		assert.Equal(t, exitUntestable, code)
		assert.Contains(t, errOut, "cannot test")
		// A short token is hidden where it stands alone, not inside words.
		assert.Contains(t, errOut, "/v1/webhooks failed", token)
		assert.NotContains(t, errOut, "canary-unreachable-123456")
	}
}

func TestRunRejectedTokenExits3(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	code, _, errOut := runCLI(t, map[string]string{"WEBEX_TOKEN": "not-the-mock-token-123456"}, false, "--target", ts.URL, "--rate", "0")
	assert.Equal(t, exitUntestable, code)
	assert.Contains(t, errOut, "rejected the token")
}

// runRecorder records the methods a handler sees.
type runRecorder struct {
	h       http.Handler
	mu      sync.Mutex
	methods []string
}

func (r *runRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.methods = append(r.methods, req.Method)
	r.mu.Unlock()
	r.h.ServeHTTP(w, req)
}

func TestRunTargetIsReadOnlyByDefault(t *testing.T) {
	t.Parallel()
	const token = "read-only-token-0123456789"
	rec := &runRecorder{h: mock.New(mock.WithTokens(token))}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	// The account is empty: read-only, no Get Webhook Details body can be
	// judged, and the run says how to get one.
	code, out, errOut := runCLI(t, map[string]string{"WEBEX_TOKEN": token}, false, "--target", srv.URL+"/v1", "--rate", "0", "--format", "json")
	require.Equal(t, exitUntestable, code, errOut)
	require.NotEmpty(t, rec.methods)
	for _, m := range rec.methods {
		assert.Equal(t, http.MethodGet, m)
	}
	rep := runJSON(t, out)
	assert.Positive(t, rep.Summary().Cases)
	outcome, reason := rep.Result()
	assert.Equal(t, report.Untested, outcome)
	assert.Contains(t, reason, "getWebhookDetails 200 was never judged")
	assert.Contains(t, reason, "--webhook-id ID")
	assert.Contains(t, reason, "--allow-writes")
	require.NotNil(t, rep.Coverage)
	create, ok := rep.Coverage.Operation("createWebhook")
	require.True(t, ok)
	assert.Zero(t, create.Exchanges, "a read-only run judged no create")
	assert.Empty(t, create.Statuses.Judged)
	assert.Contains(t, rep.Requirements, conformance.Requirement{Operation: "getWebhookDetails", Status: "200"})

	rec.methods = nil
	code, out, errOut = runCLI(t, map[string]string{"WEBEX_TOKEN": token}, false, "--target", srv.URL+"/v1", "--rate", "0", "--allow-writes", "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, rec.methods, http.MethodPost)
	assert.Contains(t, rec.methods, http.MethodDelete)
	rep = runJSON(t, out)
	get, ok := rep.Coverage.Operation("getWebhookDetails")
	require.True(t, ok)
	assert.Subset(t, get.Statuses.Judged, []string{"200", "404"})
}

func TestRunSeveralOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	xml, md, js := filepath.Join(dir, "drift.xml"), filepath.Join(dir, "summary.md"), filepath.Join(dir, "r.json")
	code, out, errOut := runCLI(t, nil, false, "--format", "junit", "--output", xml, "--format", "markdown", "--output", md, "--output", js)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, out)
	b, err := os.ReadFile(xml)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<testsuite ")
	b, err = os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(b), "| Cases |")
	b, err = os.ReadFile(js)
	require.NoError(t, err)
	assert.Positive(t, runJSON(t, string(b)).Summary().Cases, "format from the extension")
	assert.Equal(t, 3, strings.Count(errOut, "conformance: wrote "))
}

// runEvilTarget answers every request with the caller's credentials and a
// secret reflected into the body, the headers and an undocumented field,
// so that every output path gets a chance to leak them.
func runEvilTarget(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		secret, _ := in["secret"].(string)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", auth)
		w.Header().Set("X-Echo", auth+" "+secret)
		hook := map[string]any{
			"id": "x", "name": auth, "targetUrl": "not a url " + auth, "resource": "messages " + auth, "event": "created",
			"status": "active", "created": auth, "secret": auth + secret, "leak": auth + " " + secret,
		}
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/webhooks") {
			w.Header().Set("Link", `<http://elsewhere.example/v1/webhooks?token=`+strings.TrimPrefix(auth, "Bearer ")+`>; rel="next"`)
			_ = json.NewEncoder(w).Encode(map[string]any{"items": []any{hook}, "note": auth})
			return
		}
		_ = json.NewEncoder(w).Encode(hook)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunCanaryTokenNeverPrinted(t *testing.T) {
	t.Parallel()
	const canary = "CANARY0token0f00dbabe0123456789"
	srv := runEvilTarget(t)
	for _, format := range []string{"text", "json", "junit", "markdown"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "report")
			code, stdout, stderr := runCLI(t, map[string]string{"WEBEX_TOKEN": canary}, true,
				"--target", srv.URL+"/v1", "--allow-writes", "--rate", "0", "--format", format, "--format", format, "--output", out)
			assert.Equal(t, exitFindings, code, stderr)
			file, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.NotEmpty(t, stdout)
			for name, s := range map[string]string{"stdout": stdout, "stderr": stderr, "file": string(file)} {
				assert.NotContains(t, s, canary, "%s of %s", name, format)
				assert.NotContains(t, s, canary[6:], "%s of %s (a part)", name, format)
			}
			for name, s := range map[string]string{"stdout": stdout, "file": string(file)} {
				assert.Contains(t, s, "Bearer $WEBEX_TOKEN", "the %s report (%s) carries the failing cases' curl commands", name, format)
			}
		})
	}
}

// TestRunCurlOnStderrOnlyWithoutTextOnStdout: a text report on stdout shows
// the curl commands, so stderr does not repeat them; when the reports go to
// files or are for machines, stderr lists the first few.
func TestRunCurlOnStderrOnlyWithoutTextOnStdout(t *testing.T) {
	t.Parallel()
	const token = "curl0token0f00dbabe0123456789"
	srv := runEvilTarget(t)
	tests := []struct {
		name       string
		args       []string
		stderrCurl bool
	}{
		{"text on stdout", nil, false},
		{"json on stdout", []string{"--format", "json"}, true},
		{"junit on stdout", []string{"--format", "junit"}, true},
		{"text to a file", []string{"--output", "report.txt"}, true},
		{"markdown to a file, text on stdout", []string{"--format", "markdown", "--output", "summary.md", "--format", "text"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"--target", srv.URL + "/v1", "--rate", "0"}
			for i, a := range tc.args {
				if i > 0 && tc.args[i-1] == "--output" {
					a = filepath.Join(dir, a)
				}
				args = append(args, a)
			}
			code, stdout, stderr := runCLI(t, map[string]string{"WEBEX_TOKEN": token}, false, args...)
			assert.Equal(t, exitFindings, code, stderr)
			assert.NotContains(t, stdout+stderr, token)
			if tc.stderrCurl {
				assert.Contains(t, stderr, "conformance: reproduce a failing case with:")
				assert.Contains(t, stderr, `-H "Authorization: Bearer $WEBEX_TOKEN"`)
				assert.LessOrEqual(t, strings.Count(stderr, "  curl "), 10, "stderr lists the first few only")
			} else {
				assert.NotContains(t, stderr, "curl ")
				assert.Contains(t, stdout, `     reproduce: curl -sS -i -H "Authorization: Bearer $WEBEX_TOKEN"`)
			}
		})
	}
}

func TestRunFailOn(t *testing.T) {
	t.Parallel()
	const token = "fail-on-token-0123456789"
	// A webhook with a resource the spec does not know: drift, not error.
	const hook = `{"id":"a","name":"n","targetUrl":"https://example.com/","resource":"someNewResource","event":"created","status":"active","created":"2024-01-01T00:00:00Z"}`
	target := driftTarget(t, token, func() string { return hook })
	vars := map[string]string{"WEBEX_TOKEN": token}
	code, _, errOut := runCLI(t, vars, false, "--target", target, "--rate", "0")
	assert.Equal(t, exitFindings, code, errOut)
	code, _, errOut = runCLI(t, vars, false, "--target", target, "--rate", "0", "--fail-on", "error")
	assert.Equal(t, exitOK, code, errOut)
}

func TestReportColourFollowsStdout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		stdout, stderr   bool
		noColor          string
		wantColour       bool
		wantPassesListed bool
	}{
		{"stdout a terminal", true, false, "", true, true},
		{"NO_COLOR set", true, false, "1", false, true},
		{"only stderr a terminal", false, true, "", false, false},
		{"neither", false, false, "", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
				getenv:     func(k string) string { return map[string]string{"NO_COLOR": tc.noColor}[k] },
				isTerminal: tc.stderr, stdoutTerminal: tc.stdout}
			require.Equal(t, exitOK, cmdRun(context.Background(), e, nil))
			assert.Equal(t, tc.wantColour, strings.Contains(out.String(), "\x1b["), out.String())
			assert.NotContains(t, errb.String(), "\x1b[")
			// With live progress on stderr, stdout need not list every pass again.
			assert.Equal(t, tc.wantPassesListed, strings.Contains(out.String(), "create a webhook"), out.String())
		})
	}
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	null, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, isTerminal(null), "a character device that is no terminal")
	f, err := os.CreateTemp(t.TempDir(), "out")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f))
}

func TestWriteOutput(t *testing.T) {
	t.Parallel()
	rep := &report.Report{Tool: "conformance"}
	rep.Add(report.Case{Name: "get webhook details", Findings: []conformance.Finding{conformance.NewFinding(conformance.RuleBodyType, "/name", "expected string, got number", "string", "7")}})
	var stdout bytes.Buffer
	require.NoError(t, writeOutput("", &stdout, report.Text, rep, report.WithColor(true)))
	assert.Contains(t, stdout.String(), "\x1b[", "stdout keeps the colour it was asked for")

	path := filepath.Join(t.TempDir(), "report.txt")
	stdout.Reset()
	require.NoError(t, writeOutput(path, &stdout, report.Text, rep, report.WithColor(true)))
	assert.Empty(t, stdout.String())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(got), "\x1b[", "no colour in files")
	assert.Contains(t, string(got), "FAIL get webhook details")

	require.Error(t, writeOutput(filepath.Join(t.TempDir(), "missing", "dir", "r.txt"), &stdout, report.Text, rep))
}
