package conformance

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/webex-conformance/webhooks/api"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lazyExchanges are, for every operation and documented status of e, a
// conforming-looking and a deviating exchange.
func lazyExchanges(t *testing.T, e *Engine) []*Exchange {
	t.Helper()
	var out []*Exchange
	for _, d := range e.Operations() {
		if d.Responses == nil {
			continue
		}
		for _, code := range sortedKeys(d.Responses.Map()) {
			status, err := strconv.Atoi(code)
			if err != nil {
				status = 500
			}
			for _, body := range []string{`{}`, `{"id": 5, "items": 3, "name": [], "created": "yesterday"}`, `[1, {"a": null}]`} {
				out = append(out, &Exchange{
					Operation: d.ID,
					Request:   Request{Method: d.Method, URL: &url.URL{Path: "/x"}, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)},
					Response:  Response{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)},
				})
			}
		}
	}
	return out
}

// TestLazyCompileMatchesEager: a document compiled operation by
// operation, from many goroutines at once, judges every exchange as the
// whole load does, and its coverage report is the same.
func TestLazyCompileMatchesEager(t *testing.T) {
	t.Parallel()
	doc := readWebexDoc(t, "messaging")
	eager, err := New(doc, WithEagerCompile())
	require.NoError(t, err)
	require.Nil(t, eager.lazy)
	lazy, err := New(doc)
	require.NoError(t, err)
	require.NotNil(t, lazy.lazy, "a 3.0 JSON document is compiled lazily")

	xs := lazyExchanges(t, eager)
	require.NotEmpty(t, xs)
	want := make([][]Finding, len(xs))
	wantCov := eager.NewCoverage()
	for i, x := range xs {
		x.Coverage = wantCov
		want[i] = eager.ValidateExchange(x)
	}

	got := make([][]Finding, len(xs))
	covs := make([]*Coverage, 8)
	var wg sync.WaitGroup
	for g := range covs {
		covs[g] = lazy.NewCoverage()
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < len(xs); i += len(covs) {
				x := *xs[i]
				x.Coverage = covs[g]
				got[i] = lazy.ValidateExchange(&x)
			}
		}(g)
	}
	wg.Wait()
	for i := range xs {
		assert.Equal(t, want[i], got[i], "%s %d", xs[i].Operation, xs[i].Response.Status)
	}
	gotCov := lazy.NewCoverage()
	for _, c := range covs {
		gotCov.Merge(c)
	}
	assert.Equal(t, wantCov.Report(), gotCov.Report())
	assert.Equal(t, eager.SpecNotes(), lazy.SpecNotes())
	assert.Equal(t, eager.SlowSchemas(), lazy.SlowSchemas())
	assert.Equal(t, eager.RequestHeaderNames(), lazy.RequestHeaderNames())
	assert.Equal(t, eager.BasePaths(), lazy.BasePaths())
	assert.Equal(t, eager.SpecInfo(), lazy.SpecInfo())
	assert.Equal(t, len(eager.Operations()), len(lazy.Operations()))
}

// TestLazyReleasesWhatOnlyCompilingReads: once every operation is
// compiled, the decoded components, the schemas' pointers and the
// compiler's memo are let go, and the engine still judges every exchange
// and reports coverage as the whole load does.
func TestLazyReleasesWhatOnlyCompilingReads(t *testing.T) {
	t.Parallel()
	doc := readWebexDoc(t, "messaging")
	eager, err := New(doc, WithEagerCompile())
	require.NoError(t, err)
	lazy, err := New(doc)
	require.NoError(t, err)
	require.NotNil(t, lazy.lazy)
	require.NotNil(t, lazy.lazy.comps, "nothing is released before every operation is compiled")

	assert.Equal(t, eager.NewCoverage().Report(), lazy.NewCoverage().Report()) // compiles every operation
	assert.Zero(t, lazy.lazy.left)
	assert.Nil(t, lazy.lazy.comps)
	assert.Nil(t, lazy.lazy.names)
	assert.Nil(t, lazy.lazy.sc.memo)
	assert.Nil(t, lazy.cov.names)
	assert.Nil(t, lazy.cov.visited)

	xs := lazyExchanges(t, eager)
	require.NotEmpty(t, xs)
	wantCov, gotCov := eager.NewCoverage(), lazy.NewCoverage()
	for _, x := range xs {
		want, got := *x, *x
		want.Coverage, got.Coverage = wantCov, gotCov
		assert.Equal(t, eager.ValidateExchange(&want), lazy.ValidateExchange(&got), "%s %d", x.Operation, x.Response.Status)
	}
	assert.Equal(t, wantCov.Report(), gotCov.Report())
	assert.Equal(t, eager.SpecNotes(), lazy.SpecNotes())
	assert.Equal(t, eager.SlowSchemas(), lazy.SlowSchemas())
}

