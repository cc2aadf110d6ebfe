package main

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/har"
	"github.com/webex-conformance/webhooks/conformance/proxy"
	"github.com/webex-conformance/webhooks/internal/metrics"
)

// BenchmarkProxyObservers measures what --metrics and --har add to each
// exchange the proxy finishes, beside the judging every exchange gets
// anyway (judge: the baseline, in the same run).
func BenchmarkProxyObservers(b *testing.B) {
	eng, err := conformance.New(api.Spec, conformance.WithRedactions("bench-token-5d1c8e2f"))
	require.NoError(b, err)
	u, _ := url.Parse("/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMy")
	f := &proxy.Finished{
		Request: conformance.Request{Method: http.MethodGet, URL: u,
			Header: http.Header{"Authorization": {"Bearer bench-token-5d1c8e2f"}, "Accept": {"application/json"}}},
		Response: conformance.Response{Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}, "Trackingid": {"ROUTER_1"}},
			Body: []byte(`{"id":"Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMy","name":"New messages","targetUrl":"https://example.com/hooks/messages",` +
				`"resource":"messages","event":"created","status":"active","created":"2015-10-18T14:26:16.000Z","secret":"s3cr3t-value-0042",` +
				`"orgId":"OTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh","createdBy":"Y2lzY29zcGFyazovL3VzL1BFT1BMRS8x","appId":"Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OLzE","ownedBy":"creator"}`)},
		Outcome:  proxy.Judged,
		Start:    time.Now(),
		Duration: 3 * time.Millisecond,
	}
	upstream, _ := url.Parse("https://webexapis.com/v1")
	newHAR := func(b *testing.B) proxy.Observer {
		w, err := har.NewWriter(io.Discard, "conformance", conformance.Version, eng.Redact)
		require.NoError(b, err)
		return newProxyRecorder(w, upstream, eng.MaxBodyBytes(), io.Discard)
	}
	for _, bc := range []struct {
		name      string
		observers func(b *testing.B) []proxy.Observer
	}{
		{"judge", func(*testing.B) []proxy.Observer { return nil }},
		{"judge+metrics", func(*testing.B) []proxy.Observer {
			return []proxy.Observer{proxyMetrics(eng, metrics.New(metrics.Upstream))}
		}},
		{"judge+har", func(b *testing.B) []proxy.Observer { return []proxy.Observer{newHAR(b)} }},
		{"judge+metrics+har", func(b *testing.B) []proxy.Observer {
			return []proxy.Observer{proxyMetrics(eng, metrics.New(metrics.Upstream)), newHAR(b)}
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			obs := bc.observers(b)
			b.ReportAllocs()
			for b.Loop() {
				f.Findings = eng.Validate(&conformance.Exchange{Request: f.Request, Response: f.Response})
				for _, o := range obs {
					o.Observe(f)
				}
			}
		})
	}
}
