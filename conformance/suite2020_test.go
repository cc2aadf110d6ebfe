package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JSON-Schema-Test-Suite's draft2020-12 tests are the outside yardstick
// for OpenAPI 3.1 documents: each schema becomes the response schema of one
// operation of a 3.1 document (its references rewritten to point into the
// components) and each test's data the body. The engine must agree with the
// suite wherever kin-openapi's JSON Schema 2020-12 path does, except for the
// deliberate differences listed in suite2020Differences; where kin-openapi
// is wrong and the engine right, the test is listed in suite2020Fixed.

// suite2020Differences: where the engine departs from the suite on purpose,
// by "file: group" or "file: group: test" prefix, with the reason.
var suite2020Differences = map[string]string{
	"format.json: uri format: invalid uri string is only an annotation by default":                                                             "formats the engine knows are asserted in 3.1 documents as in 3.0 ones (WithFormatAnnotations reads them as annotations)",
	"format.json: date format: invalid date string is only an annotation by default":                                                           "the same, for date (kin-openapi asserts it too)",
	"format.json: date-time format: invalid date-time string is only an annotation by default":                                                 "the same, for date-time (kin-openapi asserts it too)",
	"content.json: validation of string-encoded content based on media type: an invalid JSON document; validates true":                         "contentMediaType is asserted, as formats are (WithFormatAnnotations reads it as an annotation)",
	"content.json: validation of binary string-encoding: an invalid base64 string (% is not a valid character); validates true":                "contentEncoding is asserted, as formats are",
	"content.json: validation of binary-encoded media type documents: a validly-encoded invalid JSON document; validates true":                 "contentMediaType is asserted",
	"content.json: validation of binary-encoded media type documents: an invalid base64 string that is valid JSON; validates true":             "contentEncoding is asserted",
	"content.json: validation of binary-encoded media type documents with schema: a validly-encoded invalid JSON document; validates true":     "contentMediaType is asserted",
	"content.json: validation of binary-encoded media type documents with schema: an invalid base64 string that is valid JSON; validates true": "contentEncoding is asserted",
	"multipleOf.json: float division = inf: always invalid, but naive implementations may raise an overflow error":                             "multipleOf allows a slack of 2^-51 of the value for float rounding, as kin-openapi's 3.0 path does: at 1e308 the slack is larger than the divisor",
}

// suite2020AsKin: where kin-openapi's reading of the document loses what
// the suite tests, the engine, judging by the same loaded document, agrees
// with kin-openapi and not with the suite: kin-openapi's loader merges the
// keywords beside a $ref into (a copy of) the schema it points to, so that
// they share one scope for unevaluatedProperties and unevaluatedItems.
var suite2020AsKin = map[string]string{
	"ref.json: ref creates new scope when adjacent to keywords":     "the keywords beside $ref and the referenced ones share a scope",
	"unevaluatedItems.json: unevaluatedItems with $ref":             "the same",
	"unevaluatedItems.json: unevaluatedItems before $ref":           "the same",
	"unevaluatedProperties.json: unevaluatedProperties with $ref":   "the same",
	"unevaluatedProperties.json: unevaluatedProperties before $ref": "the same",
}

// suite2020Fixed: tests kin-openapi's 2020-12 path gets wrong and the engine
// right, by "file: group" or "file: group: test" prefix, with kin-openapi's
// mistake.
var suite2020Fixed = map[string]string{
	"enum.json: empty enum": "kin-openapi's loader reads enum: [] as no enum",
	"format.json: regex format: invalid regex string is only an annotation by default":                       "kin-openapi asserts format regex, a format the engine does not know (neither in 3.0)",
	"optional/ecmascript-regex.json: ECMA 262 regex escapes control codes with \\c":                          "kin-openapi runs patterns as Go regular expressions, which have no \\cX",
	"optional/ecmascript-regex.json: ECMA 262 \\s matches whitespace":                                        "Go's \\s is ASCII only",
	"optional/ecmascript-regex.json: ECMA 262 \\S matches everything but whitespace":                         "the same, for \\S",
	"optional/format/date-time.json: validation of date-time strings: an invalid date-time with leap second": "kin-openapi's date-time takes :60 at any minute",
	"optional/format/date-time.json: validation of date-time strings: case-insensitive T and Z":              "kin-openapi's date-time refuses lower-case t and z (RFC 3339 section 5.6 allows them)",
	"optional/format/uri.json: validation of URIs":                                                           "kin-openapi checks no uri format; the engine reads RFC 3986",
}

// suite2020Unsupported: what a schema may use that has no place in a
// schema of an OpenAPI document, or that neither kin-openapi nor the engine
// resolves: the group is skipped and counted.
func suite2020Unsupported(v any) string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$recursiveRef":
				return k
			case "$ref":
				if ref, _ := x.(string); !strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "#") && len(ref) > 1 && ref[1] != '/' {
					return "$ref " + ref
				}
			case "$schema":
				if x != "https://json-schema.org/draft/2020-12/schema" {
					return "$schema " + fmt.Sprint(x)
				}
			}
			if k == "const" || k == "enum" || k == "default" || k == "examples" {
				continue
			}
			if why := suite2020Unsupported(x); why != "" {
				return why
			}
		}
	case []any:
		for _, x := range v {
			if why := suite2020Unsupported(x); why != "" {
				return why
			}
		}
	}
	return ""
}

