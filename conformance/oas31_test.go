package conformance

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func probeEngine(t testing.TB, opts ...Option) *Engine {
	t.Helper()
	doc, err := os.ReadFile("testdata/oas31/probe.yaml")
	require.NoError(t, err)
	e, err := New(doc, opts...)
	require.NoError(t, err)
	return e
}

// probeGood is a body that satisfies every keyword of the probe document.
func probeGood() map[string]any {
	return map[string]any{
		"typeNull":              nil,
		"const":                 "org",
		"constNull":             nil,
		"enumNull":              nil,
		"prefixItems":           []any{"a", 1},
		"contains":              []any{"a", 1, 2},
		"ifThenElse":            map[string]any{"kind": "card", "number": "4111"},
		"dependentRequired":     map[string]any{"billing": true, "address": "x"},
		"dependentSchemas":      map[string]any{"credit": true, "limit": 5},
		"patternProperties":     map[string]any{"x-a": "y"},
		"propertyNames":         map[string]any{"abc": 1},
		"unevaluatedProperties": map[string]any{"a": "1", "b": "2"},
		"unevaluatedItems":      []any{"a"},
		"alwaysTrue":            map[string]any{"anything": []any{1}},
		"refSibling":            "abcd",
		"exclusive":             0.5,
		"defs":                  "ABC",
		"tree":                  map[string]any{"name": "r", "children": []any{map[string]any{"name": "c", "children": []any{}}}},
		"base64":                "aGVsbG8=",
		"jsonText":              `{"a":1}`,
		"nullable":              "text",
		"open":                  map[string]any{"known": "k"},
	}
}

func probeBody(t testing.TB, patch map[string]any) string {
	t.Helper()
	body := probeGood()
	for k, v := range patch {
		if v == probeAbsent {
			delete(body, k)
			continue
		}
		body[k] = v
	}
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	return string(raw)
}

// probeAbsent removes a property from the good body.
const probeAbsent = "\x00absent"

