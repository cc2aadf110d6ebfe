package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/internal/cputime"
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

// BenchmarkProxy forwards through the proxy and judges every exchange.
func BenchmarkProxy(b *testing.B) {
	up := benchUpstream(b)
	p, err := New(up.URL+"/v1", judgement.New(newEngine(b)))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(p)
	b.Cleanup(func() { srv.Close(); p.Close() })
	cpu0 := cputime.Process()
	benchLoad(b, srv.URL+"/v1/webhooks/abc")
	b.StopTimer()
	srv.Close()
	p.Close()
	// Judging is done by now: its CPU time counts too.
	cputime.ReportPerOp(b, cpu0)
	if s := p.Stats(); s.Judged+s.Unjudged != s.Forwarded {
		b.Fatalf("stats do not add up: %+v", s)
	}
}
