package proxy

import (
	"github.com/webex-conformance/webhooks/conformance/judgement"

	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawUpstream is an upstream that misbehaves on purpose: it parses each
// request with http.ReadRequest and lets answer write whatever bytes it
// likes on the connection.
type rawUpstream struct {
	ln    net.Listener
	conns atomic.Int32
	mu    sync.Mutex
	got   []received
}

// received is a request as it reached the upstream.
type received struct {
	Method, URI, Host, Authorization string
	Header, Trailer                  http.Header
	Body                             string
}

// answer writes the response to r, the n-th request (from 0) on c; false
// closes the connection.
type answer func(c net.Conn, n int, r *http.Request) bool

func newRawUpstream(t *testing.T, answer answer) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	u := &rawUpstream{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u.conns.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				for n := 0; ; n++ {
					r, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					body, _ := io.ReadAll(r.Body)
					u.mu.Lock()
					u.got = append(u.got, received{r.Method, r.RequestURI, r.Host, r.Header.Get("Authorization"), r.Header, r.Trailer, string(body)})
					u.mu.Unlock()
					if !answer(c, n, r) {
						return
					}
				}
			}()
		}
	}()
	return u
}

func (u *rawUpstream) URL() string { return "http://" + u.ln.Addr().String() }

func (u *rawUpstream) received() []received {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]received(nil), u.got...)
}

// stolen is what a misbehaving upstream appends after a framed response:
// a whole second response that no request asked for.
const stolen = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"stolen\":\"yes\"}\n"

func TestNoResponseByteReachesAnotherClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// respond answers the request for id; the upstream appends stolen.
		respond func(id, method string) string
	}{
		{"bytes beyond Content-Length", func(id, method string) string {
			return fmt.Sprintf("HTTP/1.1 200 OK\r\nX-Id: %s\r\nContent-Length: %d\r\n\r\n%s", id, len(id), id)
		}},
		{"bytes after a 204", func(id, _ string) string {
			return "HTTP/1.1 204 No Content\r\nX-Id: " + id + "\r\n\r\n"
		}},
		{"a body after a HEAD response", func(id, method string) string {
			// The same answer to GET and HEAD: for HEAD the body is extra.
			return fmt.Sprintf("HTTP/1.1 200 OK\r\nX-Id: %s\r\nContent-Length: %d\r\n\r\n%s", id, len(id), id)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := newRawUpstream(t, func(c net.Conn, _ int, r *http.Request) bool {
				_, err := io.WriteString(c, tc.respond(r.URL.Query().Get("id"), r.Method)+stolen)
				return err == nil
			})
			_, url, _ := start(t, up.URL(), nil)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			t.Cleanup(client.CloseIdleConnections)
			var answered, refused atomic.Int32
			get := func(method, id string) {
				req, err := http.NewRequest(method, url+"/v1/webhooks?id="+id, nil)
				require.NoError(t, err)
				resp, err := client.Do(req)
				if !assert.NoError(t, err) {
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusBadGateway:
					refused.Add(1)
					return
				case http.StatusOK, http.StatusNoContent:
				default:
					t.Errorf("%s %s: status %d", method, id, resp.StatusCode)
				}
				answered.Add(1)
				assert.NotContains(t, string(body), "stolen", "%s %s got another response's bytes", method, id)
				assert.Equal(t, id, resp.Header.Get("X-Id"), "%s %s got another response's head", method, id)
				if resp.StatusCode == http.StatusOK && method == http.MethodGet {
					assert.Equal(t, id, string(body), "%s %s", method, id)
				}
			}
			// One client after another, then 16 at once: the transport hands a
			// connection straight to a waiting request.
			for i := 0; i < 20; i++ {
				get(http.MethodGet, fmt.Sprintf("seq%d", i))
				get(http.MethodHead, fmt.Sprintf("seqhead%d", i))
			}
			var wg sync.WaitGroup
			deadline := time.Now().Add(time.Second)
			for c := 0; c < 16; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; time.Now().Before(deadline); i++ {
						method := http.MethodGet
						if i%3 == 2 {
							method = http.MethodHead
						}
						get(method, fmt.Sprintf("c%di%d", c, i))
					}
				}()
			}
			wg.Wait()
			assert.Positive(t, answered.Load())
			// No request went upstream twice.
			seen := map[string]int{}
			for _, r := range up.received() {
				seen[r.Method+" "+r.URI]++
			}
			for k, n := range seen {
				assert.Equal(t, 1, n, "%s reached the upstream %d times", k, n)
			}
			t.Logf("%d answered, %d refused with 502, %d upstream connections", answered.Load(), refused.Load(), up.conns.Load())
		})
	}
}

