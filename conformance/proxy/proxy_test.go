package proxy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// syncBuffer is a log sink safe for the workers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEngine(t testing.TB, tokens ...string) *conformance.Engine {
	t.Helper()
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(tokens...))
	require.NoError(t, err)
	return eng
}

// start puts a proxy for upstream on a loopback port.
func start(t *testing.T, upstream string, v *conformance.Engine, opts ...Option) (*Proxy, string, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	if v == nil {
		v = newEngine(t)
	}
	p, err := New(upstream, judgement.New(v), append(opts, WithLogger(slog.New(slog.NewTextHandler(log, nil))))...)
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(func() { srv.Close(); p.Close() })
	return p, srv.URL, log
}

func do(t *testing.T, method, url, token, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestForwardsUnchanged(t *testing.T) {
	t.Parallel()
	var got *http.Request
	var gotBody string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "text/plain; charset=odd")
		w.Header().Set("X-Upstream", "yes")
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("exactly these bytes\x00\xff"))
	}))
	t.Cleanup(upstream.Close)
	p, url, _ := start(t, upstream.URL+"/v1", nil)
	resp, body := do(t, http.MethodPost, url+"/v1/webhooks?max=2&ownedBy=org", "tok", `{"a":1}`)
	assert.Equal(t, http.StatusTeapot, resp.StatusCode)
	assert.Equal(t, "exactly these bytes\x00\xff", body)
	assert.Equal(t, "text/plain; charset=odd", resp.Header.Get("Content-Type"))
	assert.Equal(t, "yes", resp.Header.Get("X-Upstream"))
	assert.Equal(t, []string{"a=1", "b=2"}, resp.Header.Values("Set-Cookie"))
	require.NotNil(t, got)
	assert.Equal(t, "/v1/webhooks", got.URL.Path, "clients keep their paths")
	assert.Equal(t, "max=2&ownedBy=org", got.URL.RawQuery)
	assert.Equal(t, "Bearer tok", got.Header.Get("Authorization"))
	assert.Empty(t, got.Header.Get("X-Forwarded-For"))
	assert.Equal(t, strings.TrimPrefix(upstream.URL, "http://"), got.Host)
	assert.Equal(t, `{"a":1}`, gotBody)
	p.Close()
	assert.Equal(t, int64(1), p.Stats().Judged)
}

func TestStreams(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{\"items\":[\n"))
		w.(http.Flusher).Flush()
		<-release
		_, _ = w.Write([]byte("]}\n"))
	}))
	t.Cleanup(upstream.Close)
	_, url, _ := start(t, upstream.URL, nil)
	resp, err := http.Get(url + "/v1/webhooks")
	require.NoError(t, err)
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	line, err := rd.ReadString('\n')
	require.NoError(t, err, "the first part arrives before the upstream finishes")
	assert.Equal(t, "{\"items\":[\n", line)
	close(release)
	rest, err := io.ReadAll(rd)
	require.NoError(t, err)
	assert.Equal(t, "]}\n", string(rest))
}

