package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance/report"
)

var proxyAddr = regexp.MustCompile(`conformance proxy: (http://\S+) →`)

// proxyStart runs `conformance proxy args...` until the returned stop is
// called; stop returns the exit code.
func proxyStart(t *testing.T, vars map[string]string, args ...string) (base string, stdout, stderr *serveBuffer, stop func() int) {
	t.Helper()
	return startCommand(t, "proxy", cmdProxy, proxyAddr, vars, args...)
}

func proxyGet(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestProxyConformingUpstream(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	base, stdout, stderr, stop := proxyStart(t, nil, "--upstream", ts.URL, "--format", "json")
	status, body := proxyGet(t, base+"/v1/webhooks?max=5", ts.Token)
	assert.Equal(t, http.StatusOK, status, body)
	status, _ = proxyGet(t, base+"/v1/webhooks/unknown", ts.Token)
	assert.Equal(t, http.StatusNotFound, status)
	require.Equal(t, exitOK, stop(), stderr.String())
	var rep report.Report
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &rep), stdout.String())
	assert.Equal(t, 2, rep.Summary().Cases)
	assert.Zero(t, rep.Summary().Failed)
	assert.Contains(t, stderr.String(), "2 requests forwarded, 2 judged")
}

func TestProxyDeviatingUpstream(t *testing.T) {
	t.Parallel()
	const canary = "CANARY-proxy-cli-0123456789"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		_, _ = w.Write([]byte(`{"items":[{"id":"a","name":"` + r.Header.Get("Authorization") + `","targetUrl":"https://example.com/","resource":"someNewResource","event":"created","status":"active","created":"2024-01-01T00:00:00Z","secret":"` + canary + `"}]}`))
	}))
	t.Cleanup(upstream.Close)
	for _, tc := range []struct {
		failOn string
		code   int
	}{{"drift", exitFindings}, {"error", exitOK}} {
		for _, format := range []string{"text", "json", "junit", "markdown"} {
			base, stdout, stderr, stop := proxyStart(t, map[string]string{"WEBEX_TOKEN": canary}, "--upstream", upstream.URL+"/v1", "--format", format, "--fail-on", tc.failOn)
			status, _ := proxyGet(t, base+"/v1/webhooks", canary)
			require.Equal(t, http.StatusOK, status)
			require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "body.enum") }, 5*time.Second, 5*time.Millisecond,
				"the finding is logged as it happens, before the report")
			assert.Equal(t, tc.code, stop(), "fail-on %s", tc.failOn)
			assert.Contains(t, stdout.String(), "body.enum", format)
			for name, s := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
				assert.NotContains(t, s, canary, "%s, format %s", name, format)
			}
		}
	}
}

func TestProxyUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{},
		{"--upstream", "ftp://x"},
		{"--upstream", "http://x", "--format", "yaml"},
		{"--upstream", "http://x", "--fail-on", "never"},
		{"--upstream", "http://x", "--listen", "256.0.0.1:99999"},
		{"--upstream", "http://x", "--max-body-bytes", "0"},
		{"--upstream", "http://x", "--spec", "/nonexistent"},
	} {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		code := cmdProxy(context.Background(), e, args)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errb.String())
		assert.Equal(t, 1, strings.Count(errb.String(), "\n"), "%v: one line: %s", args, errb.String())
	}
}