// Each keyword JSON Schema 2020-12 brings to OpenAPI 3.1 fires on a bad
// body, at the pointer of the bad value, and stays quiet on a good one.
func TestOAS31ProbeKeywords(t *testing.T) {
	t.Parallel()
	e := probeEngine(t)
	require.Empty(t, e.Validate(exchange("GET", "/probe", 200, probeBody(t, nil), jsonCT)), "the good body")
	for name, c := range map[string]struct {
		patch   map[string]any
		rule    Rule
		pointer string
		expect  string // part of Expected
	}{
		"type with null":             {map[string]any{"typeNull": 1}, RuleBodyType, "/typeNull", "string or null"},
		"const":                      {map[string]any{"const": "creator"}, RuleBodyConstraint, "/const", `const "org"`},
		"const null":                 {map[string]any{"constNull": 0}, RuleBodyEnum, "/constNull", "null"},
		"enum with null":             {map[string]any{"enumNull": "c"}, RuleBodyEnum, "/enumNull", "null"},
		"prefixItems":                {map[string]any{"prefixItems": []any{"a", "b"}}, RuleBodyType, "/prefixItems/1", "integer"},
		"items after prefixItems":    {map[string]any{"prefixItems": []any{"a", 1, 2}}, RuleBodyConstraint, "/prefixItems/2", "false"},
		"minContains":                {map[string]any{"contains": []any{"a", 1}}, RuleBodyConstraint, "/contains", "contains"},
		"maxContains":                {map[string]any{"contains": []any{1, 2, 3, 4}}, RuleBodyConstraint, "/contains", "maxContains"},
		"then":                       {map[string]any{"ifThenElse": map[string]any{"kind": "card"}}, RuleBodyRequired, "/ifThenElse/number", "present"},
		"else":                       {map[string]any{"ifThenElse": map[string]any{"kind": "bank"}}, RuleBodyRequired, "/ifThenElse/iban", "present"},
		"dependentRequired":          {map[string]any{"dependentRequired": map[string]any{"billing": true}}, RuleBodyConstraint, "/dependentRequired/address", "dependentRequired"},
		"dependentSchemas":           {map[string]any{"dependentSchemas": map[string]any{"credit": true}}, RuleBodyRequired, "/dependentSchemas/limit", "present"},
		"patternProperties":          {map[string]any{"patternProperties": map[string]any{"x-a": 1}}, RuleBodyType, "/patternProperties/x-a", "string"},
		"additional beside pattern":  {map[string]any{"patternProperties": map[string]any{"y": "1"}}, RuleBodyAdditional, "/patternProperties/y", "no such property"},
		"propertyNames":              {map[string]any{"propertyNames": map[string]any{"ABC": 1}}, RuleBodyConstraint, "/propertyNames/ABC", "pattern"},
		"unevaluatedProperties":      {map[string]any{"unevaluatedProperties": map[string]any{"a": "1", "c": "3"}}, RuleBodyAdditional, "/unevaluatedProperties/c", "no such property"},
		"unevaluatedItems":           {map[string]any{"unevaluatedItems": []any{"a", "b"}}, RuleBodyConstraint, "/unevaluatedItems/1", "unevaluatedItems"},
		"boolean schema false":       {map[string]any{"alwaysFalse": 1}, RuleBodyConstraint, "/alwaysFalse", "false"},
		"$ref with a sibling":        {map[string]any{"refSibling": "a"}, RuleBodyConstraint, "/refSibling", "minLength"},
		"$ref target beside sibling": {map[string]any{"refSibling": "abcde"}, RuleBodyConstraint, "/refSibling", "maxLength"},
		"exclusiveMinimum":           {map[string]any{"exclusive": 0}, RuleBodyConstraint, "/exclusive", "> 0"},
		"exclusiveMaximum":           {map[string]any{"exclusive": 10}, RuleBodyConstraint, "/exclusive", "< 10"},
		"$defs":                      {map[string]any{"defs": "abc"}, RuleBodyConstraint, "/defs", "pattern"},
		"recursion through $ref":     {map[string]any{"tree": map[string]any{"name": "r", "children": []any{map[string]any{"children": []any{}}}}}, RuleBodyRequired, "/tree/children/0/name", "present"},
		"contentEncoding":            {map[string]any{"base64": "%%%"}, RuleBodyFormat, "/base64", "contentEncoding base64"},
		"contentMediaType":           {map[string]any{"jsonText": "{nope"}, RuleBodyFormat, "/jsonText", "contentMediaType application/json"},
		"nullable means nothing":     {map[string]any{"nullable": nil}, RuleBodyType, "/nullable", "string"},
		"required":                   {map[string]any{"const": probeAbsent}, RuleBodyRequired, "/const", "present"},
		"undocumented stays drift":   {map[string]any{"open": map[string]any{"known": "k", "new": 1}}, RuleBodyUndocumented, "/open/new", ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fs := e.Validate(exchange("GET", "/probe", 200, probeBody(t, c.patch), jsonCT))
			require.Len(t, fs, 1, "%+v", fs)
			assert.Equal(t, c.rule, fs[0].Rule, "%+v", fs[0])
			assert.Equal(t, c.pointer, fs[0].Pointer, "%+v", fs[0])
			assert.Contains(t, fs[0].Expected, c.expect, "%+v", fs[0])
		})
	}
}

// The 3.0 keywords a 3.1 document holds are noted, each where it is.
func TestOAS31Notes(t *testing.T) {
	t.Parallel()
	var notes []string
	for _, n := range probeEngine(t).SpecNotes() {
		notes = append(notes, n.Rule.ID()+" "+n.Message)
	}
	assert.Equal(t, []string{
		"spec.keyword /components/schemas/Probe/properties/nullable: nullable means nothing in OpenAPI 3.1 and is ignored; write \"null\" into the type list instead",
	}, notes)
}

// Formats and content are asserted in a 3.1 document unless they are read
// as annotations.
func TestOAS31FormatAnnotations(t *testing.T) {
	t.Parallel()
	e := probeEngine(t, WithFormatAnnotations())
	assert.Empty(t, e.Validate(exchange("GET", "/probe", 200, probeBody(t, map[string]any{"base64": "%%%", "jsonText": "{nope"}), jsonCT)))
}

// A 3.1 document's const: null is kept: the loader alone would read it as
// no const at all.
func TestConstNullAsEnum(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ in, want string }{
		"alone":        {"a: {const: null}\n", "a: {enum: [null]}"},
		"beside enum":  {"a: {const: null, enum: [1]}\n", "a: {allOf: [{enum: [null]}], enum: [1]}"},
		"beside allOf": {"a: {const: null, enum: [1], allOf: [{type: string}]}\n", "allOf: [{type: string}, {enum: [null]}]"},
		"a name":       {"properties: {const: {const: null}}\n", "properties: {const: {enum: [null]}}"},
		"data":         {"example: {const: null}\n", "example: {const: null}"},
		"none":         {"a: {const: 1}\n", "a: {const: 1}"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Contains(t, string(constNullAsEnum([]byte(c.in))), c.want)
			assert.False(t, strings.Contains(string(constNullAsEnum([]byte(c.in))), "const: null") && c.want != "example: {const: null}")
		})
	}
}
