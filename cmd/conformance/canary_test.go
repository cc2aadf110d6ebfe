package main

import (
	"bytes"
	"compress/gzip"
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

	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// canary starts every planted secret: no output may hold it.
const canary = "CANARY"

// assertNoCanary searches each named output for a planted secret.
func assertNoCanary(t *testing.T, outputs map[string]string) {
	t.Helper()
	for name, out := range outputs {
		if i := strings.Index(out, canary); i >= 0 {
			from, to := max(0, i-300), min(len(out), i+60)
			t.Errorf("%s shows a planted secret: …%s…", name, out[from:to])
		}
	}
}

// readOutputs reads the files a command wrote, by name.
func readOutputs(t *testing.T, outputs map[string]string, paths map[string]string) {
	t.Helper()
	for name, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err, name)
		require.NotEmpty(t, b, name)
		outputs[name] = string(b)
	}
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return b.Bytes()
}

// secretsJSON plants a secret under every spelling of a credential's name.
const secretsJSON = `"x_api_key":"CANARYj1","apiKey":"CANARYj2","pwd":"CANARYj3","private_key":"CANARYj4",` +
	`"credentials":"CANARYj5","id_token":"CANARYj6","refresh_token":"CANARYj7","client_secret":"CANARYj8","passwd":"CANARYj9"`

// The proxy, its HAR and its four reports, with secrets planted in
// everything a client and an upstream send: URL userinfo of --upstream,
// query parameters, headers, cookies, challenges, Location, JSON, form,
// gzip and Latin-1 bodies, and a credential with characters outside
// token68.
func TestCanaryProxy(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("TrackingID", "ROUTER_1")
		h.Set("Set-Cookie", "sid=CANARYsc; Path=/; HttpOnly")
		h.Set("Location", "https://user:CANARYloc@example.test/cb?access_token=CANARYloc2")
		h.Set("WWW-Authenticate", `Bearer realm="x", access_token="CANARYwa"`)
		h.Set("X-Api-Key", "CANARYrk")
		body := `{"items":[{"id":"i","name":"n",` + secretsJSON + `}],"session":"CANARYr1"}`
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Encoding", "gzip")
			_, _ = w.Write(gzipped(body))
			return
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(upstream.Close)
	dir := t.TempDir()
	paths := map[string]string{"HAR": filepath.Join(dir, "p.har")}
	args := []string{"--upstream", strings.Replace(upstream.URL, "http://", "http://user:CANARYup@", 1) + "/v1", "--har", paths["HAR"]}
	for _, f := range []string{"text", "json", "junit", "markdown"} {
		paths[f] = filepath.Join(dir, "report."+f)
		args = append(args, "--format", f, "--output", paths[f])
	}
	base, stdout, stderr, stop := proxyStart(t, nil, args...)

	send := func(method, path, contentType string, body []byte, header map[string]string) {
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	creds := map[string]string{
		"Authorization": "Bearer CANARY!TOKEN", "Proxy-Authorization": "Basic CANARYpa", "Cookie": "sid=CANARYck; theme=dark",
		"X-Api-Key": "CANARYxak", "Api-Key": "CANARYak", "X-Session-Id": "CANARYsid",
	}
	send("GET", "/v1/webhooks?access_token=CANARYq&max=2&api%5Fkey=CANARYq2", "", nil, creds)
	send("GET", "/v1/webhooks", "", nil, map[string]string{"Authorization": "Bearer CANARY!TOKEN", "Accept-Encoding": "gzip"})
	send("POST", "/v1/webhooks", "application/x-www-form-urlencoded", []byte("password=CANARYf1&client_secret=CANARYf2&name=n"), creds)
	send("POST", "/v1/webhooks", "application/json",
		[]byte(`{"name":"n","targetUrl":"https://example.test/h","resource":"messages","event":"created",`+secretsJSON+`}`), creds)
	send("POST", "/v1/webhooks", "application/json", gzipped(`{"name":"n",`+secretsJSON+`}`), map[string]string{"Content-Encoding": "gzip"})
	send("POST", "/v1/webhooks", "application/json; charset=iso-8859-1", []byte("{\"password\":\"CANARYl1\xe9\"}"), nil)
	require.Equal(t, exitFindings, stop(), stderr.String())

	outputs := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
	readOutputs(t, outputs, paths)
	assertNoCanary(t, outputs)
	assert.Contains(t, outputs["HAR"], `realm=\"x\"`, "a challenge's realm stays readable")
	assert.Contains(t, outputs["HAR"], "Bearer [redacted]", "a reader still sees a credential was sent")
}

// run against a target named with userinfo and a token in its query, in
// every format, its curl commands, a baseline made of its JSON report, and
// follow's amended spec and diff of that report.
func TestCanaryRunBaselineAndFollow(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	// The mock conforms; the evil target fails (curl commands in every
	// report) and drifts (follow amends the spec), echoing what it gets.
	for name, tc := range map[string]struct{ url, token string }{
		"mock": {ts.URL, ts.Token},
		"evil": {runEvilTarget(t).URL, "CANARYtoken0123456789"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			canaryRun(t, tc.url, tc.token)
		})
	}
}

