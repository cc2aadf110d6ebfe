package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/proxy"
	"github.com/webex-conformance/webhooks/internal/metrics"
	"github.com/webex-conformance/webhooks/webex"
)

var metricsURLLine = regexp.MustCompile(`Prometheus metrics at (http://127\.0\.0\.1:\d+/metrics)\n`)

// scrape reads url as Prometheus does and parses it with Prometheus's own
// text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return families
}

// sample finds the value of the family's series with exactly these labels.
func sample(t *testing.T, families map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	t.Helper()
	f, ok := families[name]
	require.True(t, ok, "no %s", name)
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if assert.ObjectsAreEqual(labels, got) {
			return m
		}
	}
	t.Fatalf("no %s%v among %v", name, labels, f.GetMetric())
	return nil
}

func TestServeLogsEachRequestAndServesMetrics(t *testing.T) {
	t.Parallel()
	const token = "serve-log-canary-token-5f1e"
	base, stderr, stop := serveStart(t, "--token", token, "--log", "--metrics", "127.0.0.1:0")
	m := metricsURLLine.FindStringSubmatch(stderr.String())
	require.NotNil(t, m, stderr.String())
	metricsURL := m[1]

	assert.Equal(t, 401, serveDo(t, "GET", base+"/webhooks", "", "").StatusCode)
	assert.Equal(t, 200, serveDo(t, "GET", base+"/webhooks", token, "").StatusCode)
	assert.Equal(t, 404, serveDo(t, "GET", base+"/webhooks/"+token, token, "").StatusCode)
	assert.Equal(t, 404, serveDo(t, "GET", base+"/nothing", token, "").StatusCode)

	families := scrape(t, metricsURL)
	assert.Equal(t, 1.0, sample(t, families, "conformance_exchanges_total", map[string]string{"operation": "listWebhooks", "status": "401"}).GetCounter().GetValue())
	assert.Equal(t, 1.0, sample(t, families, "conformance_exchanges_total", map[string]string{"operation": "listWebhooks", "status": "200"}).GetCounter().GetValue())
	assert.Equal(t, 1.0, sample(t, families, "conformance_exchanges_total", map[string]string{"operation": "getWebhookDetails", "status": "404"}).GetCounter().GetValue())
	assert.Equal(t, 1.0, sample(t, families, "conformance_exchanges_total", map[string]string{"operation": "unknown", "status": "404"}).GetCounter().GetValue())
	h := sample(t, families, "conformance_response_duration_seconds", map[string]string{"operation": "listWebhooks"}).GetHistogram()
	assert.Equal(t, uint64(2), h.GetSampleCount())
	assert.Contains(t, families, "go_goroutines", "the Go runtime's metrics too")

	resp, err := http.Get(strings.TrimSuffix(metricsURL, "/metrics") + "/other")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "only /metrics")

	assert.Equal(t, exitOK, stop())
	out := stderr.String()
	assert.NotContains(t, out, token, "the token never reaches the log")

	type line struct {
		Time       time.Time `json:"time"`
		Level      string    `json:"level"`
		Msg        string    `json:"msg"`
		Method     string    `json:"method"`
		Path       string    `json:"path"`
		Operation  string    `json:"operation"`
		Status     int       `json:"status"`
		DurationMS *float64  `json:"duration_ms"`
		TrackingID string    `json:"trackingId"`
	}
	var lines []line
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "{") {
			continue
		}
		var l line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		lines = append(lines, l)
	}
	require.Len(t, lines, 4, "one line per request:\n%s", out)
	for _, l := range lines {
		assert.Equal(t, "request", l.Msg)
		assert.Equal(t, "GET", l.Method)
		assert.WithinDuration(t, time.Now(), l.Time, time.Minute)
		require.NotNil(t, l.DurationMS)
		assert.GreaterOrEqual(t, *l.DurationMS, 0.0)
		assert.NotEmpty(t, l.TrackingID, "the mock's TrackingID")
	}
	assert.Equal(t, []int{401, 200, 404, 404}, []int{lines[0].Status, lines[1].Status, lines[2].Status, lines[3].Status})
	assert.Equal(t, "/v1/webhooks", lines[0].Path)
	assert.Equal(t, "/v1/webhooks/[redacted]", lines[2].Path, "a token in the path is hidden")
	assert.Equal(t, "getWebhookDetails", lines[2].Operation)
	assert.Empty(t, lines[3].Operation, "no operation matches /v1/nothing")
}

