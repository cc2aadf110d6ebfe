package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JSON-Schema-Test-Suite's draft4 tests, for the keywords OpenAPI 3.0
// shares, are an outside yardstick: each schema is translated to OpenAPI
// 3.0 (type [x, "null"] becomes nullable, definitions become components)
// and served as the response schema of one operation; each test's data is
// the body. The engine must agree with the suite wherever kin-openapi does,
// except for the deliberate differences listed below; where kin-openapi is
// wrong the engine may agree with the suite, and is held to it in
// suiteFixed.

type suiteGroup struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// suiteDifferences: where the engine departs from the suite on purpose,
// "file: group: test" with the reason.
var suiteDifferences = map[string]string{
	"multipleOf.json: float division = inf: invalid, but naive implementations may raise an overflow error": "multipleOf allows a slack of 2^-51 of the value for float rounding, as kin-openapi does: at 1e308 the slack is larger than the divisor",
}

// suiteFixed: tests kin-openapi gets wrong and the engine right, by
// "file: group" or "file: group: test" prefix, with kin-openapi's mistake.
var suiteFixed = map[string]string{
	"not.json: forbid everything with empty schema":                                                          "kin-openapi reads a schema holding only not: {} as the empty schema",
	"not.json: forbidden property: property present":                                                         "the same, for a property",
	"enum.json: heterogeneous enum-with-null validation: null is valid":                                      "kin-openapi refuses null before it looks at enum unless nullable; OAS 3.0.3: nullable only modifies an explicit type",
	"minProperties.json: minProperties validation: ignores null":                                             "the same: a schema without type admits null",
	"pattern.json: pattern validation: ignores null":                                                         "the same",
	"required.json: required validation: ignores null":                                                       "the same",
	"optional/format/date-time.json: validation of date-time strings: all string formats ignore nulls":       "the same",
	"optional/format/uri.json: validation of URIs: all string formats ignore nulls":                          "the same",
	"optional/format/date-time.json: validation of date-time strings: an invalid date-time with leap second": "kin-openapi's date-time pattern takes :60 at any minute",
	"optional/format/date-time.json: validation of date-time strings: case-insensitive T and Z":              "kin-openapi's date-time pattern refuses lower-case t and z (RFC 3339 section 5.6 allows them)",
	"optional/format/uri.json: validation of URIs":                                                           "kin-openapi checks no uri format; the engine reads RFC 3986",
	"optional/ecmascript-regex.json: ECMA 262 \\s matches whitespace":                                        "kin-openapi runs patterns as Go regular expressions, whose \\s is ASCII only",
	"optional/ecmascript-regex.json: ECMA 262 \\S matches everything but whitespace":                         "the same, for \\S",
	"optional/ecmascript-regex.json: ECMA 262 regex escapes control codes with \\c":                          "Go regular expressions have no \\cX",
}

func suiteFixedReason(id string) (string, bool) {
	for prefix, reason := range suiteFixed {
		if strings.HasPrefix(id, prefix) {
			return reason, true
		}
	}
	return "", false
}

// suiteIdentifier is what a component name may be.
var suiteIdentifier = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// translateSchema rewrites a draft4 schema as OpenAPI 3.0, or says why it
// cannot be.
func translateSchema(v any) (any, string) {
	m, ok := v.(map[string]any)
	if !ok {
		return v, ""
	}
	out := make(map[string]any, len(m))
	for k, val := range m {
		switch k {
		case "type":
			switch t := val.(type) {
			case string:
				if t == "null" {
					return nil, "type null has no OpenAPI 3.0 form"
				}
				out[k] = t
			case []any:
				var rest []any
				for _, x := range t {
					if x == "null" {
						out["nullable"] = true
					} else {
						rest = append(rest, x)
					}
				}
				if len(rest) != 1 {
					return nil, "a list of types has no OpenAPI 3.0 form"
				}
				out[k] = rest[0]
			}
		case "items":
			if _, tuple := val.([]any); tuple {
				return nil, "tuple items are not OpenAPI 3.0"
			}
			s, why := translateSchema(val)
			if why != "" {
				return nil, why
			}
			out[k] = s
		case "not", "additionalProperties":
			s, why := translateSchema(val)
			if why != "" {
				return nil, why
			}
			out[k] = s
		case "allOf", "anyOf", "oneOf":
			list, _ := val.([]any)
			var ts []any
			for _, x := range list {
				s, why := translateSchema(x)
				if why != "" {
					return nil, why
				}
				ts = append(ts, s)
			}
			out[k] = ts
		case "properties":
			props, _ := val.(map[string]any)
			tp := make(map[string]any, len(props))
			for name, x := range props {
				s, why := translateSchema(x)
				if why != "" {
					return nil, why
				}
				tp[name] = s
			}
			out[k] = tp
		case "$ref":
			ref, _ := val.(string)
			switch {
			case ref == "#":
				out[k] = "#/components/schemas/Root"
			case strings.HasPrefix(ref, "#/definitions/") && suiteIdentifier.MatchString(strings.TrimPrefix(ref, "#/definitions/")):
				out[k] = "#/components/schemas/" + strings.TrimPrefix(ref, "#/definitions/")
			default:
				return nil, "$ref " + ref + " has no OpenAPI 3.0 form here"
			}
		case "definitions":
			// Hoisted to components by suiteDocument.
		case "additionalItems", "patternProperties", "dependencies", "id", "$schema", "const", "contains", "propertyNames", "if", "then", "else":
			return nil, k + " is not OpenAPI 3.0"
		default:
			out[k] = val
		}
	}
	return out, ""
}