func TestConformingUpstreamGivesNoFindings(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	p, url, log := start(t, ts.URL, newEngine(t, ts.Token))
	resp, body := do(t, http.MethodPost, url+"/v1/webhooks", ts.Token, `{"name":"n","targetUrl":"https://example.com/x","resource":"rooms","event":"created","secret":"s3cr3t-value"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	do(t, http.MethodGet, url+"/v1/webhooks?max=1", ts.Token, "")
	do(t, http.MethodGet, url+"/v1/webhooks/nope", ts.Token, "")
	do(t, http.MethodGet, url+"/v1/webhooks", "not-a-token-the-mock-knows", "")
	p.Close()
	rep := p.Report()
	assert.Empty(t, log.String())
	assert.Equal(t, 4, rep.Summary().Cases)
	assert.Zero(t, rep.Summary().Failed)
	for _, c := range rep.Cases {
		assert.NotEmpty(t, c.Operation, c.Name)
	}
	// The workers' coverage, merged: what the traffic reached.
	require.NotNil(t, rep.Coverage)
	list, _ := rep.Coverage.Operation("listWebhooks")
	assert.Equal(t, 2, list.Exchanges)
	assert.Equal(t, []string{"200", "401"}, list.Statuses.Judged)
	get, _ := rep.Coverage.Operation("getWebhookDetails")
	assert.Equal(t, []string{"404"}, get.Statuses.Judged)
	create, _ := rep.Coverage.Operation("createWebhook")
	assert.Equal(t, []string{"200"}, create.Statuses.Judged)
	upd, _ := rep.Coverage.Operation("updateWebhook")
	assert.Zero(t, upd.Exchanges)
}

func TestDeviatingUpstreamIsReported(t *testing.T) {
	t.Parallel()
	const token = "CANARY-proxy-token-123456789"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		// A 201 where the spec says 200, and a webhook missing fields that
		// echoes the caller's credential.
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"id":"x","name":"` + r.Header.Get("Authorization") + `","resource":"someNewResource","event":"created","status":"active","created":"yesterday","secret":"topsecret"}`))
	}))
	t.Cleanup(upstream.Close)
	p, url, log := start(t, upstream.URL, newEngine(t, token))
	for i := 0; i < 3; i++ {
		do(t, http.MethodGet, url+"/v1/webhooks/x", token, "")
	}
	p.Close()
	rep := p.Report()
	require.Len(t, rep.Cases, 1, "identical exchanges make one case")
	c := rep.Cases[0]
	assert.Equal(t, "getWebhookDetails", c.Operation)
	assert.Equal(t, "/webhooks/{webhookId}", c.Path)
	assert.Contains(t, c.Name, "3 exchanges")
	rules := map[string]bool{}
	for _, f := range c.Findings {
		rules[f.Rule.ID()] = true
		assert.Contains(t, f.Message, "in 3 of 3 exchanges")
	}
	assert.True(t, rules["body.required"], "%v", rules)
	assert.True(t, rules["body.enum"], "%v", rules)
	assert.True(t, rules["body.format"], "%v", rules)
	assert.False(t, rules[conformance.RuleProxyFindingsCapped.ID()], "a few kinds of finding are all kept")
	assert.True(t, rep.Fails(conformance.SeverityError))
	logged := log.String()
	assert.Contains(t, logged, "body.required")
	assert.Equal(t, len(c.Findings), strings.Count(logged, "\n"), "each kind of finding is logged once")
	assert.NotContains(t, logged, token)
	assert.NotContains(t, logged, "topsecret")
}

func TestNotJudged(t *testing.T) {
	t.Parallel()
	big := `{"items":[` + strings.Repeat(`"xxxxxxxxxx",`, 200) + `"x"]}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(big))
	}))
	t.Cleanup(upstream.Close)
	small, err := conformance.New(api.Spec, conformance.WithMaxBodyBytes(100))
	require.NoError(t, err)
	p, url, _ := start(t, upstream.URL, small)
	resp, body := do(t, http.MethodGet, url+"/v1/webhooks", "tok", "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, big, body, "a body above the cap is still forwarded whole")
	p.Close()
	s := p.Stats()
	assert.Equal(t, int64(1), s.TooLarge)
	rep := p.Report()
	require.Len(t, rep.Cases, 1)
	assert.Equal(t, report.VerdictSkip, rep.Cases[0].Verdict)
	assert.Contains(t, rep.Cases[0].Reason, "larger than 100 bytes")
}

func TestUpstreamDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	p, url, log := start(t, "http://"+addr+"/v1", nil)
	resp, _ := do(t, http.MethodGet, url+"/v1/webhooks", "CANARY-down-123456789", "")
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	p.Close()
	assert.Equal(t, int64(1), p.Stats().UpstreamFailed)
	assert.Contains(t, log.String(), "upstream failed")
	assert.NotContains(t, log.String(), "CANARY-down")
}

func TestLateExchangesAfterClose(t *testing.T) {
	t.Parallel()
	p, err := New("http://127.0.0.1:1", judgement.New(newEngine(t)))
	require.NoError(t, err)
	p.Close()
	// Late exchanges after Close are dropped, never sent on a closed queue.
	p.enqueue(&exchange{})
	assert.Zero(t, p.Stats().Unjudged)
}

func TestUpstreamConnectionsAreReused(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	upstream := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[]}`))
	}))
	upstream.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	upstream.Start()
	t.Cleanup(upstream.Close)
	p, url, _ := start(t, upstream.URL, nil)
	for i := 0; i < 5; i++ {
		resp, _ := do(t, http.MethodGet, url+"/v1/webhooks", "", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	assert.Equal(t, int32(1), conns.Load(), "one kept-alive connection serves sequential requests")
	p.Close()
	assert.Zero(t, p.Stats().UpstreamFailed)
}

func TestUpstreamTLSIsVerified(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(upstream.Close)
	p, url, log := start(t, upstream.URL, nil)
	resp, _ := do(t, http.MethodGet, url+"/v1/webhooks", "", "")
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode, "a self-signed certificate is refused")
	p.Close()
	assert.Contains(t, log.String(), "certificate")

	// Trusting its certificate, the same upstream is reached.
	p2, url2, _ := start(t, upstream.URL, nil, WithTLS(&tls.Config{RootCAs: upstream.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}))
	resp, _ = do(t, http.MethodGet, url2+"/v1/webhooks", "", "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	p2.Close()
}

func TestHTTP2ToTLSUpstreams(t *testing.T) {
	t.Parallel()
	var proto atomic.Value
	upstream := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		_, _ = io.WriteString(w, `{"items":[]}`)
	}))
	upstream.EnableHTTP2 = true
	upstream.StartTLS()
	t.Cleanup(upstream.Close)
	roots := upstream.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	p, url, _ := start(t, upstream.URL, nil, WithTLS(&tls.Config{RootCAs: roots}))
	for i := 0; i < 3; i++ {
		resp, body := do(t, http.MethodGet, url+"/v1/webhooks", "tok", "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "HTTP/1.1", resp.Proto, "the client side stays what the client spoke")
	}
	assert.Equal(t, "HTTP/2.0", proto.Load())
	p.Close()
	assert.Equal(t, int64(3), p.Stats().Judged)
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	_, err := New("http://x", nil)
	assert.Error(t, err)
	for _, u := range []string{"", "ftp://x", "http://", "::"} {
		_, err := New(u, judgement.New(newEngine(t)))
		assert.Error(t, err, u)
	}
}

