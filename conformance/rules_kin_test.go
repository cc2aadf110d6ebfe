package conformance

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kinSpec has one operation per schema construct the fast path leaves to
// kin-openapi; each response schema is judged by kin as a whole.
const kinSpec = `
openapi: 3.0.3
info: {title: Kin, version: 1.0.0}
servers: [{url: /}]
paths:
  /all: {get: {operationId: all, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/AllOf'}}}}}}}
  /one: {get: {operationId: one, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}}}}
  /disc: {get: {operationId: disc, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Shape'}}}}}}}
  /any: {get: {operationId: any, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/AnyOf'}}}}}}}
  /plain: {get: {operationId: plain, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Plain'}}}}}}}
  /list: {get: {operationId: list, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/List'}}}}}}}
  /open: {get: {operationId: open, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Open'}}}}}}}
  /closed: {get: {operationId: closed, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Closed'}}}}}}}
  /map: {get: {operationId: map, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Map'}}}}}}}
  /reqmap: {get: {operationId: reqmap, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/ReqMap'}}}}}}}
  /free: {get: {operationId: free, responses: {'200': {description: ok, content: {application/json: {schema: {type: object, minProperties: 1}}}}}}}
components:
  schemas:
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string, pattern: '^[a-z]+$'}
        meta:
          type: object
          properties:
            a: {type: integer}
    AllOf:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [extra]
          properties:
            color: {type: string}
    Cat:
      type: object
      required: [kind, meow]
      properties:
        kind: {type: string, enum: [cat]}
        meow: {type: boolean}
    Dog:
      type: object
      required: [kind, bark]
      properties:
        kind: {type: string, enum: [dog]}
        bark: {type: boolean}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
    Square:
      type: object
      required: [type]
      properties:
        type: {type: string}
        side: {type: number}
    Circle:
      type: object
      required: [type]
      properties:
        type: {type: string}
        radius: {type: number}
    Shape:
      oneOf:
        - $ref: '#/components/schemas/Square'
        - $ref: '#/components/schemas/Circle'
      discriminator:
        propertyName: type
        mapping:
          square: '#/components/schemas/Square'
          circle: Circle
    AnyOf:
      type: object
      properties:
        id: {type: string}
      anyOf:
        - {type: object, required: [a], properties: {a: {type: string}}}
        - {type: object, required: [b], properties: {b: {type: string}}}
    Plain:
      type: object
      minProperties: 1
      properties:
        nested:
          type: object
          properties:
            y: {type: string}
            deeper:
              type: object
              properties:
                z: {type: string}
        clientSecret:
          type: object
          properties:
            v: {type: string}
    List:
      type: array
      uniqueItems: true
      items:
        type: object
        properties:
          a: {type: string}
    Open:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          additionalProperties: true
    Closed:
      type: object
      minProperties: 1
      additionalProperties: false
      properties:
        a: {type: string}
    ReqMap:
      type: object
      minProperties: 1
      required: [fixed]
      additionalProperties:
        type: object
        properties:
          z: {type: string}
    Map:
      type: object
      minProperties: 1
      additionalProperties:
        type: object
        properties:
          z: {type: string}
`

var testKinEngine = onceEngine(func() (*Engine, error) { return New([]byte(kinSpec)) })