const lazyDefectSpec = `{
  "openapi": "3.0.3",
  "info": {"title": "lazy", "version": "1"},
  "servers": [{"url": "https://api.example.com/{v}", "variables": {"v": {"default": "v2"}}}],
  "paths": {
    "/nodes/{id}": {
      "parameters": [{"$ref": "#/components/parameters/id"}],
      "get": {
        "operationId": "getNode",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}
      },
      "delete": {
        "operationId": "deleteNode",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Broken"}}}}}
      }
    }
  },
  "components": {
    "parameters": {"id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
    "schemas": {
      "Node": {"$ref": "#/components/schemas/NodeBody"},
      "NodeBody": {
        "type": "object",
        "required": ["name"],
        "properties": {
          "name": {"type": "string"},
          "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        }
      },
      "Broken": {"type": "object", "required": 5}
    }
  }
}`

// TestLazyDefectInALaterOperation: a defect inside one operation does not
// stop the others from being judged; that operation's exchanges get a
// clear finding, the notes list it, and an eager load refuses the document
// as before.
func TestLazyDefectInALaterOperation(t *testing.T) {
	t.Parallel()
	e, err := New([]byte(lazyDefectSpec))
	require.NoError(t, err)
	require.NotNil(t, e.lazy)
	assert.Equal(t, []string{"/v2"}, e.BasePaths())

	get := func(method, body string) []Finding {
		u, _ := url.Parse("https://api.example.com/v2/nodes/7")
		return e.Validate(&Exchange{
			Request:  Request{Method: method, URL: u},
			Response: Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)},
		})
	}
	// The $ref cycle (Node, through a chain of references, holds Nodes).
	assert.Empty(t, get("GET", `{"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}`))
	fs := get("GET", `{"name": "a", "children": [{"children": []}]}`)
	require.Len(t, fs, 1)
	assert.Equal(t, RuleBodyRequired, fs[0].Rule)
	assert.Equal(t, "/children/0/name", fs[0].Pointer)

	fs = get("DELETE", `{}`)
	require.Len(t, fs, 1)
	assert.Equal(t, RuleSpecInvalid, fs[0].Rule)
	assert.Equal(t, "deleteNode", fs[0].Operation)
	assert.Contains(t, fs[0].Message, "components schemas Broken")
	assert.Contains(t, fs[0].Message, "its exchanges are not judged")
	assert.Equal(t, fs[0].Message, e.Unjudged("deleteNode"))
	assert.Empty(t, e.Unjudged("getNode"))
	assert.Empty(t, e.Unjudged("noSuchOperation"))

	// The request half is not judged either, and not passed: it gets the
	// same finding, once for the whole exchange.
	u, _ := url.Parse("https://api.example.com/v2/nodes/7")
	cov := e.NewCoverage()
	del := &Exchange{Request: Request{Method: "DELETE", URL: u}, Response: Response{Status: 200}, Coverage: cov}
	req := e.ValidateRequest(del)
	require.Len(t, req, 1)
	assert.Equal(t, RuleSpecInvalid, req[0].Rule)
	both := e.ValidateExchange(del)
	require.Len(t, both, 1)
	assert.Equal(t, RuleSpecInvalid, both[0].Rule)
	var seen bool
	for _, op := range cov.Report().Operations {
		if op.Operation == "deleteNode" {
			seen = true
			assert.Zero(t, op.Exchanges, "an exchange not judged is not counted as covered")
			assert.Zero(t, op.Requests)
		}
	}
	assert.True(t, seen, "the coverage plan lists the operation")

	var noted bool
	for _, n := range e.SpecNotes() {
		noted = noted || n.Rule == RuleSpecInvalid && strings.Contains(n.Message, "cannot be read")
	}
	assert.True(t, noted, "the defect is a note")

	_, err = New([]byte(lazyDefectSpec), WithEagerCompile())
	require.Error(t, err, "loaded whole, the document is refused")
}

// TestIndexFallsBackToTheWholeLoad: what the index does not read is
// loaded whole, with that load's verdict.
func TestIndexFallsBackToTheWholeLoad(t *testing.T) {
	t.Parallel()
	for name, spec := range map[string]string{
		"external ref": `{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "other.json#/A"}}}}}}}}}`,
		"missing ref":  `{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}}}`,
		"ref loop":     `{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}}`,
		"truncated":    `{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {`,
		"swagger":      `{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}`,
	} {
		_, lazyErr := New([]byte(spec))
		_, eagerErr := New([]byte(spec), WithEagerCompile())
		require.Error(t, lazyErr, name)
		if name == "ref loop" {
			assert.ErrorIs(t, lazyErr, ErrSpecHostile) // the loop is named from either end
			continue
		}
		assert.Equal(t, eagerErr.Error(), lazyErr.Error(), name)
	}
	_, err := New([]byte(`{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}`))
	assert.True(t, errors.Is(err, ErrSpecVersion))
}

