package main

import (
	"bytes"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/proxy"
	"github.com/webex-conformance/webhooks/mock"
)

// panicLog collects what a server logs about panics.
type panicLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *panicLog) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("panic")) {
		l.mu.Lock()
		l.lines = append(l.lines, string(b))
		l.mu.Unlock()
	}
	return len(b), nil
}

func (l *panicLog) first() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == 0 {
		return ""
	}
	return l.lines[0]
}

// fuzzServe serves h as the commands do, on a loopback port.
func fuzzServe(f *testing.F, h http.Handler, limits serverLimits, logs *panicLog) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	srv := newServer(h, limits, log.New(logs, "", 0))
	go func() { _ = srv.Serve(ln) }()
	f.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// FuzzServe sends arbitrary bytes as a client's side of a connection to
// `conformance serve` and to `conformance proxy` in front of it, each on
// the server its command runs: neither may panic, and whatever they answer
// starts as an HTTP/1.x response.
func FuzzServe(f *testing.F) {
	for _, s := range []string{
		"GET /v1/webhooks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n",
		"GET /v1/webhooks HTTP/1.1\r\nHost: x\r\n\r\nHEAD /v1/webhooks/abc HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /v1/webhooks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n0\r\n\r\n",
		"POST /v1/webhooks HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
		"POST /v1/webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
		"GET /v1/webhooks HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /v1/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	logs := &panicLog{}
	m := mock.New(mock.WithTokens("t"))
	mockAddr := fuzzServe(f, m, mockLimits, logs)
	eng, err := conformance.New(api.Spec)
	if err != nil {
		f.Fatal(err)
	}
	p, err := proxy.New("http://"+mockAddr+"/v1", judgement.New(eng))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(p.Close)
	proxyAddr := fuzzServe(f, p, proxyLimits, logs)
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, addr := range []string{mockAddr, proxyAddr} {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				_, _ = c.Write(in)
				_ = c.(*net.TCPConn).CloseWrite()
			}()
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			out, _ := io.ReadAll(c)
			c.Close()
			if len(out) > 0 && !strings.HasPrefix(string(out), "HTTP/1.1 ") && !strings.HasPrefix(string(out), "HTTP/1.0 ") {
				t.Fatalf("answer is not HTTP/1.x: %q", out)
			}
			if l := logs.first(); l != "" {
				t.Fatalf("server logged: %s", l)
			}
		}
	})
}