// TestUndocumentedInsideKinSchemas: body.undocumented fires inside schemas
// kin-openapi judges where "documented" is well-defined, and stays quiet
// where it is not.
func TestUndocumentedInsideKinSchemas(t *testing.T) {
	t.Parallel()
	e := testKinEngine(t)
	tests := []struct {
		name, path, body string
		undocumented     []string // pointers of the body.undocumented findings
		others           []Rule   // rules of the other findings, sorted
	}{
		{"allOf: union of the branches", "/all", `{"id":"a","extra":1,"color":"red","meta":{"a":1}}`, nil, nil},
		{"allOf: a property no branch declares", "/all", `{"id":"a","extra":1,"size":3}`, []string{"/size"}, nil},
		{"allOf: at depth, in a branch's object", "/all", `{"id":"a","extra":1,"meta":{"a":1,"b":2}}`, []string{"/meta/b"}, nil},
		{"allOf: beside kin's own finding", "/all", `{"id":"A","extra":1,"size":3}`, []string{"/size"}, []Rule{RuleBodyConstraint}},
		{"oneOf: the matched branch's properties", "/one", `{"kind":"cat","meow":true}`, nil, nil},
		{"oneOf: a property the matched branch lacks", "/one", `{"kind":"dog","bark":true,"meow":false}`, []string{"/meow"}, nil},
		{"oneOf: no branch matches, skipped", "/one", `{"kind":"cow","moo":true}`, nil, []Rule{RuleBodyConstraint, RuleBodyRequired}},
		{"discriminator picks the branch", "/disc", `{"type":"circle","radius":1,"side":2}`, []string{"/side"}, nil},
		{"discriminator: a conforming circle", "/disc", `{"type":"circle","radius":1}`, nil, nil},
		{"discriminator: an unmapped value, skipped", "/disc", `{"type":"hexagon","edges":6}`, nil, []Rule{RuleBodyConstraint}},
		{"anyOf: every matched branch documents", "/any", `{"id":"x","a":"1","b":"2"}`, nil, nil},
		{"anyOf: beyond the matched branches", "/any", `{"id":"x","a":"1","c":"3"}`, []string{"/c"}, nil},
		{"anyOf: no branch matches, skipped", "/any", `{"id":"x","c":"3"}`, nil, []Rule{RuleBodyRequired}},
		{"plain objects below a kin keyword", "/plain", `{"nested":{"y":"1","deeper":{"z":"2","w":3}},"top":true}`, []string{"/nested/deeper/w", "/top"}, nil},
		{"plain: conforming", "/plain", `{"nested":{"y":"1","deeper":{"z":"2"}}}`, nil, nil},
		{"array items", "/list", `[{"a":"1"},{"a":"2","b~/":3}]`, []string{"/1/b~0~1"}, nil},
		{"additionalProperties: true allows", "/open", `{"id":"a","anything":1}`, nil, nil},
		{"additionalProperties: false is kin's finding", "/closed", `{"a":"x","b":1}`, nil, []Rule{RuleBodyAdditional}},
		{"additionalProperties schema judges the values", "/map", `{"k1":{"z":"1"},"k2":{"z":"2","q":3}}`, []string{"/k2/q"}, nil},
		{"a required name without a schema is judged by additionalProperties", "/reqmap", `{"fixed":{"z":"1","q":2},"other":{"z":"2"}}`, []string{"/fixed/q"}, nil},
		{"a free-form object documents no names", "/free", `{"whatever":{"deep":1}}`, nil, nil},
		{"a value of the wrong type is not walked", "/plain", `{"nested":[{"q":1}]}`, nil, []Rule{RuleBodyType}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := e.Validate(exchange(http.MethodGet, tc.path, 200, tc.body, jsonCT))
			var undoc []string
			var others []Rule
			for _, f := range fs {
				if f.Rule == RuleBodyUndocumented {
					undoc = append(undoc, f.Pointer)
					assert.Equal(t, SeverityDrift, f.Severity)
					assert.NotEmpty(t, f.Actual)
					assert.Equal(t, tc.path[1:], f.Operation)
					continue
				}
				others = append(others, f.Rule)
			}
			sort.Slice(others, func(i, j int) bool { return others[i].ID() < others[j].ID() })
			assert.Equal(t, tc.undocumented, undoc, "%+v", fs)
			assert.Equal(t, tc.others, others, "%+v", fs)
		})
	}
}

func TestUndocumentedInsideKinSchemasRedactsSecrets(t *testing.T) {
	t.Parallel()
	fs := testKinEngine(t).Validate(exchange(http.MethodGet, "/plain", 200, `{"clientSecret":{"v":"1","leak":"hunter2-value"}}`, jsonCT))
	require.Len(t, fs, 1)
	assert.Equal(t, RuleBodyUndocumented, fs[0].Rule)
	assert.Equal(t, "/clientSecret/leak", fs[0].Pointer)
	assert.Equal(t, "[redacted]", fs[0].Actual)
	assert.Equal(t, `property "leak" is not documented`, fs[0].Message)
}

