package mock_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
