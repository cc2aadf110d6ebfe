package conformance

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recursiveSpec: a self-referencing anyOf of two objects. Judged the way
// kin-openapi's VisitJSON does it, each nesting level costs three visits
// of the level below (the first branch, the second, and the matched one
// again): a body of some 300 bytes took over a minute.
const recursiveSpec = `openapi: 3.0.3
info: {title: recursive, version: '1'}
paths:
  /node:
    get:
      operationId: getNode
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      anyOf:
        - type: object
          required: [a]
          properties:
            b: {$ref: '#/components/schemas/Node'}
        - type: object
          properties:
            b: {$ref: '#/components/schemas/Node'}
`

var testRecursiveEngine = onceEngine(func() (*Engine, error) { return New([]byte(recursiveSpec)) })

// nestedB is {"b":{"b":...{}...}} nested depth times.
func nestedB(depth int) []byte {
	return []byte(strings.Repeat(`{"b":`, depth) + "{}" + strings.Repeat("}", depth))
}

func TestRecursiveAnyOfIsBounded(t *testing.T) {
	t.Parallel()
	e := testRecursiveEngine(t)
	body := nestedB(50) // 302 bytes
	assert.Empty(t, e.Validate(exchange("GET", "/node", 200, string(body), jsonCT)))

	// Memoized, the judge visits each (schema, value) pair once: the
	// Node schema and its two branches for each of the 51 objects.
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	node := e.wholeDoc().Components.Schemas["Node"].Value
	j := newJudge(len(body), false, dialect{})
	assert.Empty(t, j.visit(node, j.tree(v)))
	assert.LessOrEqual(t, j.spent, 3*51)
	assert.False(t, j.over)

	// A failure at the bottom is found, at its place.
	bad := strings.Replace(string(body), "{}", `{"b":7}`, 1)
	fs := e.Validate(exchange("GET", "/node", 200, bad, jsonCT))
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, RuleBodyType, fs[0].Rule)
	assert.Equal(t, strings.Repeat("/b", 51), fs[0].Pointer)
}

// chainSpec: items judged by a chain of n distinct allOf schemas, so the
// cost per item grows with n however well verdicts are memoized; the same
// list is the request body of POST /list.
func chainSpec(n int) string {
	var b strings.Builder
	list := `{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/S0"}}}}`
	b.WriteString(`{"openapi":"3.0.3","info":{"title":"chain","version":"1"},"paths":{"/list":{` +
		`"get":{"operationId":"list","responses":{"200":{"description":"ok","content":` + list + `}}},` +
		`"post":{"operationId":"post","requestBody":{"content":` + list + `},"responses":{"204":{"description":"ok"}}}}},"components":{"schemas":{`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `"S%d":{"allOf":[{"$ref":"#/components/schemas/S%d"}]},`, i, i+1)
	}
	fmt.Fprintf(&b, `"S%d":{"type":"number"}}}}`, n)
	return b.String()
}

func TestBodyBudget(t *testing.T) {
	t.Parallel()
	body := "[" + strings.TrimSuffix(strings.Repeat("1,", 100), ",") + "]"
	long, err := New([]byte(chainSpec(400)))
	require.NoError(t, err)
	fs := long.Validate(exchange("GET", "/list", 200, body, jsonCT))
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, RuleBodyBudget, fs[0].Rule)
	assert.Equal(t, SeverityError, fs[0].Severity)

	req := exchange("POST", "/list", 204, "", jsonCT)
	req.Request.Header.Set("Content-Type", "application/json")
	req.Request.Body = []byte(body)
	fs = long.ValidateRequest(req)
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, RuleRequestBodyBudget, fs[0].Rule)

	short, err := New([]byte(chainSpec(40)))
	require.NoError(t, err)
	assert.Empty(t, short.Validate(exchange("GET", "/list", 200, body, jsonCT)))
	fs = short.Validate(exchange("GET", "/list", 200, strings.Replace(body, "1", `"x"`, 1), jsonCT))
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, RuleBodyType, fs[0].Rule)
	assert.Equal(t, "/0", fs[0].Pointer)
	req = exchange("POST", "/list", 204, "", jsonCT)
	req.Request.Header.Set("Content-Type", "application/json")
	req.Request.Body = []byte(body)
	assert.Empty(t, short.ValidateRequest(req))
}

