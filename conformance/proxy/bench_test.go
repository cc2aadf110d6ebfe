package proxy

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/webex-conformance/webhooks/internal/cputime"
	"github.com/webex-conformance/webhooks/internal/h1"
)

const benchWebhook = `{"id":"Y2lzY29zcGFyazovL3VzL1dFQkhPT0svYmVuY2g","name":"bench","targetUrl":"https://example.com/hook","resource":"messages","event":"created","status":"active","created":"2024-01-01T00:00:00Z","ownedBy":"creator"}`

func benchUpstream(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_BENCH")
		_, _ = io.WriteString(w, benchWebhook)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchLoad(b *testing.B, url string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	b.ReportAllocs()
	// 16 clients on 2 CPUs, as the bench-proxy script's hey -c 16.
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer bench-token")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

// BenchmarkDirect is the baseline: the same requests without the proxy.
func BenchmarkDirect(b *testing.B) {
	up := benchUpstream(b)
	cpu0 := cputime.Process()
	benchLoad(b, up.URL+"/v1/webhooks/abc")
	cputime.ReportPerOp(b, cpu0)
}

// BenchmarkProxy forwards through the proxy and judges every exchange,
// with the front end `conformance proxy` serves with (h1) and with
// net/http's as the baseline.
func BenchmarkProxy(b *testing.B) {
	for _, front := range []string{"net-http", "h1"} {
		b.Run("front="+front, func(b *testing.B) {
			up := benchUpstream(b)
			p, err := New(Config{Upstream: up.URL + "/v1", Validator: newEngine(b)})
			if err != nil {
				b.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			stop := func() {}
			if front == "h1" {
				srv := &h1.Server{Handler: p}
				go func() { _ = srv.Serve(ln) }()
				stop = func() { _ = srv.Shutdown(context.Background()) }
			} else {
				srv := &http.Server{Handler: p}
				go func() { _ = srv.Serve(ln) }()
				stop = func() { _ = srv.Close() }
			}
			b.Cleanup(func() { stop(); p.Close() })
			cpu0 := cputime.Process()
			benchLoad(b, "http://"+ln.Addr().String()+"/v1/webhooks/abc")
			b.StopTimer()
			stop()
			p.Close()
			// Judging is done by now: its CPU time counts too.
			cputime.ReportPerOp(b, cpu0)
			if s := p.Stats(); s.Judged+s.Unjudged != s.Forwarded {
				b.Fatalf("stats do not add up: %+v", s)
			}
		})
	}
}

// BenchmarkWriteRequest writes the forwarded request of bench-proxy's GET
// upstream, with req.Write as the baseline.
func BenchmarkWriteRequest(b *testing.B) {
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:18491/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svYmVuY2g", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header = http.Header{"Authorization": {"Bearer bench-token"}, "User-Agent": {"hey/0.0.1"},
		"Content-Type": {"text/html"}, "Accept-Encoding": {"gzip"}}
	for _, tc := range []struct {
		name  string
		write func(*bufio.Writer, *http.Request) error
	}{
		{"writer=net-http", func(w *bufio.Writer, r *http.Request) error { return r.Write(w) }},
		{"writer=direct", writeRequest},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w := bufio.NewWriter(io.Discard)
			b.ReportAllocs()
			for b.Loop() {
				if err := tc.write(w, req); err != nil {
					b.Fatal(err)
				}
				_ = w.Flush()
			}
		})
	}
}
