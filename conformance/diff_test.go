package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// The differential tests hold the single-pass validator to kin-openapi's
// Schema.VisitJSON: on any body both must agree on whether it is valid
// JSON and on the set of places (JSON pointers) where it breaks the
// schema. The rules kin-openapi lacks (body.undocumented, format uri) are
// left out of the comparison.

type diffSchema struct {
	name string
	src  *openapi3.Schema
	node *schemaNode
}

// diffSchemas are the body schemas of both test specs, compiled as the
// engine compiles them.
func diffSchemas(t testing.TB) []diffSchema {
	t.Helper()
	var out []diffSchema
	for _, e := range []*Engine{testEngine(t), testPetEngine(t)} {
		sc := newSchemaCompiler(dialect{})
		names := make([]string, 0, len(e.wholeDoc().Components.Schemas))
		for name := range e.wholeDoc().Components.Schemas {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			s := e.wholeDoc().Components.Schemas[name].Value
			out = append(out, diffSchema{name: e.info.Title + "/" + name, src: s, node: sc.compile(s)})
		}
		// The list response of the pet store is an array schema.
		if op := e.wholeDoc().Paths.Find("/pets"); op != nil {
			s := op.Get.Responses.Status(200).Value.Content["application/json"].Schema.Value
			out = append(out, diffSchema{name: e.info.Title + "/[]Pet", src: s, node: sc.compile(s)})
		}
	}
	return out
}

// fastVerdict runs the scanner: whether the JSON was readable, and the
// pointers of the findings kin-openapi also knows about.
func fastVerdict(n *schemaNode, body []byte) (ok bool, at []string) {
	s := &scanner{data: body, maxDepth: DefaultMaxDepth, site: site{loc: responseBody}}
	s.scanBody(n)
	if s.err != nil {
		return false, nil
	}
	for _, f := range s.out {
		switch {
		case f.Rule == RuleBodyUndocumented, f.Rule == RuleBodyFormat && f.Expected == "uri":
			continue
		case f.Rule == RuleBodyFormat && f.Expected == "date-time" && dateTimeDisagreement(unquoteActual(f.Actual)):
			continue
		case f.Rule == RuleBodyAdditional && !strings.Contains(f.Message, "unsupported"):
			// kin-openapi blames the object, not the property.
			at = append(at, strings.TrimSuffix(path.Dir(f.Pointer), "/"))
		default:
			at = append(at, f.Pointer)
		}
	}
	return true, normalize(at)
}

// kinVerdict decodes as encoding/json does and asks VisitJSON.
func kinVerdict(s *openapi3.Schema, body []byte) (ok bool, at []string) {
	if !json.Valid(body) || !utf8.Valid(body) {
		return false, nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return false, nil // a number out of range
	}
	err := s.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse())
	if err == nil {
		return true, nil
	}
	for _, e := range flattenSchemaErrors(err, nil) {
		if se, ok := e.(*openapi3.SchemaError); ok && se.SchemaField == "format" && se.Schema.Format == "date-time" {
			if v, ok := se.Value.(string); ok && dateTimeDisagreement(v) {
				continue
			}
		}
		at = append(at, schemaErrorIssue(e, "").pointer)
	}
	return true, normalize(at)
}

// dateTimeDisagreement: a deliberate difference. kin-openapi's date-time
// pattern refuses the lower-case t and z RFC 3339 section 5.6 allows and
// takes :60 at any minute; the engine takes both cases and a leap second
// at 23:59:60 UTC only.
func dateTimeDisagreement(v string) bool {
	kin := openapi3.SchemaStringFormats["date-time"]
	return kin != nil && (kin.Validate(v) == nil) != isDateTime([]byte(v))
}

func unquoteActual(actual string) string {
	var v string
	if json.Unmarshal([]byte(actual), &v) != nil {
		return actual
	}
	return v
}

