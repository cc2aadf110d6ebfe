package conformance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const headerSpecDoc = `openapi: 3.0.3
info: {title: headers, version: '1'}
paths:
  /h:
    get:
      operationId: h
      responses:
        '200':
          description: ok
          headers:
            X-Count: {schema: {type: integer, format: int32, minimum: 1, maximum: 100}}
            X-Ratio: {schema: {type: number, exclusiveMinimum: true, minimum: 0}}
            X-Code: {schema: {type: string, minLength: 2, maxLength: 4}}
            X-Ids: {schema: {type: array, items: {type: integer}, maxItems: 3}}
            X-Flags: {schema: {type: array, items: {type: string, enum: [a, b]}}}
            X-Point: {schema: {type: object, properties: {x: {type: integer}, y: {type: integer}}, required: [x]}}
            X-Pointe: {explode: true, schema: {type: object, properties: {x: {type: integer}}}}
            X-On: {schema: {type: boolean}}
            X-Free: {schema: {}}
`

func TestHeaderSchemas(t *testing.T) {
	t.Parallel()
	e, err := New([]byte(headerSpecDoc))
	require.NoError(t, err)
	type want struct {
		rule    Rule
		pointer string
	}
	cases := []struct {
		header string
		want   []want
	}{
		{"X-Count: 5", nil},
		{"X-Count:  7 ", nil},
		{"X-Count: 0", []want{{RuleHeaderFormat, "header:X-Count"}}},
		{"X-Count: 101", []want{{RuleHeaderFormat, "header:X-Count"}}},
		{"X-Count: 3000000000", []want{{RuleHeaderFormat, "header:X-Count"}, {RuleHeaderFormat, "header:X-Count"}}}, // int32 and maximum
		{"X-Count: 1.5", []want{{RuleHeaderFormat, "header:X-Count"}}},
		{"X-Count: NaN", []want{{RuleHeaderFormat, "header:X-Count"}}},
		{"X-Ratio: 0.5", nil},
		{"X-Ratio: 0", []want{{RuleHeaderFormat, "header:X-Ratio"}}},
		{"X-Ratio: Inf", []want{{RuleHeaderFormat, "header:X-Ratio"}}},
		{"X-Ratio: -Infinity", []want{{RuleHeaderFormat, "header:X-Ratio"}}},
		{"X-Ratio: 0x1p-2", []want{{RuleHeaderFormat, "header:X-Ratio"}}},
		{"X-Code: ab", nil},
		{"X-Code: a", []want{{RuleHeaderFormat, "header:X-Code"}}},
		{"X-Code: abcde", []want{{RuleHeaderFormat, "header:X-Code"}}},
		{"X-Ids: 1,2,3", nil},
		{"X-Ids: 1, 2 ,3", nil},
		{"X-Ids: 1,x,3", []want{{RuleHeaderFormat, "header:X-Ids/1"}}},
		{"X-Ids: 1,2,3,4", []want{{RuleHeaderFormat, "header:X-Ids"}}},
		{"X-Flags: a,b", nil},
		{"X-Flags: a,c", []want{{RuleHeaderEnum, "header:X-Flags/1"}}},
		{"X-Point: x,1,y,2", nil},
		{"X-Point: y,2", []want{{RuleHeaderFormat, "header:X-Point/x"}}},
		{"X-Point: x,one", []want{{RuleHeaderFormat, "header:X-Point/x"}}},
		{"X-Pointe: x=3", nil},
		{"X-Pointe: x=three", []want{{RuleHeaderFormat, "header:X-Pointe/x"}}},
		{"X-On: true", nil},
		{"X-On: yes", []want{{RuleHeaderFormat, "header:X-On"}}},
		{"X-Free: anything at all", nil},
	}
	for _, tc := range cases {
		t.Run(tc.header, func(t *testing.T) {
			fs := e.Validate(exchange("GET", "/h", 200, "", tc.header))
			var got []want
			for _, f := range fs {
				got = append(got, want{f.Rule, f.Pointer})
				assert.Contains(t, f.Message, "X-")
			}
			assert.Equal(t, tc.want, got, "%+v", fs)
		})
	}
	// Two field lines of a list header are one list.
	x := exchange("GET", "/h", 200, "", "X-Ids: 1,2", "X-Ids: 3,4")
	fs := e.Validate(x)
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, "header:X-Ids", fs[0].Pointer)
	assert.Contains(t, fs[0].Message, "maxItems")
}

// FuzzHeaderSchemas: any header value, read by any of the schema types,
// gets findings at its header and never an engine failure.
func FuzzHeaderSchemas(f *testing.F) {
	for _, seed := range []string{"5", "1,x,3", "x,1,y,2", "x=3", "NaN", "", ",,,", " , ", "\"a\"", "1e400", "-0", "true"} {
		f.Add(seed)
	}
	e, err := New([]byte(headerSpecDoc))
	require.NoError(f, err)
	names := []string{"X-Count", "X-Ratio", "X-Code", "X-Ids", "X-Flags", "X-Point", "X-Pointe", "X-On", "X-Free"}
	f.Fuzz(func(t *testing.T, v string) {
		for _, name := range names {
			x := exchange("GET", "/h", 200, "")
			x.Response.Header.Set(name, v)
			for _, f := range e.Validate(x) {
				require.NotEqual(t, RuleEngineInternal, f.Rule, "%s: %q: %+v", name, v, f)
				require.True(t, strings.HasPrefix(f.Pointer, "header:"+name), "%s: %q: %+v", name, v, f)
			}
		}
	})
}