// suiteDocument is an OpenAPI 3.0 document serving the schema at GET /t.
func suiteDocument(raw json.RawMessage) ([]byte, string) {
	var schema any
	if err := json.Unmarshal(raw, &schema); err != nil {
		return nil, err.Error()
	}
	if _, ok := schema.(map[string]any); !ok {
		return nil, "boolean schemas are not OpenAPI 3.0"
	}
	root, why := translateSchema(schema)
	if why != "" {
		return nil, why
	}
	schemas := map[string]any{"Root": root}
	defs, _ := schema.(map[string]any)["definitions"].(map[string]any)
	for name, d := range defs {
		if !suiteIdentifier.MatchString(name) {
			return nil, "definition name " + name + " is no component name"
		}
		t, why := translateSchema(d)
		if why != "" {
			return nil, why
		}
		schemas[name] = t
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "suite", "version": "1"},
		"paths": map[string]any{"/t": map[string]any{"get": map[string]any{
			"operationId": "t",
			"responses": map[string]any{"200": map[string]any{
				"description": "ok",
				"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Root"}}},
			}},
		}}},
		"components": map[string]any{"schemas": schemas},
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, err.Error()
	}
	return out, ""
}

func TestJSONSchemaTestSuite(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/json-schema-test-suite/draft4/*.json")
	require.NoError(t, err)
	optional, err := filepath.Glob("testdata/json-schema-test-suite/draft4/optional/*/*.json")
	require.NoError(t, err)
	more, err := filepath.Glob("testdata/json-schema-test-suite/draft4/optional/*.json")
	require.NoError(t, err)
	files = append(append(files, optional...), more...)
	require.NotEmpty(t, files)
	var ran, skipped, kinWrong, fixed int
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		var groups []suiteGroup
		require.NoError(t, json.Unmarshal(raw, &groups), file)
		name := strings.TrimPrefix(file, "testdata/json-schema-test-suite/draft4/")
		for _, g := range groups {
			doc, why := suiteDocument(g.Schema)
			if why != "" {
				skipped += len(g.Tests)
				continue
			}
			e, err := New(doc)
			require.NoError(t, err, "%s: %s", name, g.Description)
			loaded, err := openapi3.NewLoader().LoadFromData(doc)
			require.NoError(t, err)
			kinSchema := loaded.Components.Schemas["Root"].Value
			for _, tc := range g.Tests {
				id := fmt.Sprintf("%s: %s: %s", name, g.Description, tc.Description)
				ran++
				var data any
				require.NoError(t, json.Unmarshal(tc.Data, &data))
				kinValid := kinSchema.VisitJSON(data) == nil
				var blamed []Finding
				for _, f := range e.Validate(exchange("GET", "/t", 200, string(tc.Data), jsonCT)) {
					if f.Rule != RuleBodyUndocumented { // drift by design, not invalidity
						blamed = append(blamed, f)
					}
				}
				engineValid := len(blamed) == 0
				if kinValid != tc.Valid {
					kinWrong++
				}
				if reason, ok := suiteDifferences[id]; ok {
					assert.NotEqual(t, tc.Valid, engineValid, "%s is listed as a deliberate difference (%s) but the engine agrees", id, reason)
					continue
				}
				switch {
				case kinValid == tc.Valid:
					assert.Equal(t, tc.Valid, engineValid, "%s: the engine disagrees with the suite and kin-openapi: %+v", id, blamed)
				case engineValid == tc.Valid:
					fixed++
					_, listed := suiteFixedReason(id)
					assert.True(t, listed, "%s: kin-openapi is wrong and the engine right: list it in suiteFixed", id)
				default:
					reason, listed := suiteFixedReason(id)
					assert.Fail(t, "both wrong", "%s: kin-openapi and the engine both disagree with the suite: %+v (listed as fixed: %v %s)", id, blamed, listed, reason)
				}
			}
		}
	}
	t.Logf("%d tests run, %d skipped (no OpenAPI 3.0 form), kin-openapi wrong on %d, the engine right on %d of those", ran, skipped, kinWrong, fixed)
}