func canaryRun(t *testing.T, base, token string) {
	dir := t.TempDir()
	target := strings.Replace(base, "http://", "http://user:CANARYtpw@", 1) + "/v1?access_token=CANARYtq"
	outputs := map[string]string{}
	var prev string
	for round, baseline := range []bool{false, true} {
		paths := map[string]string{}
		args := []string{"--target", target, "--rate", "0"}
		for _, f := range []string{"text", "json", "junit", "markdown"} {
			paths[f] = filepath.Join(dir, f+string(rune('0'+round)))
			args = append(args, "--format", f, "--output", paths[f])
		}
		if baseline {
			args = append(args, "--baseline", prev)
		}
		code, stdout, stderr := runCLI(t, map[string]string{"WEBEX_TOKEN": token}, true, args...)
		assert.NotEqual(t, exitUsage, code, stderr)
		prev = paths["json"]
		round := string(rune('0' + round))
		outputs["run stdout "+round], outputs["run stderr "+round] = stdout, stderr
		got := map[string]string{}
		readOutputs(t, got, paths)
		for k, v := range got {
			outputs["run "+k+" "+round] = v
		}
	}
	var rep struct {
		Target string `json:"target"`
	}
	require.NoError(t, json.Unmarshal([]byte(outputs["run json 0"]), &rep))
	assert.Contains(t, rep.Target, "[redacted]@", "the target is shown, its userinfo hidden")

	_, out, errOut := followCLI(t, "--report", prev, "--diff")
	outputs["follow --diff stdout"], outputs["follow --diff stderr"] = out, errOut
	amended := filepath.Join(dir, "amended.yaml")
	_, out, errOut = followCLI(t, "--report", prev, "--output", amended)
	outputs["follow stdout"], outputs["follow stderr"] = out, errOut
	if b, err := os.ReadFile(amended); err == nil {
		outputs["follow's spec"] = string(b)
	}
	assertNoCanary(t, outputs)
	if strings.Contains(outputs["run json 0"], `"verdict": "fail"`) {
		assert.Contains(t, outputs["run text 0"], "curl ", "failing cases carry their curl commands")
	}
}

// serve --log and /metrics, with secrets in the paths and queries clients
// send.
func TestCanaryServeLogAndMetrics(t *testing.T) {
	t.Parallel()
	base, stderr, stop := serveStart(t, "--token", "tok-serve-0123456789", "--log", "--metrics", "127.0.0.1:0")
	m := metricsURLLine.FindStringSubmatch(stderr.String())
	require.NotNil(t, m, stderr.String())
	for _, path := range []string{
		"/webhooks?access_token=CANARYs1", "/webhooks/access_token=CANARYs2", "/webhooks/x;password=CANARYs3",
	} {
		req, err := http.NewRequest("GET", base+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer CANARY!s4")
		req.Header.Set("Cookie", "sid=CANARYs5")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	resp, err := http.Get(m[1])
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	stop()
	assert.Contains(t, stderr.String(), `"path":"/v1/webhooks/access_token=[redacted]"`)
	assertNoCanary(t, map[string]string{"serve --log": stderr.String(), "/metrics": string(metrics)})
}