func normalize(at []string) []string {
	if len(at) == 0 {
		return nil
	}
	sort.Strings(at)
	out := at[:1]
	for _, p := range at[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}

// hasDuplicateKeys: encoding/json keeps the last of duplicate keys and the
// scanner judges each; such bodies are compared on syntax alone.
func hasDuplicateKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		keys     map[string]bool
		isObject bool
		wantKey  bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := len(stack) - 1
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				if top >= 0 && stack[top].isObject {
					stack[top].wantKey = true
				}
				stack = append(stack, frame{keys: map[string]bool{}, isObject: true, wantKey: true})
			case '[':
				if top >= 0 && stack[top].isObject {
					stack[top].wantKey = true
				}
				stack = append(stack, frame{})
			default:
				stack = stack[:top]
			}
		default:
			if top >= 0 && stack[top].isObject {
				if stack[top].wantKey {
					key := v.(string)
					if stack[top].keys[key] {
						return true
					}
					stack[top].keys[key] = true
					stack[top].wantKey = false
				} else {
					stack[top].wantKey = true
				}
			}
		}
	}
}

// compareVerdicts fails when the two validators disagree on body.
func compareVerdicts(t testing.TB, ds diffSchema, body []byte) {
	t.Helper()
	fastOK, fastAt := fastVerdict(ds.node, body)
	kinOK, kinAt := kinVerdict(ds.src, body)
	if !json.Valid(body) || !utf8.Valid(body) {
		require.False(t, fastOK, "%s: the scanner read invalid JSON %q", ds.name, body)
		return
	}
	if !kinOK {
		// Valid JSON that encoding/json cannot hold (1e400): the scanner
		// must at least not call it malformed.
		require.True(t, fastOK, "%s: %q", ds.name, body)
		return
	}
	require.True(t, fastOK, "%s: the scanner rejected valid JSON %q", ds.name, body)
	if hasDuplicateKeys(body) {
		return
	}
	require.True(t, samePlaces(kinAt, fastAt), "%s: verdicts differ on %s:\nkin-openapi %q\nengine      %q", ds.name, body, kinAt, fastAt)
}

