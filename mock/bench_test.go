package mock_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webex-conformance/webhooks/internal/cputime"
	"github.com/webex-conformance/webhooks/mock"
)

// discard is a ResponseWriter that keeps nothing, so the benchmarks measure
// the handler rather than a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func benchGet(b *testing.B, h http.Handler, path string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer bench")
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// BenchmarkGetDetails is the hot path of the mock: Get Webhook Details.
func BenchmarkGetDetails(b *testing.B) {
	s := mock.New(mock.WithTokens("bench"))
	id := createDirect(b, s)
	benchGet(b, s, "/v1/webhooks/"+id)
}

// BenchmarkGetDetailsBaseline writes a fixed webhook body with the same
// headers: the floor of any handler.
func BenchmarkGetDetailsBaseline(b *testing.B) {
	body := []byte(`{"id":"x","name":"bench","targetUrl":"https://example.com/hook","resource":"messages","event":"created","status":"active","created":"2026-01-01T00:00:00.000Z"}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("TrackingID", "ROUTER_0")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	benchGet(b, h, "/v1/webhooks/x")
}

func BenchmarkList100(b *testing.B) {
	s := mock.New(mock.WithTokens("bench"))
	for range 100 {
		createDirect(b, s)
	}
	benchGet(b, s, "/v1/webhooks")
}

func createDirect(b *testing.B, s http.Handler) string {
	req := httptest.NewRequest("POST", "/v1/webhooks", strings.NewReader(createBody("bench")))
	req.Header.Set("Authorization", "Bearer bench")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	return decode[struct{ ID string }](b, rec.Body.Bytes()).ID
}

// BenchmarkServeGetDetails serves Get Webhook Details over loopback TCP
// with net/http's server, kept-alive connections from parallel clients:
// beside BenchmarkGetDetails (the handler alone), the server's own work.
func BenchmarkServeGetDetails(b *testing.B) {
	s := mock.New(mock.WithTokens("bench"))
	id := createDirect(b, s)
	raw := "GET /v1/webhooks/" + id + " HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAuthorization: Bearer bench\r\n\r\n"
	srv := &http.Server{Handler: s}
	benchServe(b, raw, func(ln net.Listener) { _ = srv.Serve(ln) }, func() { _ = srv.Close() })
}

func benchServe(b *testing.B, raw string, serve func(net.Listener), stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go serve(ln)
	defer stop()
	b.ReportAllocs()
	b.SetParallelism(8)
	// Wall time per request mostly shows how the scheduler interleaves
	// clients and server; the process's CPU time per request (clients
	// included, the same for both servers) is what a server saves.
	cpu0 := cputime.Process()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		rd := bufio.NewReader(c)
		for pb.Next() {
			if _, err := io.WriteString(c, raw); err != nil {
				b.Error(err)
				return
			}
			resp, err := http.ReadResponse(rd, nil)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	cputime.ReportPerOp(b, cpu0)
}
