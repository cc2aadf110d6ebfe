package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// upstreamRequest is a request as it reached the upstream.
type upstreamRequest struct {
	Method, URI, Body, ContentLength string
	TransferEncoding                 []string
}

// recordingUpstream answers every request with a small JSON body, after
// delay, and records what reached it.
func recordingUpstream(t *testing.T, delay time.Duration) (url string, got func() []upstreamRequest) {
	t.Helper()
	var mu sync.Mutex
	var reqs []upstreamRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, upstreamRequest{r.Method, r.RequestURI, string(b), r.Header.Get("Content-Length"), r.TransferEncoding})
		mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		_, _ = io.WriteString(w, `{"items":[]}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []upstreamRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]upstreamRequest(nil), reqs...)
	}
}

// sendRaw writes raw to the server at base, closes the write side if
// halfClose, and returns what came back until the server closed the
// connection or wait passed, and how long the first byte took.
func sendRaw(t *testing.T, base, raw string, halfClose bool, wait time.Duration) (string, time.Duration) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer c.Close()
	began := time.Now()
	_, err = io.WriteString(c, raw)
	require.NoError(t, err)
	if halfClose {
		require.NoError(t, c.(*net.TCPConn).CloseWrite())
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	var out []byte
	var first time.Duration
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if n > 0 && first == 0 {
			first = time.Since(began)
		}
		out = append(out, buf[:n]...)
		if err != nil {
			break
		}
	}
	return string(out), first
}

// The client side of `conformance proxy`: raw bytes a client might send,
// what the client gets back and what reaches the upstream.
func TestProxyClientBytes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		raw       string
		halfClose bool
		delay     time.Duration
		// answers are the statuses the client gets, in order.
		answers []string
		// upstream is what reaches the upstream, in order; with mayBeCancelled
		// it may also be nothing.
		upstream       []upstreamRequest
		mayBeCancelled bool
		// within bounds how long the answers take (the idle timeout is 2 min).
		within time.Duration
	}{
		{
			name: "space before the colon",
			raw: "POST /v1/webhooks HTTP/1.1\r\nHost: x\r\nContent-Length : 39\r\n\r\n" +
				"GET /v1/webhooks/smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
			answers: []string{"400"},
		},
		{
			name: "Content-Length and Transfer-Encoding",
			raw: "POST /v1/webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
				"3\r\n{}\n\r\n0\r\n\r\n",
			// Transfer-Encoding wins (RFC 9112 section 6.3); the upstream gets
			// the body the proxy read, framed once.
			answers:  []string{"200"},
			upstream: []upstreamRequest{{Method: "POST", URI: "/v1/webhooks", Body: "{}\n", TransferEncoding: []string{"chunked"}}},
		},
		{
			name:     "a complete request, then an incomplete one",
			raw:      "GET /v1/webhooks?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/webhooks?n=2 HTTP/1.1\r\nHo",
			answers:  []string{"200"},
			upstream: []upstreamRequest{{Method: "GET", URI: "/v1/webhooks?n=1"}},
			within:   3 * time.Second,
		},
		{
			name:      "half-closed while the upstream answers slowly",
			raw:       "GET /v1/webhooks HTTP/1.1\r\nHost: x\r\n\r\n",
			halfClose: true,
			delay:     300 * time.Millisecond,
			// The client stopped sending, not listening: it is told the
			// exchange failed, never given a made-up answer. Whether the
			// request got out before it was cancelled is a race.
			answers:        []string{"502"},
			upstream:       []upstreamRequest{{Method: "GET", URI: "/v1/webhooks"}},
			mayBeCancelled: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			upstream, got := recordingUpstream(t, tc.delay)
			base, _, stderr, stop := proxyStart(t, nil, "--upstream", upstream+"/v1")
			wait := 5 * time.Second
			if tc.within > 0 {
				wait = tc.within
			}
			out, took := sendRaw(t, base, tc.raw, tc.halfClose, wait)
			var answers []string
			for _, line := range strings.Split(out, "\r\n") {
				if status, ok := strings.CutPrefix(line, "HTTP/1.1 "); ok {
					answers = append(answers, strings.Fields(status)[0])
				}
			}
			assert.Equal(t, tc.answers, answers, "%q", out)
			if tc.within > 0 {
				assert.Less(t, took, tc.within, "the first answer waited for the second request")
			}
			stop()
			reached := got()
			if tc.mayBeCancelled && len(reached) == 0 {
				return
			}
			assert.Equal(t, tc.upstream, reached, "what reached the upstream; stderr: %s", stderr)
		})
	}
}

func TestProxyShutdownFinishesOrCountsInFlightExchanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		delay  time.Duration
		status int // 0: the client's connection is closed
		judged int
		cut    string
	}{
		{"within the grace period", 300 * time.Millisecond, http.StatusOK, 1, ""},
		{"beyond it", proxyGrace + 3*time.Second, 0, 0, "1 because the shutdown's grace period ended while they were in flight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			upstream, got := recordingUpstream(t, tc.delay)
			base, stdout, stderr, stop := proxyStart(t, nil, "--upstream", upstream+"/v1", "--format", "json")
			status := make(chan int, 1)
			go func() {
				resp, err := http.Get(base + "/v1/webhooks")
				if err != nil {
					status <- 0
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status <- resp.StatusCode
			}()
			require.Eventually(t, func() bool { return len(got()) == 1 }, 5*time.Second, 5*time.Millisecond)
			stop()
			assert.Equal(t, tc.status, <-status)
			var rep report.Report
			require.NoError(t, json.Unmarshal([]byte(stdout.String()), &rep), stdout.String())
			judged, reasons := 0, ""
			for _, c := range rep.Cases {
				if c.Verdict == report.VerdictSkip {
					reasons += c.Reason
				} else {
					judged++
				}
			}
			assert.Equal(t, tc.judged, judged)
			if tc.cut == "" {
				assert.NotContains(t, reasons, "grace period")
				assert.Contains(t, stderr.String(), "0 cut by the shutdown")
			} else {
				assert.Contains(t, reasons, tc.cut)
				assert.Contains(t, stderr.String(), "1 cut by the shutdown")
			}
		})
	}
}
