package conformance

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The vendor's own OpenAPI documents for the rest of Webex (testdata/webex,
// CC BY 4.0): large, real, and with the defects real documents have.
var webexDocs = []string{"messaging", "meeting", "device", "admin", "contact-center"}

func readWebexDoc(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open("testdata/webex/webex-" + name + ".json.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	doc, err := io.ReadAll(zr)
	require.NoError(t, err)
	return doc
}

// webexDifferences: what the engine reports on an example that kin-openapi
// does not, on purpose.
func webexDifference(f Finding) string {
	switch {
	case f.Rule == RuleBodyUndocumented:
		return "undocumented properties are drift; kin-openapi has no such rule"
	case f.Rule == RuleBodyFormat && f.Expected == "uri":
		return "kin-openapi checks no uri format"
	case f.Rule == RuleBodyFormat && f.Expected == "date-time" && dateTimeDisagreement(unquoteActual(f.Actual)):
		return "date-time: lower-case t/z and leap seconds (see dateTimeDisagreement)"
	}
	return ""
}

// exampleBodies lists a media type's example and examples, as JSON.
func exampleBodies(mt *openapi3.MediaType) map[string][]byte {
	out := map[string][]byte{}
	add := func(name string, v any) {
		if v == nil {
			return
		}
		if raw, err := json.Marshal(v); err == nil {
			out[name] = raw
		}
	}
	add("example", mt.Example)
	for name, ex := range mt.Examples {
		if ex != nil && ex.Value != nil {
			add("examples."+name, ex.Value.Value)
		}
	}
	return out
}

// statusFor is a status a response key stands for.
func statusFor(code string) int {
	switch {
	case code == "default":
		return 599
	case strings.HasSuffix(strings.ToUpper(code), "XX"):
		n, _ := strconv.Atoi(code[:1])
		return n * 100
	}
	n, _ := strconv.Atoi(code)
	return n
}

// TestWebexDocuments loads each document unmodified and judges every JSON
// response example it holds: every error the engine reports on an example
// must be one kin-openapi's ValidateResponse reports too (at the same place
// or one above it), or a listed deliberate difference. The examples that
// break their schemas are the document's own defects: lint lists them.
func TestWebexDocuments(t *testing.T) {
	t.Parallel()
	for _, name := range webexDocs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := readWebexDoc(t, name)
			e, err := New(doc)
			require.NoError(t, err)
			assert.NotEmpty(t, e.SpecNotes(), "the documents have known defects")
			byRoute := map[string]string{}
			for id, op := range e.ops {
				byRoute[op.Method+" "+op.PathTemplate] = id
			}
			kinDoc := e.doc
			judged, engineErrs, differences := 0, 0, 0
			for _, tmpl := range sortedKeys(kinDoc.Paths.Map()) {
				item := kinDoc.Paths.Value(tmpl)
				for method, op := range item.Operations() {
					method = strings.ToUpper(method)
					id := byRoute[method+" "+tmpl]
					require.NotEmpty(t, id, "%s %s is routed", method, tmpl)
					if op.Responses == nil {
						continue
					}
					for code, ref := range op.Responses.Map() {
						if ref == nil || ref.Value == nil {
							continue
						}
						status := statusFor(code)
						for mediaName, mt := range ref.Value.Content {
							if mt == nil || !isJSONMedia(strings.ToLower(strings.TrimSpace(strings.Split(mediaName, ";")[0]))) {
								continue
							}
							bodies := exampleBodies(mt)
							names := sortedKeys(bodies)
							for _, exName := range names {
								body := bodies[exName]
								where := method + " " + tmpl + " " + code + " " + mediaName + " " + exName
								ct := mediaName
								if strings.Contains(ct, "*") {
									ct = "application/json"
								}
								x := &Exchange{Operation: id, Response: Response{Status: status, Header: http.Header{"Content-Type": {ct}}, Body: body}}
								judged++
								var errs []Finding
								for _, f := range e.Validate(x) {
									if strings.HasPrefix(f.Rule.ID(), "header.") {
										continue // examples come without headers
									}
									if webexDifference(f) != "" {
										differences++
										continue
									}
									errs = append(errs, f)
								}
								if len(errs) == 0 {
									continue
								}
								engineErrs += len(errs)
								kinAt := kinResponsePlaces(t, kinDoc, item, op, tmpl, method, status, ct, body)
								var at []string
								for _, f := range errs {
									at = append(at, f.Pointer)
								}
								for _, f := range errs {
									assert.True(t, coveredBy(f.Pointer, kinAt), "%s: the engine reports %s at %q (%s); kin-openapi only at %q", where, f.Rule, f.Pointer, f.Message, kinAt)
								}
							}
						}
					}
				}
			}
			t.Logf("%s: %d response examples judged, %d engine errors (each also kin-openapi's), %d deliberate differences, %d spec notes",
				name, judged, engineErrs, differences, len(e.SpecNotes()))
			assert.NotZero(t, judged)
		})
	}
}

func coveredBy(p string, places []string) bool {
	for _, q := range places {
		if p == q || q == "" || strings.HasPrefix(p, q+"/") || strings.HasPrefix(q, p+"/") {
			return true
		}
	}
	return false
}

// kinResponsePlaces runs openapi3filter.ValidateResponse on one response
// and returns the pointers of its schema errors.
func kinResponsePlaces(t *testing.T, doc *openapi3.T, item *openapi3.PathItem, op *openapi3.Operation, tmpl, method string, status int, ct string, body []byte) []string {
	t.Helper()
	u, _ := url.Parse("https://example.com" + path.Clean("/"+tmpl))
	req := &http.Request{Method: method, URL: u, Header: http.Header{}}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: doc, Path: tmpl, PathItem: item, Method: method, Operation: op},
			Options: &openapi3filter.Options{ExcludeRequestBody: true},
		},
		Status:  status,
		Header:  http.Header{"Content-Type": {ct}},
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	in.SetBodyBytes(body)
	err := openapi3filter.ValidateResponse(context.Background(), in)
	if err == nil {
		return nil
	}
	var at []string
	var collect func(err error)
	collect = func(err error) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, x := range e {
				collect(x)
			}
		case *openapi3filter.ResponseError:
			if e.Err != nil {
				collect(e.Err)
			} else {
				at = append(at, "")
			}
		case *openapi3.SchemaError:
			at = append(at, schemaErrorIssue(e, "").pointer)
		default:
			at = append(at, "")
		}
	}
	collect(err)
	sort.Strings(at)
	return at
}

// BenchmarkNewWebex: loading and compiling the largest document
// (contact-center, 3.3 MB) with New, against kin-openapi loading and
// validating it (examples, defaults and patterns included, as New did
// before) in the same run.
func BenchmarkNewWebex(b *testing.B) {
	doc := readWebexDoc(b, "contact-center")
	b.Run("engine.New", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		var e *Engine
		for b.Loop() {
			var err error
			if e, err = New(doc); err != nil {
				b.Fatal(err)
			}
		}
		// What an engine keeps: the heap with it alive, over the heap
		// without it.
		var with, without runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&with)
		runtime.KeepAlive(e)
		e = nil
		runtime.GC()
		runtime.ReadMemStats(&without)
		b.ReportMetric(float64(int64(with.HeapAlloc)-int64(without.HeapAlloc))/(1<<20), "retained-MiB")
	})
	b.Run("kin.LoadAndValidate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			l := openapi3.NewLoader()
			d, err := l.LoadFromData(bytes.Clone(doc))
			if err != nil {
				b.Fatal(err)
			}
			_ = d.Validate(l.Context, openapi3.EnableMultiError())
		}
	})
}
