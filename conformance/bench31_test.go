package conformance

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The same webhook resource as the Webex spec's, written as an OpenAPI 3.1
// document (testdata/oas31/bench.yaml): type lists with null, a string
// const, an enum with null, numeric exclusive bounds and
// unevaluatedProperties: false, all judged in the single pass.
var (
	bench31Conforming = []byte(`{
  "id": "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh",
  "kind": "webhook",
  "name": "My Awesome Webhook",
  "targetUrl": "https://example.com/mywebhook",
  "resource": "messages",
  "event": "created",
  "filter": "roomId=Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
  "secret": null,
  "status": "active",
  "created": "2015-10-18T14:26:16.000Z",
  "ownedBy": null,
  "priority": 10,
  "retries": null,
  "tags": ["chat", "alerts"],
  "owner": {"id": "u1", "email": null}
}`)
	bench31Deviating = []byte(`{
  "id": "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh",
  "kind": "hook",
  "name": "My Awesome Webhook",
  "targetUrl": "/mywebhook",
  "resource": "someNewResource",
  "event": "created",
  "filter": 7,
  "status": "active",
  "created": "2015-10-18T14:26:16",
  "ownedBy": "nobody",
  "priority": 100,
  "retries": null,
  "tags": ["chat", null],
  "color": "blue"
}`)
	bench31Bodies = []struct {
		name string
		body []byte
	}{{"conforming", bench31Conforming}, {"deviating", bench31Deviating}}
)

func bench31Doc(t testing.TB) []byte {
	t.Helper()
	doc, err := os.ReadFile("testdata/oas31/bench.yaml")
	require.NoError(t, err)
	return doc
}

func bench31Exchange(body []byte) *Exchange {
	x := exchange(http.MethodGet, "/v1/webhooks/abc", 200, "", jsonCT)
	x.Request.URL.Host = "api.example.com"
	x.Response.Body = body
	return x
}

// The 3.1 keywords of the benchmark document are all on the fast path, and
// a conforming body costs no allocation.
func TestOAS31FastPath(t *testing.T) {
	e, err := New(bench31Doc(t))
	require.NoError(t, err)
	assert.Empty(t, e.SlowSchemas())
	x := bench31Exchange(bench31Conforming)
	require.Empty(t, e.Validate(x))
	assert.Zero(t, testing.AllocsPerRun(100, func() { e.Validate(x) }))
	var rules []string
	for _, f := range e.Validate(bench31Exchange(bench31Deviating)) {
		rules = append(rules, f.Rule.ID()+" "+f.Pointer)
	}
	assert.Equal(t, []string{
		"body.constraint /kind", "body.format /targetUrl", "body.enum /resource", "body.type /filter",
		"body.format /created", "body.enum /ownedBy", "body.constraint /priority", "body.type /tags/1",
		"body.additional /color",
	}, rules)
}

// BenchmarkValidate31 judges one exchange (route, status, headers, body)
// on the 3.1 document; BenchmarkKinOpenAPI31 is kin-openapi doing the same
// (router and options built once), which on a 3.1 document validates with
// its JSON Schema 2020-12 path.
func BenchmarkValidate31(b *testing.B) {
	e, err := New(bench31Doc(b))
	require.NoError(b, err)
	for _, bb := range bench31Bodies {
		b.Run(bb.name, func(b *testing.B) {
			x := bench31Exchange(bb.body)
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

func BenchmarkKinOpenAPI31(b *testing.B) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(bench31Doc(b))
	require.NoError(b, err)
	require.NoError(b, doc.Validate(loader.Context))
	router, err := gorillamux.NewRouter(doc)
	require.NoError(b, err)
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	ctx := context.Background()
	for _, bb := range bench31Bodies {
		b.Run(bb.name, func(b *testing.B) {
			x := bench31Exchange(bb.body)
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
			if bb.name == "conforming" && wantErr {
				b.Fatalf("kin-openapi refuses the conforming body: %v", run())
			}
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
