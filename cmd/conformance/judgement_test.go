package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/conformancetest"
	"github.com/webex-conformance/webhooks/conformance/har"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/proxy"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// trafficStep is one request of the recorded traffic set.
type trafficStep struct {
	method, path string
	token        bool
	body         string
	status       int // what the mock answers
}

// trafficSet is good and bad requests, an undocumented method and path, a
// missing token, and 401, 404 and 405 answers.
var trafficSet = []trafficStep{
	{"GET", "/v1/webhooks?max=1", true, "", http.StatusOK},
	{"POST", "/v1/webhooks", true, `{"name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created"}`, http.StatusOK},
	{"POST", "/v1/webhooks", true, `{"name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created","color":"red"}`, http.StatusOK},
	{"POST", "/v1/webhooks", true, `{"name":"n"}`, http.StatusBadRequest},
	{"GET", "/v1/webhooks?max=0", true, "", http.StatusBadRequest},
	{"PATCH", "/v1/webhooks", true, "", http.StatusMethodNotAllowed},
	{"GET", "/v1/rooms", true, "", http.StatusNotFound},
	{"GET", "/v1/webhooks", false, "", http.StatusUnauthorized},
	{"GET", "/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svbm9uZQ", true, "", http.StatusNotFound},
}

// sendTraffic sends the traffic set to base with client and checks the
// answers are the ones the set expects.
func sendTraffic(t *testing.T, client *http.Client, base, token string) {
	t.Helper()
	for _, s := range trafficSet {
		var body io.Reader
		if s.body != "" {
			body = strings.NewReader(s.body)
		}
		req, err := http.NewRequest(s.method, base+s.path, body)
		require.NoError(t, err)
		if s.token {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if s.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.Equal(t, s.status, resp.StatusCode, "%s %s", s.method, s.path)
	}
}

// findingKeys is what identifies the findings of one exchange, sorted:
// rule, side, severity, operation, status and pointer.
func findingKeys(fs []conformance.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s side=%s %s op=%s status=%d at %s", f.Rule, f.Side, f.Severity, f.Operation, f.Status, f.Pointer))
	}
	sort.Strings(out)
	return out
}

// TestOneJudgementForEveryFrontEnd sends one traffic set through the proxy
// (recording it), replays the proxy's recording with validate --har's
// replay, and sends it again through the test transport: each exchange
// has the same findings in all three.
func TestOneJudgementForEveryFrontEnd(t *testing.T) {
	t.Parallel()
	const token = "judgement-canary-token-5d1e"
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(token))
	require.NoError(t, err)

	// Through the proxy, recording as proxy --har does.
	upstream := mocktest.NewServer(t, mock.WithTokens(token))
	var recording bytes.Buffer
	w, err := har.NewWriter(&recording, "conformance", conformance.Version, eng.Redact)
	require.NoError(t, err)
	up, err := url.Parse(upstream.URL)
	require.NoError(t, err)
	var mu sync.Mutex
	var viaProxy [][]string
	collect := proxy.ObserverFunc(func(f *proxy.Finished) {
		mu.Lock()
		viaProxy = append(viaProxy, findingKeys(f.Findings))
		mu.Unlock()
	})
	// One worker: exchanges are observed, and recorded, in the order sent.
	p, err := proxy.New(upstream.URL, judgement.New(eng), proxy.WithWorkers(1),
		proxy.WithObservers(newProxyRecorder(w, up, eng.MaxBodyBytes(), io.Discard), collect))
	require.NoError(t, err)
	front := httptest.NewServer(p)
	sendTraffic(t, front.Client(), front.URL, token) // the proxy keeps the client's paths
	front.Close()
	p.Close()
	require.NoError(t, w.Close())
	require.Len(t, viaProxy, len(trafficSet))
	assert.NotContains(t, recording.String(), token)

	// The proxy's recording, replayed.
	rep := &report.Report{}
	require.NoError(t, har.Replay(judgement.New(eng), bytes.NewReader(recording.Bytes()), "proxy.har", rep))
	require.Len(t, rep.Cases, len(trafficSet))

	// The test transport, in front of a fresh mock.
	direct := mocktest.NewServer(t, mock.WithTokens(token))
	tr := conformancetest.NewTransport(eng)
	sendTraffic(t, &http.Client{Transport: tr}, strings.TrimSuffix(direct.URL, "/v1"), token)
	results := tr.Results()
	require.Len(t, results, len(trafficSet))

	for i, s := range trafficSet {
		name := fmt.Sprintf("#%d %s %s → %d", i, s.method, s.path, s.status)
		assert.Equal(t, viaProxy[i], findingKeys(rep.Cases[i].Findings), "%s: proxy and validate --har of its recording", name)
		assert.Equal(t, viaProxy[i], findingKeys(results[i].Findings), "%s: proxy and conformancetest", name)
	}
	// The set does what it says: bad requests, the undocumented method and
	// path and the missing token are the client's findings; the mock is
	// faithful, so none is the server's.
	var sides []string
	for _, keys := range viaProxy {
		for _, k := range keys {
			sides = append(sides, strings.Fields(k)[0]+" "+strings.Fields(k)[1])
		}
	}
	assert.ElementsMatch(t, []string{
		"request.body.undocumented side=request", "request.parameter side=request",
		"request.body.required side=request", "request.body.required side=request", "request.body.required side=request",
		"operation.unknown side=request", "operation.unknown side=request", "request.security side=request",
	}, sides)
}

// TestJudgeSidesThroughTheProxy puts a faithful server (the mock) behind a
// sloppy client: judging responses it is conformant, judging requests the
// client is not, and every finding of the JSON report names its side.
func TestJudgeSidesThroughTheProxy(t *testing.T) {
	t.Parallel()
	const token = "judge-sides-token-77aa01"
	for _, tc := range []struct {
		judge string
		code  int
	}{{"responses", exitOK}, {"requests", exitFindings}, {"both", exitFindings}} {
		t.Run(tc.judge, func(t *testing.T) {
			t.Parallel()
			ts := mocktest.NewServer(t, mock.WithTokens(token))
			path := filepath.Join(t.TempDir(), "report.json")
			base, _, stderr, stop := proxyStart(t, map[string]string{"WEBEX_TOKEN": token},
				"--upstream", ts.URL, "--judge", tc.judge, "--format", "json", "--output", path)
			sendTraffic(t, http.DefaultClient, base, token)
			require.Equal(t, tc.code, stop(), stderr.String())
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			var doc struct {
				Judge   string `json:"judge"`
				Summary struct {
					Request  report.SideSummary `json:"request"`
					Response report.SideSummary `json:"response"`
				} `json:"summary"`
				Cases []struct {
					Findings []map[string]any `json:"findings"`
				} `json:"cases"`
			}
			require.NoError(t, json.Unmarshal(data, &doc))
			assert.Equal(t, tc.judge, doc.Judge)
			assert.Zero(t, doc.Summary.Response, "the mock answers every request as the spec says")
			if tc.judge == "responses" {
				assert.Zero(t, doc.Summary.Request)
			} else {
				assert.NotZero(t, doc.Summary.Request.Errors)
			}
			for _, c := range doc.Cases {
				for _, f := range c.Findings {
					assert.Contains(t, []any{"request", "response"}, f["side"], "%v", f)
				}
			}
		})
	}
}