func TestJudgesEncodedBodies(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		enc := r.URL.Query().Get("enc")
		w.Header().Set("Content-Encoding", enc)
		var buf bytes.Buffer
		switch enc {
		case "gzip":
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write([]byte(`{"items":[{"id":1}]}`))
			_ = zw.Close()
		default:
			buf.WriteString("\x00\x01")
		}
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(upstream.Close)
	p, url, _ := start(t, upstream.URL, nil)
	for _, enc := range []string{"gzip", "br"} {
		req, err := http.NewRequest(http.MethodGet, url+"/v1/webhooks?enc="+enc, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", enc)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, enc, resp.Header.Get("Content-Encoding"), "forwarded as encoded")
	}
	p.Close()
	rep := p.Report()
	var rules []string
	for _, c := range rep.Cases {
		for _, f := range c.Findings {
			rules = append(rules, f.Rule.ID())
		}
	}
	assert.Contains(t, rules, "body.type", "the gzip body was decoded and judged: id is no string")
	assert.Equal(t, int64(1), p.Stats().Undecodable)
}

func TestFindingsCapped(t *testing.T) {
	t.Parallel()
	// Webhooks with undocumented properties, 20 each (as many of a rule as
	// the engine keeps of one body), other names each time: each is its own
	// kind of finding (rule and pointer), 60 in all.
	var n atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		extra, k := "", n.Add(1)
		for i := range 20 {
			extra += fmt.Sprintf(`,"extra%d_%d":%d`, k, i, i)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		_, _ = io.WriteString(w, strings.TrimSuffix(benchWebhook, "}")+extra+"}")
	}))
	t.Cleanup(upstream.Close)
	p, url, _ := start(t, upstream.URL, nil)
	for range 3 {
		do(t, http.MethodGet, url+"/v1/webhooks/x", "tok", "")
	}
	p.Close()
	rep := p.Report()
	require.Len(t, rep.Cases, 1)
	fs := rep.Cases[0].Findings
	require.Len(t, fs, judgement.DefaultMaxKinds+1)
	last := fs[len(fs)-1]
	assert.Equal(t, conformance.RuleProxyFindingsCapped, last.Rule)
	assert.Contains(t, last.Message, "10 more findings")
}

func TestObserversSeeEveryFinishedExchange(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		_, _ = io.WriteString(w, `{"id":"x"}`)
	}))
	t.Cleanup(upstream.Close)
	var mu sync.Mutex
	var seen []Finished
	observe := ObserverFunc(func(x *Finished) {
		mu.Lock()
		defer mu.Unlock()
		// The body's buffer is reused once Observe returns: keep a copy.
		x.Response.Body = append([]byte(nil), x.Response.Body...)
		seen = append(seen, *x)
	})
	p, url, _ := start(t, upstream.URL, nil, WithObservers(observe))
	do(t, http.MethodGet, url+"/v1/webhooks/x?max=1", "tok", "")
	p.Close()
	require.Len(t, seen, 1)
	x := seen[0]
	assert.Equal(t, Judged, x.Outcome)
	assert.Equal(t, http.MethodGet, x.Request.Method)
	assert.Equal(t, "/v1/webhooks/x?max=1", x.Request.URL.RequestURI())
	assert.Equal(t, "Bearer tok", x.Request.Header.Get("Authorization"))
	assert.Equal(t, http.StatusOK, x.Response.Status)
	assert.Equal(t, "ROUTER_1", x.Response.Header.Get("TrackingID"))
	assert.Equal(t, `{"id":"x"}`, string(x.Response.Body))
	assert.NotEmpty(t, x.Findings, "the engine's findings: required properties are missing")
	assert.Positive(t, x.Duration)
	assert.False(t, x.Start.IsZero())

	// A failed exchange is handed over too, as the 502 the client got.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	down := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	seen = nil
	p2, url2, _ := start(t, down, nil, WithObservers(observe))
	do(t, http.MethodDelete, url2+"/v1/webhooks/x", "tok", "")
	p2.Close()
	require.Len(t, seen, 1)
	assert.Equal(t, UpstreamFailed, seen[0].Outcome)
	assert.Equal(t, http.StatusBadGateway, seen[0].Response.Status)
	assert.Empty(t, seen[0].Findings)
}

