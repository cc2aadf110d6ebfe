package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

// The Get Webhook Details response of the spec's example, and one with
// several deviations: a number for a string, an unknown enum value, a
// date-time without a zone, a relative targetUrl, an undocumented property.
var (
	benchConforming = []byte(seedWebhook)
	benchDeviating  = []byte(`{
  "id": 12345,
  "name": "My Awesome Webhook",
  "targetUrl": "/mywebhook",
  "resource": "someNewResource",
  "event": "created",
  "filter": "roomId=Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
  "secret": "86dacc007724d8ea666f88fc77d918dad9537a15",
  "status": "active",
  "created": "2015-10-18T14:26:16",
  "ownedBy": "org",
  "color": "blue"
}`)
)

var benchBodies = []struct {
	name string
	body []byte
}{{"conforming", benchConforming}, {"deviating", benchDeviating}}

func benchExchange(body []byte) *Exchange {
	x := getDetails(200, "", jsonCT, tracking)
	x.Response.Body = body
	return x
}

func BenchmarkValidate(b *testing.B) {
	e := testEngine(b)
	for _, bb := range benchBodies {
		b.Run(bb.name, func(b *testing.B) {
			x := benchExchange(bb.body)
			want := len(e.Validate(x))
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.body)))
			for b.Loop() {
				if len(e.Validate(x)) != want {
					b.Fatal("verdict changed")
				}
			}
		})
	}
}

// BenchmarkValidateCoverage is BenchmarkValidate with and without a
// coverage collector on the exchange, in the same run: what coverage costs
// per exchange (benchstat -col /cov).
func BenchmarkValidateCoverage(b *testing.B) {
	e := testEngine(b)
	for _, bb := range benchBodies {
		for _, on := range []bool{false, true} {
			name := "body=" + bb.name + "/cov=off"
			if on {
				name = "body=" + bb.name + "/cov=on"
			}
			b.Run(name, func(b *testing.B) {
				x := benchExchange(bb.body)
				if on {
					x.Coverage = e.NewCoverage()
				}
				want := len(e.Validate(x))
				b.ReportAllocs()
				b.SetBytes(int64(len(bb.body)))
				for b.Loop() {
					if len(e.Validate(x)) != want {
						b.Fatal("verdict changed")
					}
				}
			})
		}
	}
}

// BenchmarkKinOpenAPI is the baseline: plain kin-openapi, router and
// options built once, as a careful user of it would write.
func BenchmarkKinOpenAPI(b *testing.B) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	require.NoError(b, err)
	require.NoError(b, doc.Validate(loader.Context))
	router, err := gorillamux.NewRouter(doc)
	require.NoError(b, err)
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	ctx := context.Background()
	for _, bb := range benchBodies {
		b.Run(bb.name, func(b *testing.B) {
			x := benchExchange(bb.body)
			req := &http.Request{Method: x.Request.Method, URL: x.Request.URL, Header: x.Request.Header}
			run := func() error {
				route, params, err := router.FindRoute(req)
				if err != nil {
					return err
				}
				return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
					RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
					Status:                 x.Response.Status,
					Header:                 x.Response.Header,
					Body:                   io.NopCloser(bytes.NewReader(bb.body)),
					Options:                opts,
				})
			}
			wantErr := run() != nil
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.body)))
			for b.Loop() {
				if (run() != nil) != wantErr {
					b.Fatal("verdict changed")
				}
			}
		})
	}
}

// BenchmarkJSONUnmarshal is the floor of any validator that builds the
// generic tree first.
func BenchmarkJSONUnmarshal(b *testing.B) {
	for _, bb := range benchBodies {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.body)))
			for b.Loop() {
				var v any
				if err := json.Unmarshal(bb.body, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNew is the one-time cost of loading, validating and compiling
// the embedded spec.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(api.Spec); err != nil {
			b.Fatal(err)
		}
	}
}

// benchExchanges are whole exchanges, request and response, of the three
// commonest calls.
func benchExchanges(tb testing.TB) []struct {
	name string
	x    *Exchange
} {
	list := `{"items":[` + seedWebhook + `,` + seedWebhook + `,` + seedWebhook + `]}`
	get := getDetails(200, seedWebhook, jsonCT, tracking)
	lst := exchange("GET", "/v1/webhooks?max=10&ownedBy=org", 200, list, jsonCT, tracking)
	crt := exchange("POST", "/v1/webhooks", 200, seedWebhook, jsonCT, tracking)
	crt.Request.Header.Set("Content-Type", "application/json")
	crt.Request.Body = []byte(`{"name":"My Awesome Webhook","targetUrl":"https://example.com/mywebhook","resource":"messages","event":"created","filter":"roomId=abc","secret":"86dacc007724d8ea666f88fc77d918dad9537a15"}`)
	return []struct {
		name string
		x    *Exchange
	}{{"get", get}, {"list", lst}, {"create", crt}}
}

// BenchmarkValidateExchange judges the request and the response of each
// exchange, as the proxy and validate --har do.
func BenchmarkValidateExchange(b *testing.B) {
	e := testEngine(b)
	for _, bx := range benchExchanges(b) {
		b.Run(bx.name, func(b *testing.B) {
			x := bx.x
			require.Empty(b, e.ValidateExchange(x))
			b.ReportAllocs()
			for b.Loop() {
				if len(e.ValidateExchange(x)) != 0 {
					b.Fatal("verdict changed")
				}
			}
		})
	}
}

// BenchmarkKinOpenAPIExchange is the baseline of BenchmarkValidateExchange:
// plain kin-openapi finding the route and calling ValidateRequest and
// ValidateResponse, router and options built once, the bearer token checked
// by an AuthenticationFunc.
func BenchmarkKinOpenAPIExchange(b *testing.B) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	require.NoError(b, err)
	require.NoError(b, doc.Validate(loader.Context))
	router, err := gorillamux.NewRouter(doc)
	require.NoError(b, err)
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			if len(in.RequestValidationInput.Request.Header.Get("Authorization")) <= len("Bearer ") {
				return errors.New("no bearer token")
			}
			return nil
		}}
	ctx := context.Background()
	for _, bx := range benchExchanges(b) {
		b.Run(bx.name, func(b *testing.B) {
			x := bx.x
			req := &http.Request{Method: x.Request.Method, URL: x.Request.URL, Header: x.Request.Header}
			run := func() error {
				if x.Request.Body != nil {
					req.Body = io.NopCloser(bytes.NewReader(x.Request.Body))
				}
				route, params, err := router.FindRoute(req)
				if err != nil {
					return err
				}
				in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
				if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
					return err
				}
				return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
					RequestValidationInput: in,
					Status:                 x.Response.Status,
					Header:                 x.Response.Header,
					Body:                   io.NopCloser(bytes.NewReader(x.Response.Body)),
					Options:                opts,
				})
			}
			require.NoError(b, run())
			b.ReportAllocs()
			for b.Loop() {
				if run() != nil {
					b.Fatal("verdict changed")
				}
			}
		})
	}
}
