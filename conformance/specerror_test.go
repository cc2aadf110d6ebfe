package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpecErrorsSayWhatKind(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		spec         string
		opts         []Option
		kind         SpecErrorKind
		line, column int
		is           error
		msg          string
	}{
		"empty":     {spec: "", kind: SpecEmpty, msg: "spec: empty document"},
		"too large": {spec: guardHead + "paths: {}\n", opts: []Option{WithMaxSpecBytes(10)}, kind: SpecTooLarge, msg: "more than the 10 allowed"},
		"yaml syntax": {spec: "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /x: [\n", kind: SpecSyntax, line: 5, column: 1,
			msg: "spec: failed to unmarshal data: yaml error: yaml: line 5: did not find expected node content"},
		"yaml shape": {spec: guardHead + "paths: 7\n", kind: SpecSyntax, line: 3, column: 8, msg: "cannot construct !!int `7`"},
		"json syntax": {spec: "{\"openapi\": \"3.0.3\",\n  \"paths\": {,}}", kind: SpecSyntax, line: 2, column: 13,
			msg: "invalid character ','"},
		"version":    {spec: "openapi: 3.2.0\ninfo: {title: x, version: '1'}\npaths: {}\n", kind: SpecVersion, is: ErrSpecVersion, msg: `spec: not an OpenAPI 3.0 or 3.1 document: openapi "3.2.0"`},
		"swagger":    {spec: "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n", kind: SpecVersion, is: ErrSpecVersion, msg: "Swagger 2.0 is not supported"},
		"aliases":    {spec: laughsSpec(18), kind: SpecAliases, is: ErrSpecHostile, msg: "spec: refused: YAML aliases expand"},
		"$ref cycle": {spec: refChainSpec(1, "{$ref: '#/components/schemas/S0'}"), kind: SpecRefCycle, is: ErrSpecHostile, msg: "spec: refused: circular $ref"},
		"$ref":       {spec: guardHead + "paths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/nope'}\n", kind: SpecRef, msg: "#/components/responses/nope"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := New([]byte(tc.spec), tc.opts...)
			var se *SpecError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.kind, se.Kind, "%v", err)
			assert.Equal(t, tc.line, se.Line)
			assert.Equal(t, tc.column, se.Column)
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "spec: "), err.Error())
			assert.NotContains(t, err.Error(), "\n")
			for _, sentinel := range []error{ErrSpecVersion, ErrSpecHostile} {
				assert.Equal(t, sentinel == tc.is, errors.Is(err, sentinel), "errors.Is(%v, %v)", err, sentinel)
			}
			if tc.kind == SpecSyntax {
				require.Error(t, errors.Unwrap(err), "a syntax error wraps the parser's")
			}
		})
	}
}

func TestSpecErrorKindNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "$ref cycle", SpecRefCycle.String())
	assert.Equal(t, "too large", SpecTooLarge.String())
	assert.Equal(t, "SpecErrorKind(99)", SpecErrorKind(99).String())
}

func TestLineColumn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		data         string
		offset       int64
		line, column int
	}{
		{"abc", 1, 1, 1},
		{"abc", 3, 1, 3},
		{"a\nbc", 4, 2, 2},
		{"a\n", 0, 1, 1},
		{"ab", 99, 1, 3},
	} {
		l, c := lineColumn([]byte(tc.data), tc.offset)
		assert.Equal(t, [2]int{tc.line, tc.column}, [2]int{l, c}, "%q@%d", tc.data, tc.offset)
	}
}