// BenchmarkRecursiveAnyOf: the engine against kin-openapi's VisitJSON on
// the recursive anyOf, at a depth kin-openapi still finishes, and the
// engine alone at the depth of the ~300-byte body.
func BenchmarkRecursiveAnyOf(b *testing.B) {
	e := testRecursiveEngine(b)
	node := e.wholeDoc().Components.Schemas["Node"].Value
	for _, depth := range []int{8, 50} {
		body := nestedB(depth)
		x := exchange("GET", "/node", 200, string(body), jsonCT)
		b.Run(fmt.Sprintf("engine/depth=%d", depth), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if len(e.Validate(x)) != 0 {
					b.Fatal("verdict changed")
				}
			}
		})
		if depth > 8 {
			continue // kin-openapi needs 3^depth visits
		}
		b.Run(fmt.Sprintf("kin/depth=%d", depth), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var v any
				if err := json.Unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
				if err := node.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// judgeSchema judges body by a schema written as JSON, without $refs.
func judgeSchema(t *testing.T, schema, body string) []Finding {
	t.Helper()
	var s openapi3.Schema
	require.NoError(t, json.Unmarshal([]byte(schema), &s))
	var v any
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	j := newJudge(len(body), false, dialect{})
	var out []Finding
	st := site{loc: responseBody, op: "op", status: 200}
	for _, is := range j.visit(&s, j.tree(v)) {
		out = append(out, st.make(judgeIssue(is, "", false)))
	}
	return out
}

func TestJudgeCorners(t *testing.T) {
	t.Parallel()
	type want struct {
		rule    Rule
		pointer string
	}
	cases := []struct {
		name, schema, body string
		want               []want
		message            string // a part of the first finding's message
	}{
		// OAS 3.0.3: nullable modifies an explicit type; {} admits any value.
		{"null against {}", `{}`, `null`, nil, ""},
		{"null against an untyped schema", `{"minLength":2}`, `null`, nil, ""},
		{"null against a type", `{"type":"string"}`, `null`, []want{{RuleBodyType, ""}}, "not nullable"},
		{"null against a nullable type", `{"type":"string","nullable":true}`, `null`, nil, ""},
		// not: {} refuses everything (kin-openapi reads it as empty).
		{"not {} refuses a number", `{"not":{}}`, `1`, []want{{RuleBodyConstraint, ""}}, "not"},
		{"not {} refuses null", `{"not":{}}`, `null`, []want{{RuleBodyConstraint, ""}}, "not"},
		{"not string admits a number", `{"not":{"type":"string"}}`, `1`, nil, ""},
		// The deepest cause of a combinator's failure, with its keyword.
		{"allOf cause", `{"allOf":[{"type":"object"},{"properties":{"a":{"properties":{"b":{"type":"integer"}}}}}]}`, `{"a":{"b":"x"}}`,
			[]want{{RuleBodyType, "/a/b"}}, "allOf #1"},
		{"oneOf nearest cause", `{"oneOf":[{"type":"string"},{"type":"object","properties":{"a":{"type":"object","required":["z"]}}}]}`, `{"a":{}}`,
			[]want{{RuleBodyRequired, "/a/z"}}, "oneOf: no branch matches; nearest is #1"},
		{"oneOf more than one", `{"oneOf":[{"type":"number"},{"minimum":0}]}`, `1`, []want{{RuleBodyConstraint, ""}}, "more than one"},
		{"anyOf nearest cause", `{"anyOf":[{"type":"object","properties":{"n":{"maximum":3}}},{"type":"array"}]}`, `{"n":4}`,
			[]want{{RuleBodyConstraint, "/n"}}, "anyOf"},
		{"anyOf enum cause is an error", `{"anyOf":[{"enum":["a"]},{"enum":["b"]}]}`, `"c"`, []want{{RuleBodyConstraint, ""}}, "enum"},
		// ECMA-262 patterns.
		{"\\s matches no-break space", `{"pattern":"^\\s$"}`, `"\u00a0"`, nil, ""},
		{"\\s matches BOM", `{"pattern":"^\\s$"}`, `"\ufeff"`, nil, ""},
		{"\\s matches line separator", `{"pattern":"^\\s+$"}`, `"\u2028\u2029\u000b"`, nil, ""},
		{"\\s refuses a letter", `{"pattern":"^\\s$"}`, `"x"`, []want{{RuleBodyConstraint, ""}}, "pattern"},
		{"\\S refuses no-break space", `{"pattern":"^\\S$"}`, `"\u00a0"`, []want{{RuleBodyConstraint, ""}}, "pattern"},
		{"\\cC is control-C", `{"pattern":"^\\cC$"}`, `"\u0003"`, nil, ""},
		{". refuses a line separator", `{"pattern":"^.$"}`, `"\u2028"`, []want{{RuleBodyConstraint, ""}}, "pattern"},
		{"\\u escape", `{"pattern":"^\\u00e9$"}`, `"é"`, nil, ""},
		// required but not declared, under additionalProperties: false.
		{"required undeclared, present", `{"type":"object","required":["x"],"additionalProperties":false}`, `{"x":1}`, []want{{RuleBodyAdditional, "/x"}}, ""},
		{"required undeclared, absent", `{"type":"object","required":["x"],"additionalProperties":false}`, `{}`, []want{{RuleBodyRequired, "/x"}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := judgeSchema(t, tc.schema, tc.body)
			var got []want
			for _, f := range fs {
				got = append(got, want{f.Rule, f.Pointer})
			}
			assert.Equal(t, tc.want, got, "%+v", fs)
			if tc.message != "" && len(fs) > 0 {
				assert.Contains(t, fs[0].Message, tc.message)
			}
		})
	}
}

// The fast path agrees: a required name that additionalProperties: false
// forbids is reported when present.
func TestFastPathRequiredButForbidden(t *testing.T) {
	t.Parallel()
	e, err := New([]byte(`openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /x:
    get:
      operationId: x
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {name: {type: string}}, additionalProperties: false}
`))
	require.NoError(t, err)
	fs := e.Validate(exchange("GET", "/x", 200, `{"id":1,"name":"n"}`, jsonCT))
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, RuleBodyAdditional, fs[0].Rule)
	assert.Equal(t, "/id", fs[0].Pointer)
	fs = e.Validate(exchange("GET", "/x", 200, `{"name":"n"}`, jsonCT))
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, RuleBodyRequired, fs[0].Rule)
}

// A document whose example nests deep in the recursive anyOf loads: its
// examples are judged by the memoized judge, not by an unbounded walk.
func TestRecursiveExampleLoads(t *testing.T) {
	t.Parallel()
	doc := strings.Replace(recursiveSpec, "    Node:\n", "    Node:\n      example: "+string(nestedB(60))+"\n", 1)
	e, err := New([]byte(doc))
	require.NoError(t, err)
	assert.Empty(t, e.SpecNotes())
	bad := strings.Replace(doc, "{}", `{"b":1}`, 1)
	e, err = New([]byte(bad))
	require.NoError(t, err)
	notes := e.SpecNotes()
	require.Len(t, notes, 1, "%+v", notes)
	assert.Equal(t, RuleSpecExample, notes[0].Rule)
	assert.Contains(t, notes[0].Message, strings.Repeat("/b", 61))
}
