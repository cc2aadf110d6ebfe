package peers

import (
	"bytes"
	"context"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

var (
	docsOnce sync.Once
	docs     []*Doc
	docsErr  error
)

func loadDocs(tb testing.TB) []*Doc {
	docsOnce.Do(func() { docs, docsErr = Load() })
	require.NoError(tb, docsErr)
	return docs
}

// judge is one validator's verdict on one exchange: whether it found
// nothing wrong with the response.
type judge func(x *Exchange) bool

func newEngine(tb testing.TB, spec []byte) judge {
	e, err := conformance.New(spec)
	require.NoError(tb, err)
	return func(x *Exchange) bool { return len(e.ValidateResponse(x.EngineExchange())) == 0 }
}

func kinLoad(spec []byte) (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
}

// newKin is the plain kin-openapi way: the route found per request, the
// response validated with every error collected.
func newKin(tb testing.TB, spec []byte) judge {
	router, err := kinLoad(spec)
	require.NoError(tb, err)
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	ctx := context.Background()
	return func(x *Exchange) bool {
		req, resp := x.HTTP()
		route, params, err := router.FindRoute(req)
		if err != nil {
			return false
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Body:                   resp.Body,
			Options:                opts,
		}
		return openapi3filter.ValidateResponse(ctx, in) == nil
	}
}

// libConfig is libopenapi's configuration for these documents. GitHub's
// examples hold "$ref" members that are data (links to api.github.com),
// which libopenapi would otherwise try to resolve and, unable to, build no
// model at all.
var libConfig = &datamodel.DocumentConfiguration{SkipExternalRefResolution: true}

// libLoad builds libopenapi's document, its model and the validator. On
// Stripe's document libopenapi reports the expandable fields (anyOf a
// string or the object, whose properties lead back to it) as infinite
// circular references; it builds the model all the same, and the
// validator is built from that model, as validator.NewValidator would
// without the errors.
func libLoad(spec []byte) (validator.Validator, error) {
	doc, err := libopenapi.NewDocumentWithConfiguration(spec, libConfig)
	if err != nil {
		return nil, err
	}
	m, err := doc.BuildV3Model()
	if m == nil {
		return nil, err
	}
	return validator.NewValidatorFromV3Model(&m.Model), nil
}

func newLib(tb testing.TB, spec []byte) judge {
	v, err := libLoad(spec)
	require.NoError(tb, err)
	return func(x *Exchange) bool {
		req, resp := x.HTTP()
		ok, _ := v.ValidateHttpResponse(req, resp)
		return ok
	}
}

var peers = []struct {
	name string
	make func(testing.TB, []byte) judge
}{{"engine", newEngine}, {"kin-openapi", newKin}, {"libopenapi-validator", newLib}}

var (
	judgesMu sync.Mutex
	judges   = map[string]judge{}
)

// cachedJudge makes each peer's judge of a document once per process: a
// benchmark function runs several times, and libopenapi-validator takes
// minutes to load these documents.
func cachedJudge(tb testing.TB, key string, mk func(testing.TB, []byte) judge, spec []byte) judge {
	judgesMu.Lock()
	defer judgesMu.Unlock()
	j, ok := judges[key]
	if !ok {
		j = mk(tb, spec)
		judges[key] = j
	}
	return j
}

// BenchmarkExchange judges every exchange of a document once per
// iteration; ns/exchange is the time per response, routing included. Each
// exchange is judged once before the timing: the engine compiles an
// operation when it first judges it, and the peers fill their caches.
func BenchmarkExchange(b *testing.B) {
	for _, d := range loadDocs(b) {
		for _, p := range peers {
			b.Run(d.Name+"/"+p.name, func(b *testing.B) {
				j := cachedJudge(b, d.Name+"/"+p.name, p.make, d.Spec)
				for i := range d.Exchanges {
					j(&d.Exchanges[i])
				}
				b.ReportAllocs()
				for b.Loop() {
					for i := range d.Exchanges {
						j(&d.Exchanges[i])
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(d.Exchanges)), "ns/exchange")
			})
		}
	}
}

// BenchmarkLoad is the time from the document's bytes to a validator
// ready to judge: the engine's New (which compiles each operation when it
// is first judged), New with every operation compiled, kin-openapi's
// loader and router, libopenapi's document and validator. retained-MB is
// the heap one loaded validator keeps after a collection, and
// retained/doc that over the document's size.
func BenchmarkLoad(b *testing.B) {
	loads := []struct {
		name string
		load func([]byte) (any, error)
	}{
		{"engine", func(spec []byte) (any, error) { return conformance.New(spec) }},
		{"engine-all-compiled", func(spec []byte) (any, error) {
			e, err := conformance.New(spec)
			if err == nil {
				e.NewCoverage().Report() // lists every documented part: compiles every operation
			}
			return e, err
		}},
		{"kin-openapi", func(spec []byte) (any, error) { return kinLoad(spec) }},
		{"libopenapi-validator", func(spec []byte) (any, error) { return libLoad(spec) }},
	}
	for _, d := range loadDocs(b) {
		for _, l := range loads {
			b.Run(d.Name+"/"+l.name, func(b *testing.B) {
				b.SetBytes(int64(len(d.Spec)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := l.load(d.Spec); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				spec := bytes.Clone(d.Spec) // what the validator keeps of it counts
				v, _ := l.load(spec)
				runtime.GC()
				runtime.ReadMemStats(&after)
				runtime.KeepAlive(v)
				kept := float64(after.HeapAlloc) - float64(before.HeapAlloc)
				b.ReportMetric(kept/1e6, "retained-MB")
				b.ReportMetric(kept/float64(len(d.Spec)), "retained/doc")
			})
		}
	}
}

// TestExchangesFound: the examples and fixtures give enough responses to
// measure by.
func TestExchangesFound(t *testing.T) {
	for _, d := range loadDocs(t) {
		require.Greater(t, len(d.Exchanges), 50, d.Name)
		t.Logf("%s: %d exchanges", d.Name, len(d.Exchanges))
	}
}

// deliberate are the engine's findings kin-openapi does not make by
// design: drift it does not look for.
var deliberate = map[string]bool{
	conformance.RuleBodyUndocumented.ID(): true, // a property no schema declares
	conformance.RuleBodyDuplicate.ID():    true, // a property given twice
}

// TestNoFindingWhereKinFindsNone: on every example and fixture kin-openapi
// passes, the engine finds nothing either, the deliberate differences
// aside.
func TestNoFindingWhereKinFindsNone(t *testing.T) {
	if testing.Short() {
		t.Skip("loads two large documents")
	}
	for _, d := range loadDocs(t) {
		t.Run(d.Name, func(t *testing.T) {
			e, err := conformance.New(d.Spec)
			require.NoError(t, err)
			kin := newKin(t, d.Spec)
			passed, wrong := 0, map[string]int{}
			for i := range d.Exchanges {
				x := &d.Exchanges[i]
				if !kin(x) {
					continue
				}
				passed++
				for _, f := range e.ValidateResponse(x.EngineExchange()) {
					if !deliberate[f.Rule.ID()] {
						wrong[f.Rule.ID()]++
						t.Errorf("%s %d %s: %s %s: %s", x.Operation, x.Status, x.URL.Path, f.Rule, f.Pointer, f.Message)
					}
				}
			}
			rules := make([]string, 0, len(wrong))
			for r := range wrong {
				rules = append(rules, r)
			}
			sort.Strings(rules)
			t.Logf("%s: kin-openapi passes %d of %d exchanges; engine findings there: %v", d.Name, passed, len(d.Exchanges), wrong)
		})
	}
}

var _ = http.MethodGet