func TestServeMetricsAddressInUse(t *testing.T) {
	t.Parallel()
	_, stderr, stop := serveStart(t, "--metrics", "127.0.0.1:0")
	m := metricsURLLine.FindStringSubmatch(stderr.String())
	require.NotNil(t, m, stderr.String())
	busy := strings.TrimSuffix(strings.TrimPrefix(m[1], "http://"), "/metrics")
	code, _, errOut := cli(t, "serve", "--listen", "127.0.0.1:0", "--metrics", busy)
	assert.Equal(t, exitUntestable, code, "could not serve")
	assert.Regexp(t, `^conformance serve: --metrics: cannot listen on `+regexp.QuoteMeta(busy)+`: .*\n$`, errOut)
	assert.Equal(t, exitOK, stop())
}

func TestProxyMetrics(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		if r.URL.Path != "/v1/webhooks" {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		_, _ = w.Write([]byte(`{"items":[{"id":"a","name":"n","targetUrl":"https://example.com/","resource":"someNewResource","event":"created","status":"active","created":"2024-01-01T00:00:00Z","color":"blue"}]}`))
	}))
	t.Cleanup(upstream.Close)
	base, _, stderr, stop := proxyStart(t, nil, "--upstream", upstream.URL+"/v1", "--metrics", "127.0.0.1:0")
	m := metricsURLLine.FindStringSubmatch(stderr.String())
	require.NotNil(t, m, stderr.String())
	for range 3 {
		status, _ := proxyGet(t, base+"/v1/webhooks", "")
		require.Equal(t, http.StatusOK, status)
	}
	status, _ := proxyGet(t, base+"/v1/elsewhere", "")
	require.Equal(t, http.StatusTeapot, status)

	// Exchanges are counted once judged, off the client's path.
	var families map[string]*dto.MetricFamily
	require.Eventually(t, func() bool {
		families = scrape(t, m[1])
		f := families["conformance_exchanges_total"]
		n := 0.0
		for _, s := range f.GetMetric() {
			n += s.GetCounter().GetValue()
		}
		return n == 4
	}, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, 3.0, sample(t, families, "conformance_exchanges_total", map[string]string{"operation": "listWebhooks", "status": "200"}).GetCounter().GetValue())
	assert.Equal(t, 1.0, sample(t, families, "conformance_exchanges_total", map[string]string{"operation": "unknown", "status": "other"}).GetCounter().GetValue())
	assert.Equal(t, 3.0, sample(t, families, "conformance_findings_total", map[string]string{"rule": "body.enum", "severity": "drift", "operation": "listWebhooks"}).GetCounter().GetValue())
	assert.Equal(t, 3.0, sample(t, families, "conformance_findings_total", map[string]string{"rule": "body.undocumented", "severity": "drift", "operation": "listWebhooks"}).GetCounter().GetValue())
	assert.Equal(t, 1.0, sample(t, families, "conformance_findings_total", map[string]string{"rule": "operation.unknown", "severity": "error", "operation": "unknown"}).GetCounter().GetValue())
	h := sample(t, families, "conformance_upstream_duration_seconds", map[string]string{"operation": "listWebhooks"}).GetHistogram()
	assert.Equal(t, uint64(3), h.GetSampleCount())
	assert.Positive(t, h.GetSampleSum())
	assert.Equal(t, exitFindings, stop())
}

// The status label takes the statuses the operation documents, its
// documented ranges, and "other": an upstream answering every code from
// 100 to 999 adds none of its own (before, each was a label value).
func TestProxyMetricsStatusLabelIsBounded(t *testing.T) {
	t.Parallel()
	eng, err := webex.NewEngine()
	require.NoError(t, err)
	m := metrics.New(metrics.Upstream)
	obs := proxyMetrics(eng, m)
	u, err := url.Parse("http://x/v1/webhooks")
	require.NoError(t, err)
	for code := 100; code <= 999; code++ {
		for _, method := range []string{http.MethodGet, "BREW"} {
			obs.Observe(&proxy.Finished{Request: conformance.Request{Method: method, URL: u}, Response: conformance.Response{Status: code}})
		}
	}
	srv := httptest.NewServer(m.Mux())
	t.Cleanup(srv.Close)
	labels := map[string]bool{}
	for _, s := range scrape(t, srv.URL+"/metrics")["conformance_exchanges_total"].GetMetric() {
		for _, l := range s.GetLabel() {
			if l.GetName() == "status" {
				labels[l.GetValue()] = true
			}
		}
	}
	assert.True(t, labels["200"] && labels["other"], "%v", labels)
	assert.Len(t, labels, len(documentedStatuses(eng)["listWebhooks"])+1, "%v", labels)
}
