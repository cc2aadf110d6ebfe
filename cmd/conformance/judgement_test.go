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
	"slices"
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
	"github.com/webex-conformance/webhooks/gen"
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

// deliverySet is webhook deliveries good and bad: a faithful one, a
// missing required field, a value outside an enum, the wrong media type,
// no signature and a forged one.
var deliverySet = []struct {
	name, body, contentType string
	sign                    string // the key that signs it; "" none
}{
	{"faithful", receiveEnvelope, "application/json", "delivery-agree-secret"},
	{"no resource", strings.Replace(receiveEnvelope, `"resource":"messages",`, "", 1), "application/json", "delivery-agree-secret"},
	{"bogus event", strings.Replace(receiveEnvelope, `"event":"created"`, `"event":"bogus"`, 1), "application/json", "delivery-agree-secret"},
	{"text/plain", receiveEnvelope, "text/plain", "delivery-agree-secret"},
	{"unsigned", receiveEnvelope, "application/json", ""},
	{"forged", receiveEnvelope, "application/json", "forger"},
}

const receiveEnvelope = `{"id":"w","name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created","orgId":"o",` +
	`"createdBy":"p","appId":"a","ownedBy":"creator","status":"active","created":"2026-01-02T03:04:05Z","actorId":"p","data":{"id":"m"}}`

// TestReceiveAndTheJudgementAgree sends the delivery set to `conformance
// receive` and judges the same requests with judgement.Case held to the
// notification callback: without the secret, each delivery has the same
// findings in both; with it, receive adds the Webex layer's signature
// rule, which replaces the engine's finding on the X-Spark-Signature
// header.
func TestReceiveAndTheJudgementAgree(t *testing.T) {
	t.Parallel()
	const secret = "delivery-agree-secret"
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(secret))
	require.NoError(t, err)
	rc, err := eng.CompileCallback("createWebhook", "notification", http.MethodPost)
	require.NoError(t, err)
	j := judgement.New(eng, judgement.WithContract(rc))

	for _, withSecret := range []bool{false, true} {
		t.Run(fmt.Sprintf("secret=%v", withSecret), func(t *testing.T) {
			t.Parallel()
			key := ""
			if withSecret {
				key = secret
			}
			base, stdout, stderr, stop := receiveStart(t, key, "--format", "json")
			var want [][]string
			for _, d := range deliverySet {
				req, err := http.NewRequest(http.MethodPost, base+"/hook", strings.NewReader(d.body))
				require.NoError(t, err)
				req.Header.Set("Content-Type", d.contentType)
				if d.sign != "" {
					req.Header.Set("X-Spark-Signature", gen.Sign(d.sign, []byte(d.body)))
				}
				x := conformance.Exchange{Request: conformance.RequestFromHTTP(req, []byte(d.body))}
				fs := j.Case(&x).Findings
				if withSecret {
					fs = slices.DeleteFunc(fs, func(f conformance.Finding) bool { return f.Pointer == "header:X-Spark-Signature" })
				}
				keys := findingKeys(fs)
				if withSecret && d.sign != secret {
					keys = append(keys, "notification.signature side=request error op=receiveWebhookNotification status=0 at header:X-Spark-Signature")
					sort.Strings(keys)
				}
				want = append(want, keys)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				require.Equal(t, http.StatusNoContent, resp.StatusCode)
			}
			stop()
			rep, err := report.ReadJSON([]byte(stdout.String()))
			require.NoError(t, err, stderr.String())
			require.Len(t, rep.Cases, len(deliverySet))
			for i, d := range deliverySet {
				assert.Equal(t, want[i], findingKeys(rep.Cases[i].Findings), "%s: receive and the judgement", d.name)
			}
			assert.Empty(t, want[0], "a faithful delivery has no finding")
			for _, w := range want[1:4] {
				assert.NotEmpty(t, w, "each bad delivery has a finding")
			}
		})
	}
}