// suite2020Rewrite points the schema's local references into the
// document's components (#/$defs/X to the component X, the rest into Root)
// and drops $schema.
func suite2020Rewrite(v any, hoist bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			switch {
			case k == "$schema":
				continue
			case k == "$ref":
				ref, _ := x.(string)
				if def, ok := strings.CutPrefix(ref, "#/$defs/"); ok && hoist && suiteIdentifier.MatchString(def) {
					out[k] = "#/components/schemas/" + def
				} else {
					out[k] = "#/components/schemas/Root" + strings.TrimPrefix(ref, "#")
				}
			case k == "const" || k == "enum" || k == "default" || k == "examples":
				out[k] = x
			default:
				out[k] = suite2020Rewrite(x, hoist)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = suite2020Rewrite(x, hoist)
		}
		return out
	}
	return v
}

// suite2020Document is an OpenAPI 3.1 document serving the schema at GET /t.
func suite2020Document(raw json.RawMessage) ([]byte, string) {
	var schema any
	if err := json.Unmarshal(raw, &schema); err != nil {
		return nil, err.Error()
	}
	if why := suite2020Unsupported(schema); why != "" {
		return nil, why
	}
	// $defs become components, unless a name cannot be one: then they
	// stay where they are and are referred to there.
	schemas := map[string]any{}
	m, _ := schema.(map[string]any)
	defs, _ := m["$defs"].(map[string]any)
	hoist := len(defs) > 0
	for name := range defs {
		hoist = hoist && suiteIdentifier.MatchString(name) && name != "Root"
	}
	if hoist {
		for name, d := range defs {
			schemas[name] = suite2020Rewrite(d, true)
		}
		delete(m, "$defs")
	}
	schemas["Root"] = suite2020Rewrite(schema, hoist)
	doc := map[string]any{
		"openapi": "3.1.0",
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

func suite2020Reason(table map[string]string, id string) (string, bool) {
	for prefix, reason := range table {
		if strings.HasPrefix(id, prefix) {
			return reason, true
		}
	}
	return "", false
}

// suite2020Tally counts one keyword file's tests.
type suite2020Tally struct {
	ran, agree, skipped, kinAgree int
}

func TestJSONSchemaTestSuite2020(t *testing.T) {
	t.Parallel()
	const dir = "testdata/json-schema-test-suite/draft2020-12/"
	var files []string
	for _, pattern := range []string{"*.json", "optional/*.json", "optional/*/*.json"} {
		more, err := filepath.Glob(dir + pattern)
		require.NoError(t, err)
		files = append(files, more...)
	}
	require.NotEmpty(t, files)
	tallies := map[string]*suite2020Tally{}
	var different, asKin, fixed int
	var total suite2020Tally
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		var groups []suiteGroup
		require.NoError(t, json.Unmarshal(raw, &groups), file)
		name := strings.TrimPrefix(file, dir)
		tally := &suite2020Tally{}
		tallies[name] = tally
		for _, g := range groups {
			doc, why := suite2020Document(g.Schema)
			if why != "" {
				tally.skipped += len(g.Tests)
				continue
			}
			e, err := New(doc)
			if err != nil {
				tally.skipped += len(g.Tests)
				t.Logf("%s: %s: not loaded: %v", name, g.Description, err)
				continue
			}
			loaded, err := openapi3.NewLoader().LoadFromData(constNullAsEnum(doc))
			require.NoError(t, err)
			kinSchema := loaded.Components.Schemas["Root"].Value
			for _, tc := range g.Tests {
				id := fmt.Sprintf("%s: %s: %s", name, g.Description, tc.Description)
				tally.ran++
				var data any
				require.NoError(t, json.Unmarshal(tc.Data, &data))
				kinValid := kinSchema.VisitJSON(data, openapi3.EnableJSONSchema2020()) == nil
				var blamed []Finding
				for _, f := range e.Validate(exchange("GET", "/t", 200, string(tc.Data), jsonCT)) {
					if f.Rule != RuleBodyUndocumented { // drift by design, not invalidity
						blamed = append(blamed, f)
					}
				}
				engineValid := len(blamed) == 0
				if engineValid == tc.Valid {
					tally.agree++
				}
				if kinValid == tc.Valid {
					tally.kinAgree++
				}
				if reason, ok := suite2020Reason(suite2020Differences, id); ok {
					different++
					assert.NotEqual(t, tc.Valid, engineValid, "%s is listed as a deliberate difference (%s) but the engine agrees", id, reason)
					continue
				}
				if kinValid != tc.Valid && engineValid != tc.Valid {
					asKin++
					_, listed := suite2020Reason(suite2020AsKin, id)
					assert.True(t, listed, "%s: both kin-openapi and the engine disagree with the suite: list it in suite2020AsKin", id)
				}
				switch {
				case kinValid == tc.Valid:
					assert.Equal(t, tc.Valid, engineValid, "%s: the engine disagrees with the suite and kin-openapi: %+v", id, blamed)
				case engineValid == tc.Valid:
					fixed++
					_, listed := suite2020Reason(suite2020Fixed, id)
					assert.True(t, listed, "%s: kin-openapi is wrong and the engine right: list it in suite2020Fixed", id)
				}
			}
		}
	}
	names := make([]string, 0, len(tallies))
	for name := range tallies {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := tallies[name]
		total.ran += c.ran
		total.agree += c.agree
		total.skipped += c.skipped
		total.kinAgree += c.kinAgree
		t.Logf("%-32s engine %3d/%-3d kin-openapi %3d/%-3d skipped %d", name, c.agree, c.ran, c.kinAgree, c.ran, c.skipped)
	}
	t.Logf("deliberate differences %d, as kin-openapi reads the document %d, kin-openapi wrong and the engine right %d", different, asKin, fixed)
	t.Logf("%-32s engine %3d/%-3d kin-openapi %3d/%-3d skipped %d", "total", total.agree, total.ran, total.kinAgree, total.ran, total.skipped)
}