// TestIndexReadsOperations: the index finds every operation with its
// operationId, and a duplicate is known by its method and path.
func TestIndexReadsOperations(t *testing.T) {
	t.Parallel()
	spec := `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "x-a": {"$ref": 1},
	  "paths": {"x-ext": {}, "/b": {"post": {"operationId": "op", "responses": {}}, "get": {"operationId": "op", "responses": {}}}, "/a\u0041": {"put": null, "get": {"responses": {"default": {"description": "d"}}}}}}`
	e, err := New([]byte(spec))
	require.NoError(t, err)
	require.NotNil(t, e.lazy)
	var ids []string
	for _, o := range e.cov.ops {
		ids = append(ids, o.ID)
	}
	sort.Strings(ids)
	assert.Equal(t, []string{"GET /aA", "POST /b", "op"}, ids)
	op, ok := e.FindOperation("POST", "/b")
	require.True(t, ok)
	assert.Equal(t, "POST /b", op.ID)
}

// FuzzIndexSpec: whatever the bytes, New neither panics nor hangs, and
// an indexed document's operations compile (or say why not) without a
// panic, and are judged.
func FuzzIndexSpec(f *testing.F) {
	f.Add([]byte(lazyDefectSpec))
	f.Add([]byte(`{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a/{id}": {"get": {"responses": {"200": {"description": "d"}}}}}}`))
	f.Add([]byte(`{"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/p"}], "responses": {"2XX": {"$ref": "#/components/responses/r"}}}}}, "components": {"parameters": {"p": {"name": "p", "in": "query", "schema": {"type": "integer"}}}, "responses": {"r": {"description": "d", "headers": {"X": {"$ref": "#/components/headers/h"}}}}, "headers": {"h": {"schema": {"type": "string"}}}}}`))
	f.Add([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/a/{id}: {get: {responses: {200: {description: d, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}}}}\ncomponents: {schemas: {S: &s {type: object, properties: {a: {type: integer}}}, T: *s}}\n"))
	f.Fuzz(func(t *testing.T, spec []byte) {
		if len(spec) > 64<<10 {
			return
		}
		e, err := New(spec)
		if err != nil || e.lazy == nil {
			return
		}
		u, _ := url.Parse("/a/1")
		for _, o := range e.cov.ops {
			e.Validate(&Exchange{Operation: o.ID, Request: Request{Method: o.Method, URL: u},
				Response: Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"a": 1}`)}})
		}
		e.NewCoverage().Report()
	})
}

// TestLazyJudgingAllocatesNothing: once its operation is compiled, a
// conforming exchange of a lazily compiled document is judged without an
// allocation, as an eagerly compiled one is.
func TestLazyJudgingAllocatesNothing(t *testing.T) {
	e, err := New([]byte(lazyDefectSpec))
	require.NoError(t, err)
	require.NotNil(t, e.lazy)
	u, _ := url.Parse("https://api.example.com/v2/nodes/7")
	x := &Exchange{
		Request:  Request{Method: http.MethodGet, URL: u},
		Response: Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"name": "a", "children": [{"name": "b"}]}`)},
	}
	require.Empty(t, e.Validate(x))
	assert.Zero(t, testing.AllocsPerRun(100, func() { e.Validate(x) }))
}

// TestYAMLIsIndexed: a YAML document is converted to JSON once and
// compiled lazily, judging as the whole load does; what the conversion is
// not sure of is loaded whole.
func TestYAMLIsIndexed(t *testing.T) {
	t.Parallel()
	eager, err := New(api.Spec, WithEagerCompile())
	require.NoError(t, err)
	lazy, err := New(api.Spec)
	require.NoError(t, err)
	require.NotNil(t, lazy.lazy, "the embedded YAML spec is indexed")
	for _, x := range lazyExchanges(t, eager) {
		want := eager.ValidateExchange(x)
		got := lazy.ValidateExchange(x)
		assert.Equal(t, want, got, "%s %d", x.Operation, x.Response.Status)
	}
	assert.Equal(t, eager.SpecNotes(), lazy.SpecNotes())
	assert.Equal(t, eager.RequestHeaderNames(), lazy.RequestHeaderNames())

	for name, spec := range map[string]string{
		"merge key":     "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-base: &b {description: d}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          <<: *b\n",
		"yes word":      "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: yes}\n",
		"timestamp":     "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: 2020-01-01}\n",
		"float openapi": "openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
	} {
		e, err := New([]byte(spec))
		if err == nil {
			assert.Nil(t, e.lazy, name)
		}
	}
	e, err := New([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: d, content: {application/json: {schema: {type: integer, maximum: 0x10}}}}\n"))
	require.NoError(t, err)
	require.NotNil(t, e.lazy)
	fs := e.Validate(&Exchange{Operation: "GET /a", Response: Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`17`)}})
	require.Len(t, fs, 1, "0x10 is read as 16")
	assert.Equal(t, RuleBodyConstraint.ID(), fs[0].Rule.ID())
}