// okAnswer answers every request with a small JSON body.
func okAnswer(c net.Conn, _ int, _ *http.Request) bool {
	_, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTrackingID: ROUTER_1\r\nContent-Length: 12\r\n\r\n{\"items\":[]}")
	return err == nil
}

// rawRequest sends raw on a new connection to the proxy at url, closes
// the write side if halfClose, and returns everything the proxy answered
// until it closed the connection or the deadline passed.
func rawRequest(t *testing.T, url, raw string, halfClose bool, wait time.Duration) string {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, raw)
	require.NoError(t, err)
	if halfClose {
		require.NoError(t, c.(*net.TCPConn).CloseWrite())
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	out, _ := io.ReadAll(c)
	return string(out)
}

func TestIdleConnectionsTheUpstreamClosedAreNotReused(t *testing.T) {
	t.Parallel()
	// The upstream closes a kept-alive connection 30 ms after answering,
	// as a server with a short keep-alive does.
	up := newRawUpstream(t, func(c net.Conn, n int, r *http.Request) bool {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
		return okAnswer(c, n, r)
	})
	_, url, _ := start(t, up.URL(), nil)
	for i := 0; i < 8; i++ {
		resp, body := do(t, http.MethodPost, url+"/v1/webhooks", "tok", `{"i":`+fmt.Sprint(i)+`}`)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "POST %d: %s", i, body)
		time.Sleep(300 * time.Millisecond)
	}
	got := up.received()
	require.Len(t, got, 8, "each POST reached the upstream once")
	for i, r := range got {
		assert.Equal(t, `{"i":`+fmt.Sprint(i)+`}`, r.Body)
	}
}

func TestMalformedResponseIsNotSentAgain(t *testing.T) {
	t.Parallel()
	// The first request on a connection is answered; any later one gets
	// a broken status line. The first answers wait until four connections
	// are open, so that the proxy pools four.
	var opened atomic.Int32
	fourOpen := make(chan struct{})
	up := newRawUpstream(t, func(c net.Conn, n int, r *http.Request) bool {
		if n > 0 {
			_, _ = io.WriteString(c, "HTTP/1.1 two hundred OK\r\n\r\n")
			return true
		}
		if opened.Add(1) == 4 {
			close(fourOpen)
		}
		select {
		case <-fourOpen:
		case <-time.After(2 * time.Second):
		}
		return okAnswer(c, n, r)
	})
	_, url, _ := start(t, up.URL(), nil)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := do(t, http.MethodGet, url+"/v1/webhooks?warm="+fmt.Sprint(i), "tok", "")
			assert.Equal(t, http.StatusOK, resp.StatusCode)
		}()
	}
	wg.Wait()
	for _, method := range []string{http.MethodDelete, http.MethodGet, http.MethodHead} {
		resp, _ := do(t, method, url+"/v1/webhooks/x", "tok", "")
		assert.Equal(t, http.StatusBadGateway, resp.StatusCode, method)
	}
	sent := map[string]int{}
	for _, r := range up.received() {
		if r.URI == "/v1/webhooks/x" {
			sent[r.Method]++
		}
	}
	assert.Equal(t, map[string]int{http.MethodDelete: 1, http.MethodGet: 1, http.MethodHead: 1}, sent, "each request reached the upstream once")
}

func TestUpstreamBodyCutShort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, head, part string }{
		{"chunked", "Transfer-Encoding: chunked", "8\r\n{\"items\"\r\n"},
		{"content-length", "Content-Length: 12", "{\"items\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := newRawUpstream(t, func(c net.Conn, _ int, _ *http.Request) bool {
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTrackingID: ROUTER_1\r\n"+tc.head+"\r\n\r\n"+tc.part)
				return false // and close, mid-body
			})
			p, url, _ := start(t, up.URL(), nil)
			// The connection is aborted: before the head when the server still
			// buffered it, else mid-body. Either way no clean end.
			req, err := http.NewRequest(http.MethodGet, url+"/v1/webhooks", nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := http.DefaultClient.Do(req)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			assert.Error(t, err, "the client sees the truncation (got %q)", body)
			p.Close()
			rep := p.Report()
			var rules []string
			for _, c := range rep.Cases {
				for _, f := range c.Findings {
					rules = append(rules, f.Rule.ID())
				}
			}
			assert.Equal(t, []string{"proxy.upstream-truncated"}, rules, "the partial body is not judged")
		})
	}
}