// samePlaces compares where the two blame a body. The engine reports a
// failed allOf, oneOf or anyOf at its cause inside the branch, kin-openapi
// at the combinator: a place of one side may be the other's ancestor.
func samePlaces(kin, fast []string) bool {
	covered := func(from, by []string) bool {
		for _, p := range from {
			ok := false
			for _, q := range by {
				if p == q || strings.HasPrefix(p, q+"/") || strings.HasPrefix(q, p+"/") || q == "" || p == "" {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	return len(kin) == 0 == (len(fast) == 0) && covered(kin, fast) && covered(fast, kin)
}

func TestDifferentialTrickyCases(t *testing.T) {
	t.Parallel()
	schemas := diffSchemas(t)
	bodies := []string{
		seedWebhook,
		`{}`, `[]`, `null`, `0`, `"x"`, `true`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2016-12-31T23:59:60Z"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2015-02-29T00:00:00Z"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2016-02-29T00:00:00.5+14:00"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2016-02-29t00:00:00z"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2016-02-29T24:00:00Z"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2016-02-29T23:00:00.Z"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2016-02-29T23:00:00+2400"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"0000-01-01T00:00:00Z"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"all","event":"all","status":"active","created":"2016-13-01T00:00:00Z"}`,
		`{"\u0069d":"a","name":"n","targetUrl":"https://x","resource":"mess\u0061ges","event":"all","status":"active","created":"2016-01-01T00:00:00Z"}`,
		`{"id":"a","name":"n","targetUrl":"https://x","resource":"messages ","event":"ALL","status":"","created":""}`,
		`{"id":null,"name":null,"targetUrl":null,"resource":null,"event":null,"status":null,"created":null,"filter":null,"secret":null}`,
		`{"id":[],"name":{},"targetUrl":1,"resource":true,"event":1.5,"status":-0,"created":1e3}`,
		`{"message":"m","trackingId":"t","errorCode":1.0}`,
		`{"message":"m","trackingId":"t","errorCode":1e2}`,
		`{"message":"m","trackingId":"t","errorCode":-0.0}`,
		`{"message":"m","trackingId":"t","errorCode":1.000000000000000001}`,
		`{"message":"m","trackingId":"t","errorCode":123456789012345678901234567890}`,
		`{"message":"m","trackingId":"t","errorCode":1e400}`,
		`{"message":"m","trackingId":"t","errorCode":"1"}`,
		`{"message":"m","trackingId":"t","errors":[{},{"description":1},{"description":"d","errorCode":0.5},null,[]]}`,
		`{"message":"m","trackingId":"t","errors":{}}`,
		`{"items":[null,{},[],"x"]}`,
		`{"items":[` + seedWebhook + `,` + seedWebhook + `]}`,
		`{"id":1,"name":"rex","tag":"dog","age":-1,"weight":-0.5,"born":"2020-02-30","toy":{"radius":"1"},"notes":{"text":1}}`,
		`{"id":9223372036854775807,"name":"012345678901234567890","tag":"","age":50.5,"weight":0,"born":"2020-02-29"}`,
		`{"id":9223372036854775808,"name":"😀😀😀😀😀😀😀😀😀😀","born":"20200229"}`,
		`{"id":1,"name":"😀😀😀😀😀😀😀😀😀😀😀","toy":{"length":1.5}}`,
		`{"id":1,"name":"\ud83d\ude00","toy":null,"notes":null}`,
		`{"code":2147483648,"message":"m"}`,
		`{"code":-2147483648,"message":"m"}`,
		`{"code":2147483647.5,"message":"m"}`,
		`[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"},{"id":4}]`,
		`{"a":1,"b":"2","c":null}`,
		`{"id":"dup","id":5}`,
		`{"a":}`, `{"a" 1}`, `[1,]`, `[1 2]`, `"\u00"`, `"\ud800"`, `tru`, `nul`, `-`, `01`, `1.`, `1e`, `.5`, `+1`,
		"\"\xff\"", "\"a\x1fb\"", " ", "",
	}
	for _, ds := range schemas {
		for _, body := range bodies {
			compareVerdicts(t, ds, []byte(body))
		}
	}
}

// TestDifferentialGenerated compares on bodies generated from each schema
// and then mutated: values swapped for others of any type, properties
// dropped and added, strings bent near their format.
func TestDifferentialGenerated(t *testing.T) {
	t.Parallel()
	schemas := diffSchemas(t)
	r := rand.New(rand.NewPCG(1, 2))
	rounds := 400
	if testing.Short() {
		rounds = 50
	}
	for _, ds := range schemas {
		for i := 0; i < rounds; i++ {
			v := generate(r, ds.src, 0)
			if i%4 != 0 {
				v = mutate(r, v, 0)
			}
			body, err := json.Marshal(v)
			require.NoError(t, err)
			compareVerdicts(t, ds, body)
		}
	}
}

var sampleStrings = []string{
	"", "x", "messages", "all", "active", "org", "2015-10-18T14:26:16+00:00", "2015-10-18T14:26:16Z",
	"2015-10-18T14:26:16.123456Z", "2015-10-18T14:26:16", "2015-10-18", "2024-02-29", "2023-02-29",
	"https://example.com/a?b=c#d", "mailto:a@b.example", "/relative", "http://", "not a uri", "urn:isbn:1",
	"dog", "Dog", "\u00e9\u00e8", "😀", "aGVsbG8=", "a\"b\\c\nd",
}

func generate(r *rand.Rand, s *openapi3.Schema, depth int) any {
	if s == nil || depth > 6 {
		return nil
	}
	if len(s.OneOf) > 0 {
		return generate(r, s.OneOf[r.IntN(len(s.OneOf))].Value, depth+1)
	}
	if len(s.Enum) > 0 && r.IntN(8) != 0 {
		return s.Enum[r.IntN(len(s.Enum))]
	}
	if s.Nullable && r.IntN(8) == 0 {
		return nil
	}
	switch {
	case s.Type.Is(openapi3.TypeObject):
		m := map[string]any{}
		for name, p := range s.Properties {
			required := false
			for _, req := range s.Required {
				required = required || req == name
			}
			if required || r.IntN(2) == 0 {
				m[name] = generate(r, p.Value, depth+1)
			}
		}
		if s.AdditionalProperties.Schema != nil {
			for i := r.IntN(3); i > 0; i-- {
				m[fmt.Sprintf("k%d", i)] = generate(r, s.AdditionalProperties.Schema.Value, depth+1)
			}
		}
		return m
	case s.Type.Is(openapi3.TypeArray):
		n := r.IntN(4)
		out := make([]any, n)
		for i := range out {
			out[i] = generate(r, s.Items.Value, depth+1)
		}
		return out
	case s.Type.Is(openapi3.TypeString):
		switch s.Format {
		case "date-time":
			return sampleStrings[6+r.IntN(3)]
		case "date":
			return "2020-01-31"
		case "uri":
			return "https://example.com/a?b=c#d"
		}
		if s.Pattern != "" {
			return "dog"
		}
		return strings.Repeat("a", 1+r.IntN(5))
	case s.Type.Is(openapi3.TypeInteger):
		return r.IntN(50)
	case s.Type.Is(openapi3.TypeNumber):
		return 0.5 + float64(r.IntN(20))
	case s.Type.Is(openapi3.TypeBoolean):
		return r.IntN(2) == 0
	}
	return "free"
}

func randomValue(r *rand.Rand) any {
	switch r.IntN(9) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return r.IntN(1000) - 500
	case 3:
		return r.Float64()*100 - 50
	case 4:
		return []any{sampleStrings[r.IntN(len(sampleStrings))], r.IntN(5)}
	case 5:
		return map[string]any{"description": sampleStrings[r.IntN(len(sampleStrings))], "x": 1}
	case 6:
		return float64(1 << 40)
	default:
		return sampleStrings[r.IntN(len(sampleStrings))]
	}
}

var extraKeys = []string{"id", "name", "secret", "description", "errorCode", "color", "a/b", "~", "items", "radius", "length", "text"}

func mutate(r *rand.Rand, v any, depth int) any {
	if r.IntN(6) == 0 {
		return randomValue(r)
	}
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			switch r.IntN(6) {
			case 0:
				delete(x, k)
			case 1:
				x[k] = mutate(r, x[k], depth+1)
			}
		}
		if r.IntN(4) == 0 {
			x[extraKeys[r.IntN(len(extraKeys))]] = randomValue(r)
		}
	case []any:
		for i := range x {
			if r.IntN(3) == 0 {
				x[i] = mutate(r, x[i], depth+1)
			}
		}
	case string:
		if r.IntN(2) == 0 {
			return sampleStrings[r.IntN(len(sampleStrings))]
		}
	}
	return v
}

// FuzzValidateBody holds the scanner to kin-openapi's verdicts on any input
// and checks that Validate never panics and always reads a body to a
// verdict.
func FuzzValidateBody(f *testing.F) {
	for _, seed := range []string{
		seedWebhook, `{"items":[` + seedWebhook + `]}`, `{"message":"m","trackingId":"t","errors":[{"description":"d","errorCode":1}]}`,
		`{"id":1,"name":"rex","toy":{"radius":1}}`, `[{"id":1,"name":"a"}]`, `{"a":1}`, `[[[[[]]]]]`, `{"id":"\u0069"}`, "\x00", "\"\xff\"",
	} {
		f.Add([]byte(seed))
	}
	schemas := diffSchemas(f)
	e := testEngine(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, ds := range schemas {
			compareVerdicts(t, ds, body)
		}
		x := getDetails(200, "", jsonCT, tracking)
		x.Response.Body = body
		fs := e.Validate(x)
		for _, fd := range fs {
			require.NotEqual(t, RuleEngineInternal, fd.Rule, fd.Message)
		}
	})
}
