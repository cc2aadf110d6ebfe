package follow

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/conformance"
)

// mapSpec has an object whose property names the API chooses
// (additionalProperties), each holding an enum.
const mapSpec = `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: getThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                additionalProperties:
                  type: object
                  properties:
                    status:
                      type: string
                      enum:
                        - active
      parameters:
        - name: mode
          in: header
          schema:
            type: string
            enum:
              - cold
`

// statusSchema is the enum schema of mapSpec as the amended document has it.
func statusSchema(t *testing.T, spec []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(spec, &doc))
	s := treeAt(doc, []string{"paths", "/things", "get", "responses", "200", "content", "application/json", "schema", "additionalProperties", "properties", "status"})
	m, ok := s.(map[string]any)
	require.True(t, ok, "%s", spec)
	return m
}

// What a report carries (a pointer with a property name the API chose, a
// value) is written as YAML requires: a comment never carries a newline,
// and a value is quoted. Before, a property name with newlines put lines of
// the API's choosing into the spec (a pattern every value then failed).
func TestFollowNeverInjects(t *testing.T) {
	t.Parallel()
	injected := "evil\n                      pattern: '^x$'\n                    x-owned: true\n#"
	for name, f := range map[string]conformance.Finding{
		"newlines in a property name of the pointer": drift(conformance.RuleBodyEnum, "getThings", 200, "/"+injected+"/status", `"paused"`),
		"newlines in the value":                      drift(conformance.RuleBodyEnum, "getThings", 200, "/k/status", `"paused\n                      pattern: '^x$'"`),
		"a carriage return and a line separator":     drift(conformance.RuleBodyEnum, "getThings", 200, "/a\r\u2028\u0085b/status", `"paused"`),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Follow([]byte(mapSpec), []conformance.Finding{f}, WithObserved("2026-12-07"))
			require.NoError(t, err)
			require.Len(t, res.Changes, 1, "%+v", res.NeedsPerson)
			s := statusSchema(t, res.Spec)
			assert.NotContains(t, s, "pattern", "%s", res.Spec)
			assert.Len(t, s, 2, "type and enum only: %s", res.Spec)
			enum := s["enum"].([]any)
			require.Len(t, enum, 2)
			assert.Equal(t, "active", enum[0])
			assert.True(t, strings.HasPrefix(enum[1].(string), "paused"))
			added := strings.Count(string(res.Spec), "\n") - strings.Count(mapSpec, "\n")
			assert.Equal(t, 1, added, "one line added:\n%s", res.Spec)
			_, err = conformance.New(res.Spec)
			require.NoError(t, err)
		})
	}
	// A header value is raw text: it is quoted too.
	res, err := Follow([]byte(mapSpec), []conformance.Finding{
		drift(conformance.RuleHeaderEnum, "getThings", 200, "header:mode", "warm\n            pattern: '^x$'"),
	})
	require.NoError(t, err)
	if len(res.Changes) > 0 {
		assert.NotContains(t, string(res.Spec), "\n            pattern:")
	}
}

// The amendment is read back and compared with the intended change: one
// that differs anywhere else is refused.
func TestFollowRefusesAnythingBeyondTheChange(t *testing.T) {
	t.Parallel()
	p := &planner{res: &Result{Changes: []Change{{Kind: KindEnumValue, Schema: "/paths/~1things/get/responses/200/content/application~1json/schema/additionalProperties/properties/status", Value: "paused"}}}}
	good := strings.Replace(mapSpec, "- active\n", "- active\n                        - paused # seen\n", 1)
	require.NoError(t, p.verifyExact([]byte(mapSpec), []byte(good)))
	for name, out := range map[string]string{
		"a key beside the enum": strings.Replace(good, "- paused # seen\n", "- paused\n                      pattern: '^x$'\n", 1),
		"another value":         strings.Replace(good, "- paused", "- paused\n                        - other", 1),
		"a change elsewhere":    strings.Replace(good, "title: t", "title: u", 1),
	} {
		assert.ErrorContains(t, p.verifyExact([]byte(mapSpec), []byte(out)), "refused", name)
	}
	prop := &planner{res: &Result{Changes: []Change{{Kind: KindProperty, Schema: "/info", Value: "x", Type: "string"}}}}
	withProp := strings.Replace(mapSpec, "info: {title: t, version: '1'}", "info:\n  title: t\n  version: '1'\n  properties:\n    x:\n      type: string\n      description: d\n", 1)
	require.NoError(t, prop.verifyExact([]byte(mapSpec), []byte(withProp)))
	withPattern := strings.Replace(withProp, "      description: d\n", "      description: d\n      pattern: '^x$'\n", 1)
	assert.ErrorContains(t, prop.verifyExact([]byte(mapSpec), []byte(withPattern)), "refused")
}