func TestClientHalfClosedWhileUpstreamIsSlow(t *testing.T) {
	t.Parallel()
	up := newRawUpstream(t, func(c net.Conn, n int, r *http.Request) bool {
		time.Sleep(300 * time.Millisecond)
		return okAnswer(c, n, r)
	})
	_, url, _ := start(t, up.URL(), nil)
	out := rawRequest(t, url, "GET /v1/webhooks HTTP/1.1\r\nHost: x\r\n\r\n", true, 5*time.Second)
	// The client stopped sending, not listening: it is told the exchange
	// failed, never given a made-up answer.
	assert.True(t, strings.HasPrefix(out, "HTTP/1.1 502 "), "%q", out)
	assert.NotContains(t, out, "200 OK")
	assert.LessOrEqual(t, len(up.received()), 1)
}

func TestSlowUpstreamTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	up := newRawUpstream(t, func(c net.Conn, n int, r *http.Request) bool {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
		return okAnswer(c, n, r)
	})
	p, url, log := start(t, up.URL(), nil, WithResponseHeaderTimeout(200*time.Millisecond))
	began := time.Now()
	resp, body := do(t, http.MethodGet, url+"/v1/webhooks", "tok", "")
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Less(t, len(body), 100, "a short plain body: %q", body)
	assert.Less(t, time.Since(began), 4*time.Second)
	p.Close()
	assert.Len(t, up.received(), 1, "not sent again")
	assert.Contains(t, log.String(), "timeout")
	assert.Equal(t, int64(1), p.Stats().UpstreamFailed)
}

func TestTrailersAreForwarded(t *testing.T) {
	t.Parallel()
	up := newRawUpstream(t, func(c net.Conn, _ int, _ *http.Request) bool {
		_, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTrackingID: ROUTER_1\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"+
			"c\r\n{\"items\":[]}\r\n0\r\nX-Checksum: abc123\r\n\r\n")
		return err == nil
	})
	_, url, _ := start(t, up.URL(), nil)
	resp, err := http.Get(url + "/v1/webhooks")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, `{"items":[]}`, string(body))
	assert.Equal(t, "abc123", resp.Trailer.Get("X-Checksum"))
}

func TestRequestTrailersAreForwarded(t *testing.T) {
	t.Parallel()
	up := newRawUpstream(t, okAnswer)
	_, url, _ := start(t, up.URL(), nil)
	out := rawRequest(t, url, "POST /v1/webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\nConnection: close\r\n\r\n"+
		"2\r\n{}\r\n0\r\nX-Checksum: abc123\r\n\r\n", false, 5*time.Second)
	require.True(t, strings.HasPrefix(out, "HTTP/1.1 200 "), "%q", out)
	got := up.received()
	require.Len(t, got, 1)
	assert.Equal(t, "{}", got[0].Body)
	assert.Equal(t, "abc123", got[0].Trailer.Get("X-Checksum"))
}

func TestHopByHopHeadersStopAtTheProxy(t *testing.T) {
	t.Parallel()
	up := newRawUpstream(t, func(c net.Conn, _ int, _ *http.Request) bool {
		_, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTrackingID: ROUTER_1\r\nConnection: X-Upstream-Hop\r\nX-Upstream-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-End-To-End: kept\r\nContent-Length: 12\r\n\r\n{\"items\":[]}")
		return err == nil
	})
	_, url, _ := start(t, up.URL(), nil)
	out := rawRequest(t, url, "GET /v1/webhooks HTTP/1.1\r\nHost: x\r\nConnection: X-Client-Hop, close\r\nX-Client-Hop: secret\r\nKeep-Alive: 300\r\nProxy-Authorization: Basic cHJveHk6cHJveHk=\r\nX-Mine: kept\r\n\r\n", false, 5*time.Second)
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(out)), nil)
	require.NoError(t, err, "%q", out)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "kept", resp.Header.Get("X-End-To-End"))
	for _, h := range []string{"X-Upstream-Hop", "Keep-Alive"} {
		assert.Empty(t, resp.Header.Values(h), "%s reached the client", h)
	}
	assert.NotContains(t, resp.Header.Get("Connection"), "X-Upstream-Hop")
	got := up.received()
	require.Len(t, got, 1)
	assert.Equal(t, "kept", got[0].Header.Get("X-Mine"))
	for _, h := range []string{"X-Client-Hop", "Keep-Alive", "Proxy-Authorization"} {
		assert.Empty(t, got[0].Header.Values(h), "%s reached the upstream", h)
	}
	assert.NotContains(t, got[0].Header.Get("Connection"), "X-Client-Hop")
}

