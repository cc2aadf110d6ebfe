package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// proxyDo sends one request through the proxy with the token and reads
// the answer.
func proxyDo(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	resp := serveDo(t, method, url, token, body)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestProxyHARReplaysWithValidate records a whole webhook lifecycle through
// the proxy and replays the recording with validate --har: every exchange
// is an entry, both bodies are there (so the requests are judged too), the
// verdict is the proxy's, and neither the token nor the secret is in it.
func TestProxyHARReplaysWithValidate(t *testing.T) {
	t.Parallel()
	const token = "har-canary-token-8c2d41f7e9"
	const secret = "har-canary-secret-77b3a9"
	ts := mocktest.NewServer(t, mock.WithTokens(token))
	path := filepath.Join(t.TempDir(), "session.har")
	base, stdout, stderr, stop := proxyStart(t, map[string]string{"WEBEX_TOKEN": token}, "--upstream", ts.URL, "--har", path, "--format", "json")

	status, body := proxyDo(t, "POST", base+"/v1/webhooks", token,
		`{"name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created","secret":"`+secret+`"}`)
	require.Equal(t, http.StatusOK, status, body)
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &created))
	status, _ = proxyDo(t, "GET", base+"/v1/webhooks/"+created.ID, token, "")
	require.Equal(t, http.StatusOK, status)
	status, _ = proxyDo(t, "GET", base+"/v1/webhooks?max=1", token, "")
	require.Equal(t, http.StatusOK, status)
	status, _ = proxyDo(t, "PUT", base+"/v1/webhooks/"+created.ID, token, `{"name":"m","targetUrl":"https://example.com/h"}`)
	require.Equal(t, http.StatusOK, status)
	status, _ = proxyDo(t, "DELETE", base+"/v1/webhooks/"+created.ID, token, "")
	require.Equal(t, http.StatusNoContent, status)
	status, _ = proxyDo(t, "GET", base+"/v1/webhooks/"+created.ID, token, "")
	require.Equal(t, http.StatusNotFound, status)
	status, _ = proxyDo(t, "POST", base+"/v1/webhooks", token, `{"name":"n"}`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, exitFindings, stop(), "the bad create is a request finding: %s", stderr)
	assert.Contains(t, stderr.String(), "wrote "+path+": 7 exchanges")

	recording, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(recording), token)
	assert.NotContains(t, string(recording), secret)
	assert.Contains(t, string(recording), `"value":"Bearer [redacted]"`)

	var doc struct {
		Log struct {
			Version string `json:"version"`
			Creator struct{ Name, Version string }
			Entries []struct {
				StartedDateTime string          `json:"startedDateTime"`
				Time            *float64        `json:"time"`
				Cache           json.RawMessage `json:"cache"`
				Timings         json.RawMessage `json:"timings"`
				Request         struct {
					Method, URL string
					PostData    *struct{ MimeType, Text string }
				}
				Response struct {
					Status  int
					Content struct {
						Size     *int64
						MimeType *string
					}
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(recording, &doc), "the recording is one JSON document")
	assert.Equal(t, "1.2", doc.Log.Version)
	assert.Equal(t, "conformance", doc.Log.Creator.Name)
	require.Len(t, doc.Log.Entries, 7)
	for _, e := range doc.Log.Entries {
		assert.NotEmpty(t, e.StartedDateTime)
		assert.NotNil(t, e.Time)
		assert.NotEmpty(t, e.Cache)
		assert.NotEmpty(t, e.Timings)
		assert.NotNil(t, e.Response.Content.Size)
		assert.NotNil(t, e.Response.Content.MimeType)
		assert.True(t, strings.HasPrefix(e.Request.URL, ts.URL[:strings.Index(ts.URL, "/v1")]+"/v1/webhooks"), e.Request.URL)
	}
	// Entries are written as exchanges finish judging, which concurrent
	// workers need not do in the order the requests came.
	var create *struct{ MimeType, Text string }
	for _, e := range doc.Log.Entries {
		if e.Request.Method == http.MethodPost && e.Response.Status == http.StatusOK {
			create = e.Request.PostData
		}
	}
	require.NotNil(t, create, "the create's body is recorded")
	assert.Contains(t, create.Text, `"secret":"[redacted]"`)

	var proxied report.Report
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &proxied))
	code, out, errOut := validateRun(t, "", nil, "--har", path, "--format", "json")
	assert.Equal(t, exitFindings, code, errOut)
	var replayed report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &replayed), out)
	require.Len(t, replayed.Cases, 7)
	rules := func(r report.Report) map[string]int {
		n := map[string]int{}
		for _, c := range r.Cases {
			for _, f := range c.Findings {
				n[f.Rule.ID()]++
			}
		}
		return n
	}
	for _, c := range replayed.Cases {
		assert.NotEqual(t, report.VerdictSkip, c.Verdict, "%s: %s", c.Name, c.Reason)
	}
	assert.Equal(t, rules(proxied), rules(replayed), "the replay finds what the proxy found")
	assert.Equal(t, 1, replayed.Summary().Failed, "only the bad create fails")
}

func TestProxyHARRecordsDecodedBodiesAndFailures(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write([]byte(`{"items":[]}`))
		_ = zw.Close()
	}))
	t.Cleanup(upstream.Close)
	path := filepath.Join(t.TempDir(), "gz.har")
	base, _, stderr, stop := proxyStart(t, nil, "--upstream", upstream.URL+"/v1", "--har", path)
	req, err := http.NewRequest("GET", base+"/v1/webhooks", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "gzip") // as Go's client does: the body stays encoded
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	upstream.Close() // the next request gets no answer
	status, _ := proxyGet(t, base+"/v1/webhooks", "x")
	require.Equal(t, http.StatusBadGateway, status)
	stop()

	recording, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(recording), `"text":"{\"items\":[]}"`, "the body is recorded decoded")
	assert.NotContains(t, string(recording), `"name":"Content-Encoding"`)
	assert.Contains(t, string(recording), `"comment":"no response from the upstream (upstream-failed)"`)

	code, out, errOut := validateRun(t, "", nil, "--har", path, "--format", "json")
	require.Equal(t, exitOK, code, "%s%s", out, errOut)
	var rep report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Cases, 2)
	// Entries are written in the order exchanges finish judging, which
	// need not be the order they were sent in.
	verdicts := []report.Verdict{rep.Cases[0].Verdict, rep.Cases[1].Verdict}
	assert.ElementsMatch(t, []report.Verdict{report.VerdictPass, report.VerdictSkip}, verdicts,
		"the answered one passes; no response was recorded for the failed one")
	assert.NotContains(t, stderr.String(), "--har:", "no write error")
}

func TestProxyHARUnwritable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := cmdProxy(context.Background(), e, []string{"--upstream", "http://127.0.0.1:1/v1", "--listen", "127.0.0.1:0", "--har", filepath.Join(dir, "no", "such", "dir.har")})
	assert.Equal(t, exitUsage, code)
	assert.Regexp(t, `^conformance proxy: --har: open .*: no such file or directory\n$`, errb.String())
}
