package conformance

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every location maps every kind of issue to a declared rule: no issue can
// become a finding without a rule.
func TestEveryLocationMapsEveryKind(t *testing.T) {
	t.Parallel()
	for name, loc := range map[string]*location{
		"response body": responseBody, "request body": requestBody,
		"response header": responseHeader, "request parameter": requestParameter,
	} {
		for k := range issueKinds {
			r := loc.rules[k]
			require.NotEqual(t, Rule{}, r, "%s: kind %d has no rule", name, k)
			got, ok := RuleByID(r.ID())
			assert.True(t, ok && got == r, "%s: %s is not the declared rule", name, r)
			if loc.asRequest {
				assert.Equal(t, SideRequest, r.Side(), "%s: %s", name, r)
			} else {
				assert.Equal(t, SideResponse, r.Side(), "%s: %s", name, r)
			}
		}
	}
}

// The same issue is made once, at its site, as the rule of its location,
// with the rule's severity.
func TestOneIssueOneRulePerLocation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		st                site
		rule              Rule
		pointer, message  string
		severity          Severity
		actual            string
		rootActualFromRaw bool
	}{
		{site{loc: responseBody, op: "op", status: 200}, RuleBodyEnum, "/status", "value is not one of the documented enum values", SeverityDrift, `"paused"`, false},
		{site{loc: requestBody, op: "op"}, RuleRequestBodyEnum, "/status", "value is not one of the documented enum values", SeverityError, `"paused"`, false},
		{site{loc: responseHeader, op: "op", status: 200, pointer: "header:", name: "X-Mode", label: "X-Mode", raw: "paused"}, RuleHeaderEnum, "header:X-Mode/status", "X-Mode: value is not one of the documented enum values", SeverityDrift, `"paused"`, true},
		{site{loc: requestParameter, op: "op", pointer: "query:mode", label: "query parameter mode"}, RuleRequestParameter, "query:mode/status", "query parameter mode: value is not one of the documented enum values", SeverityError, `"paused"`, false},
	} {
		f := tc.st.finding(issueEnum, "/status", "value is not one of the documented enum values", "one of [active]", `"paused"`)
		assert.Equal(t, tc.rule, f.Rule)
		assert.Equal(t, tc.severity, f.Severity, "the severity is the rule's")
		assert.Equal(t, tc.rule.Side(), f.Side)
		assert.Equal(t, tc.pointer, f.Pointer)
		assert.Equal(t, tc.message, f.Message)
		assert.Equal(t, tc.actual, f.Actual)
		assert.Equal(t, tc.st.op, f.Operation)
		assert.Equal(t, tc.st.status, f.Status)
		root := tc.st.finding(issueType, "", "expected integer, got string", "integer", `"paused"`)
		if tc.rootActualFromRaw {
			assert.Equal(t, "paused", root.Actual, "a header's own value is shown as sent")
		} else {
			assert.Equal(t, `"paused"`, root.Actual)
		}
	}
}

// One keyword table serves the judge and kin-openapi's errors: the same
// failing keyword is the same kind, with the same expected value.
func TestOneKeywordTable(t *testing.T) {
	t.Parallel()
	for keyword, want := range map[string]issueKind{
		"type": issueType, "nullable": issueType, "required": issueRequired, "enum": issueEnum,
		"format": issueFormat, "contentEncoding": issueFormat, "contentMediaType": issueFormat,
		"additionalProperties": issueAdditional, "unevaluatedProperties": issueAdditional, "properties": issueAdditional,
		"minLength": issueConstraint, "oneOf": issueConstraint, "const": issueConstraint, "not": issueConstraint,
	} {
		assert.Equal(t, want, keywordKind(keyword, false), keyword)
	}
	assert.Equal(t, issueConstraint, keywordKind("enum", true), "an enum value that is the nearest cause of a oneOf is no drift")

	s := &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"a", "b"}}
	fromJudge := judgeIssue(issue{path: []string{"x"}, keyword: "enum", schema: s, value: &jnode{v: "c"}, reason: "value is not one of the documented enum values"}, "/base", false)
	fromKin := schemaErrorIssue(&openapi3.SchemaError{SchemaField: "enum", Schema: s, Value: "c", Reason: "value is not one of the allowed values [a, b]"}, "/base/x")
	assert.Equal(t, fromJudge, fromKin)
}

// One media-type check: a request and a response without a Content-Type,
// with an undocumented one or with a non-UTF-8 JSON charset break the
// same check, named for their side.
func TestOneMediaTypeCheck(t *testing.T) {
	t.Parallel()
	content := &response{media: []mediaSpec{{name: "application/json", typ: "application", sub: "json", json: true}}, expected: "application/json"}
	content.jsonMedia = &content.media[0]
	for _, tc := range []struct {
		ct, message string
		judged      bool
	}{
		{"", "", true},
		{"text/html", "the media type text/html is not documented for this ", false},
		{"application/json; charset=latin1", "JSON must be UTF-8 (RFC 8259), not latin1", true},
		{"application/json", "", true},
	} {
		for loc, rule := range map[*location]Rule{responseBody: RuleContentType, requestBody: RuleRequestContentType} {
			st := site{loc: loc, op: "op"}
			out, m := checkMediaType(nil, &st, content, tc.ct)
			assert.Equal(t, tc.judged, m != nil, "%q", tc.ct)
			if tc.ct == "application/json" {
				assert.Empty(t, out)
				continue
			}
			require.Len(t, out, 1, "%q", tc.ct)
			assert.Equal(t, rule, out[0].Rule)
			assert.Equal(t, "header:Content-Type", out[0].Pointer)
			switch tc.ct {
			case "":
				assert.Equal(t, loc.noContentType, out[0].Message)
			case "text/html":
				assert.Equal(t, tc.message+loc.name, out[0].Message)
			default:
				assert.Equal(t, tc.message, out[0].Message)
			}
		}
	}
}
