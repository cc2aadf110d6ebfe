package mock_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

func benchTarget(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkEmit delivers one signed notification to one webhook among 100
// that do not match, over a kept-alive loopback connection.
func BenchmarkEmit(b *testing.B) {
	target := benchTarget(b)
	s := mock.New(mock.WithTokens("t"))
	api := httptest.NewServer(s)
	defer api.Close()
	c, err := gen.NewClientWithResponses(api.URL+mock.BasePath, gen.WithBearerToken("t"))
	if err != nil {
		b.Fatal(err)
	}
	secret := "bench-secret"
	for i := range 100 {
		req := gen.CreateWebhookRequest{Name: "other", TargetURL: target.URL, Resource: "rooms", Event: "created"}
		if i == 0 {
			req = gen.CreateWebhookRequest{Name: "match", TargetURL: target.URL, Resource: "messages", Event: "created", Secret: &secret}
		}
		if _, err := gen.Check(c.CreateWebhookWithResponse(context.Background(), req)); err != nil {
			b.Fatal(err)
		}
	}
	ev := mock.Event{Resource: "messages", Event: "created", ActorID: "a", Data: map[string]any{"id": "m", "roomId": "r"}}
	for b.Loop() {
		ds, err := s.Emit(context.Background(), ev)
		if err != nil || len(ds) != 1 || !ds[0].Delivered() {
			b.Fatalf("%v %+v", err, ds)
		}
	}
}

// BenchmarkEmitBaseline is the POST alone: the same envelope, signed once
// beforehand, sent with a plain client to the same kind of target.
func BenchmarkEmitBaseline(b *testing.B) {
	target := benchTarget(b)
	body := []byte(`{"actorId":"a","appId":"Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL2I","created":"2026-01-02T03:04:05.000Z",` +
		`"createdBy":"Y2lzY29zcGFyazovL3VzL1BFT1BMRS9i","data":{"id":"m","roomId":"r"},"event":"created","id":"Y2lzY29zcGFyazovL3VzL1dFQkhPT0sv",` +
		`"name":"match","orgId":"Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9i","ownedBy":"creator","resource":"messages","status":"active","targetUrl":"` + target.URL + `"}`)
	sig := gen.Sign("bench-secret", body)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for b.Loop() {
		req, err := http.NewRequest(http.MethodPost, target.URL, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(gen.SignatureHeader, sig)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			b.Fatal(resp.Status)
		}
	}
}