func TestHostTokenAndRedirectsStayWithTheUpstream(t *testing.T) {
	t.Parallel()
	elsewhere := newRawUpstream(t, okAnswer)
	up := newRawUpstream(t, func(c net.Conn, _ int, _ *http.Request) bool {
		_, err := io.WriteString(c, "HTTP/1.1 302 Found\r\nLocation: "+elsewhere.URL()+"/v1/webhooks\r\nContent-Length: 0\r\n\r\n")
		return err == nil
	})
	_, url, _ := start(t, up.URL(), nil)
	// An absolute URL and a Host naming another server change nothing.
	out := rawRequest(t, url, "GET "+elsewhere.URL()+"/v1/webhooks?max=1 HTTP/1.1\r\nHost: "+strings.TrimPrefix(elsewhere.URL(), "http://")+"\r\nAuthorization: Bearer CANARY-token\r\nConnection: close\r\n\r\n", false, 5*time.Second)
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(out)), nil)
	require.NoError(t, err, "%q", out)
	assert.Equal(t, http.StatusFound, resp.StatusCode, "the redirect is passed back, not followed")
	assert.Equal(t, elsewhere.URL()+"/v1/webhooks", resp.Header.Get("Location"))
	got := up.received()
	require.Len(t, got, 1)
	assert.Equal(t, "/v1/webhooks?max=1", got[0].URI)
	assert.Equal(t, strings.TrimPrefix(up.URL(), "http://"), got[0].Host)
	assert.Equal(t, "Bearer CANARY-token", got[0].Authorization)
	assert.Empty(t, elsewhere.received(), "nothing reached another host")
	assert.Zero(t, elsewhere.conns.Load())
}

// HTTP_PROXY and friends cannot divert the token: the transport never asks
// the environment (and net/http's ProxyFromEnvironment skips loopback
// hosts, so a test upstream could not show it).
func TestNoProxyFromTheEnvironment(t *testing.T) {
	t.Parallel()
	p, err := New("https://webexapis.com/v1", judgement.New(newEngine(t)))
	require.NoError(t, err)
	t.Cleanup(p.Close)
	assert.Nil(t, p.tr.Proxy)
}

func TestOptionsAsteriskIsNotForwarded(t *testing.T) {
	t.Parallel()
	up := newRawUpstream(t, okAnswer)
	_, url, _ := start(t, up.URL(), nil)
	out := rawRequest(t, url, "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false, 5*time.Second)
	assert.True(t, strings.HasPrefix(out, "HTTP/1.1 "), "%q", out)
	assert.Empty(t, up.received())
	assert.Zero(t, up.conns.Load())
}

func TestUpgradeIsTunnelledAndBothEndsClosed(t *testing.T) {
	t.Parallel()
	upstreamDone := make(chan error, 1)
	up := newRawUpstream(t, func(c net.Conn, _ int, r *http.Request) bool {
		_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
		// Echo until the proxy closes its side.
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err := io.Copy(c, c)
		upstreamDone <- err
		return false
	})
	_, url, _ := start(t, up.URL(), nil)
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	_, err = io.WriteString(c, "GET /v1/echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	require.NoError(t, err)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	_, err = io.WriteString(c, "ping")
	require.NoError(t, err)
	echo := make([]byte, 4)
	_, err = io.ReadFull(br, echo)
	require.NoError(t, err)
	assert.Equal(t, "ping", string(echo))
	require.NoError(t, c.Close())
	select {
	case err := <-upstreamDone:
		assert.NoError(t, err, "the proxy closed the upstream's socket when the client left")
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream's socket was left open")
	}
}