// TestEmbeddedSpecNeverNeedsKin: every response schema of the embedded spec
// is judged by the fast path, so its speed does not depend on kin-openapi.
func TestEmbeddedSpecNeverNeedsKin(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	seen := map[*schemaNode]bool{}
	var visit func(where string, n *schemaNode)
	visit = func(where string, n *schemaNode) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		assert.False(t, n.slow, "%s is left to kin-openapi", where)
		visit(where+"/items", n.items)
		visit(where+"/additionalProperties", n.addlNode)
		for _, p := range n.props.slots {
			if p != nil {
				visit(where+"/"+p.name, p.node)
			}
		}
	}
	for id, op := range e.ops {
		rs := append([]*response{op.fallback}, op.byRange[:]...)
		for _, r := range op.byStatus {
			rs = append(rs, r)
		}
		for _, r := range rs {
			if r == nil {
				continue
			}
			for _, m := range r.media {
				visit(id+" "+m.name, m.body)
			}
			for _, h := range r.headers {
				visit(id+" header "+h.name, h.node)
			}
		}
	}
	assert.NotEmpty(t, seen)
}

// FuzzKinUndocumented: on any body, every body.undocumented finding inside
// a kin-judged schema names a property the body really has, and the engine
// never fails internally.
func FuzzKinUndocumented(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a","extra":1,"size":3,"meta":{"a":1,"b":2}}`, `{"kind":"dog","bark":true,"meow":false}`,
		`{"type":"circle","radius":1,"side":2}`, `{"id":"x","a":"1","c":"3"}`, `[{"a":"1"},{"a":"2","b~/":3}]`,
		`{"nested":{"y":"1","deeper":{"z":"2","w":3}},"clientSecret":{"leak":"x"}}`, `{"k1":{"z":"1","q":[{}]}}`, `{}`, `[]`, `null`,
	} {
		f.Add(seed)
	}
	paths := []string{"/all", "/one", "/disc", "/any", "/plain", "/list", "/open", "/closed", "/map", "/reqmap", "/free"}
	e := testKinEngine(f)
	f.Fuzz(func(t *testing.T, body string) {
		var doc any
		valid := json.Unmarshal([]byte(body), &doc) == nil
		for _, p := range paths {
			for _, fd := range e.Validate(exchange(http.MethodGet, p, 200, body, jsonCT)) {
				require.NotEqual(t, RuleEngineInternal, fd.Rule, fd.Message)
				if fd.Rule != RuleBodyUndocumented {
					continue
				}
				require.True(t, valid, "an undocumented property in a body that is not JSON")
				_, ok := resolvePointer(doc, fd.Pointer)
				require.True(t, ok, "%s: pointer %q names nothing in %s", p, fd.Pointer, body)
			}
		}
	})
}

// resolvePointer follows an RFC 6901 pointer into a decoded JSON value.
func resolvePointer(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// BenchmarkValidateKinSchema measures bodies judged by kin-openapi as a
// whole (an allOf), where body.undocumented needs a walk of its own: one
// that conforms and one with two undocumented properties.
func BenchmarkValidateKinSchema(b *testing.B) {
	e := testKinEngine(b)
	for _, bc := range []struct{ name, body string }{
		{"conforming", `{"id":"abc","extra":1,"color":"red","meta":{"a":1}}`},
		{"undocumented", `{"id":"abc","extra":1,"color":"red","meta":{"a":1,"b":2},"size":3}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			x := exchange(http.MethodGet, "/all", 200, bc.body, jsonCT, tracking)
			b.SetBytes(int64(len(x.Response.Body)))
			b.ReportAllocs()
			for b.Loop() {
				e.Validate(x)
			}
		})
	}
}