// Every request the proxy forwards is judged too, beside its response in
// the same case: the client's mistakes show although the upstream refused
// them with a conforming 400 or 401; a request body above the cap is
// forwarded whole and noted as not judged; no secret of a request body
// reaches the log or the report.
func TestRequestsAreJudged(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(ts.Token), conformance.WithMaxBodyBytes(400))
	require.NoError(t, err)
	p, url, log := start(t, ts.URL, eng)
	const secret = "s3cr3t-of-the-client-42"
	resp, body := do(t, http.MethodPost, url+"/v1/webhooks", ts.Token, `{"name":"n","targetUrl":"https://example.com/x","resource":"bogus","event":"created","secret":"`+secret+`"}`)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	resp, body = do(t, http.MethodPost, url+"/v1/webhooks", ts.Token, `{"name":"n","targetUrl":"https://example.com/x","resource":"rooms","event":"created","secret":"`+secret+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "the upstream got the body whole: %s", body)
	do(t, http.MethodGet, url+"/v1/webhooks?max=0", ts.Token, "")
	do(t, http.MethodGet, url+"/v1/webhooks", "", "")
	big := `{"name":"` + strings.Repeat("n", 500) + `","targetUrl":"https://example.com/x","resource":"rooms","event":"created"}`
	resp, body = do(t, http.MethodPost, url+"/v1/webhooks", ts.Token, big)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	p.Close()
	rep := p.Report()
	got := map[string]string{}
	for _, c := range rep.Cases {
		for _, f := range c.Findings {
			got[f.Rule.ID()+" "+f.Pointer] = c.Operation
		}
	}
	assert.Equal(t, "createWebhook", got["request.body.enum /resource"], "%v", got)
	assert.Equal(t, "listWebhooks", got["request.parameter query:max"], "%v", got)
	assert.Equal(t, "listWebhooks", got["request.security header:Authorization"], "%v", got)
	assert.Equal(t, "createWebhook", got["request.unjudged "], "%v", got)
	assert.Len(t, got, 4, "%v", got)
	assert.Contains(t, log.String(), "request.body.enum")
	assert.NotContains(t, log.String(), secret)
	for _, format := range report.Formats {
		var buf bytes.Buffer
		require.NoError(t, report.Write(&buf, format, rep, report.WithVerbose(true)))
		assert.NotContains(t, buf.String(), secret, format)
	}
}

// closedAfterBody is a client's request body as the server hands it to the
// proxy when it closes it as soon as the proxy starts the response (it
// does once the declared length was read): every byte, then
// http.ErrBodyReadAfterClose instead of io.EOF.
type closedAfterBody struct {
	data []byte
	read int
}

func (b *closedAfterBody) Read(p []byte) (int, error) {
	if b.read >= len(b.data) {
		return 0, http.ErrBodyReadAfterClose
	}
	n := copy(p, b.data[b.read:])
	b.read += n
	return n, nil
}

func (b *closedAfterBody) Close() error { return nil }

// The transport reads a request body once more past its Content-Length to
// see its end. When the upstream has answered in between and the server,
// writing that answer, has closed the client's body, that read must still
// be the end: an error made the transport close the upstream connection in
// the middle of the response (a 1 MiB response cut short now and then,
// TestProxyMemoryIsBoundedInTotal).
func TestRequestBodyEndsAtItsDeclaredLength(t *testing.T) {
	t.Parallel()
	p, err := New("http://127.0.0.1:1", judgement.New(newEngine(t)))
	require.NoError(t, err)
	t.Cleanup(p.Close)
	body := bytes.Repeat([]byte("a"), 100_000)
	tee := &reqTee{p: p, rc: &closedAfterBody{data: body}, size: int64(len(body))}
	// As net/http's transferWriter does for a body with a Content-Length.
	n, err := io.Copy(io.Discard, io.LimitReader(tee, int64(len(body))))
	require.NoError(t, err)
	require.Equal(t, int64(len(body)), n)
	extra, err := io.Copy(io.Discard, tee)
	require.NoError(t, err, "the read past the declared length is the end of the body")
	assert.Zero(t, extra)
	kept, why := tee.take()
	require.Empty(t, why)
	assert.Equal(t, body, kept.Bytes(), "kept whole, and judged")
	p.put(kept)
}
