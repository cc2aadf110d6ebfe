package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// combineSpec has the shapes real specs give combinators: Stripe's
// expandable fields (anyOf of an id and an object, nullable), GitHub's
// nullable oneOf of scalars and its oneOf of objects, a discriminator, a
// single allOf, enums of booleans and numbers, and an object of more than
// 64 properties.
func combineSpec() string {
	var wide strings.Builder
	for i := range 70 {
		fmt.Fprintf(&wide, "p%02d: {type: integer}\n              ", i)
	}
	return `openapi: 3.0.3
info: {title: combine, version: '1'}
paths:
  /charge: {get: {operationId: charge, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Charge'}}}}}}}
  /error: {get: {operationId: error, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}}}}
  /user: {get: {operationId: user, responses: {'200': {description: ok, content: {application/json: {schema: {oneOf: [{$ref: '#/components/schemas/Private'}, {$ref: '#/components/schemas/Public'}]}}}}}}}
  /pet: {get: {operationId: pet, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}}}}
  /wide: {get: {operationId: wide, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Wide'}}}}}}}
  /deleted: {get: {operationId: deleted, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}}}}}
components:
  schemas:
    Charge:
      type: object
      required: [id, customer]
      properties:
        id: {type: string, maxLength: 10}
        customer:
          anyOf: [{type: string, maxLength: 10}, {$ref: '#/components/schemas/Customer'}]
          nullable: true
        source:
          anyOf: [{$ref: '#/components/schemas/Customer'}]
          nullable: true
        meta:
          allOf: [{$ref: '#/components/schemas/Meta'}]
    Customer:
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [customer]}
        default_charge:
          anyOf: [{type: string}, {$ref: '#/components/schemas/Charge'}]
          nullable: true
    Meta:
      type: object
      properties:
        k: {type: string}
    Error:
      type: object
      properties:
        errors:
          type: array
          items:
            type: object
            properties:
              value:
                oneOf:
                  - {type: string, nullable: true}
                  - {type: integer, nullable: true}
                  - {type: array, nullable: true, items: {type: string}}
    Private:
      type: object
      required: [login, plan]
      properties:
        login: {type: string}
        plan: {type: object, properties: {name: {type: string}}}
    Public:
      type: object
      required: [login]
      additionalProperties: false
      properties:
        login: {type: string}
        bio: {type: string, nullable: true}
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
      discriminator:
        propertyName: kind
        mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
    Cat:
      type: object
      required: [kind]
      properties: {kind: {type: string}, meow: {type: boolean}}
    Dog:
      type: object
      required: [kind]
      properties: {kind: {type: string}, bark: {type: boolean}}
    Wide:
      type: object
      required: [p00, p69]
      properties:
              ` + wide.String() + `
    Deleted:
      type: object
      properties:
        deleted: {type: boolean, enum: [true]}
        code: {type: integer, enum: [1, 2, 3]}
        anything: {enum: ["a", 1, null]}
`
}

var combineBodies = []struct{ path, body string }{
	{"/charge", `{"id":"ch_1","customer":"cus_1"}`},
	{"/charge", `{"id":"ch_1","customer":null}`},
	{"/charge", `{"id":"ch_1","customer":{"id":"cus_1","object":"customer","extra":1}}`},
	{"/charge", `{"id":"ch_1","customer":{"id":"cus_1","object":"customer","default_charge":{"id":"ch_2","customer":"c","more":true}}}`},
	{"/charge", `{"id":"ch_1","customer":{"id":"cus_1","object":"client"}}`},
	{"/charge", `{"id":"ch_1","customer":"cus_12345678901"}`},
	{"/charge", `{"id":"ch_1","customer":7}`},
	{"/charge", `{"id":"ch_1","customer":{"object":"customer"}}`},
	{"/charge", `{"id":"ch_1","customer":"c","source":{"id":"x","object":"customer","z":1}}`},
	{"/charge", `{"id":"ch_1","customer":"c","source":{"id":"x"}}`},
	{"/charge", `{"id":"ch_1","customer":"c","meta":{"k":"v","q":1}}`},
	{"/charge", `{"id":"ch_1","customer":"c","meta":{"k":1}}`},
	{"/charge", `{"id":"ch_1","customer":"c","meta":null}`},
	{"/error", `{"errors":[{"value":"x"},{"value":3},{"value":["a"]},{"value":true}]}`},
	{"/error", `{"errors":[{"value":null}]}`},
	{"/error", `{"errors":[{"value":[1]}]}`},
	{"/user", `{"login":"a","plan":{"name":"pro"}}`},
	{"/user", `{"login":"a","bio":null}`},
	{"/user", `{"login":"a"}`},
	{"/user", `{"login":"a","bio":"b","plan":{}}`},
	{"/user", `{"bio":"b"}`},
	{"/pet", `{"kind":"cat","meow":true}`},
	{"/pet", `{"kind":"dog","bark":true,"meow":false}`},
	{"/pet", `{"kind":"cow"}`},
	{"/pet", `{"meow":true}`},
	{"/pet", `{"kind":1}`},
	{"/pet", `{"kind":"dog","kind":"cat","meow":true}`},
	{"/pet", `[]`},
	{"/wide", `{"p00":1,"p69":2,"p35":3}`},
	{"/wide", `{"p00":1,"p35":"x"}`},
	{"/wide", `{"p00":1,"p69":2,"p69":3,"zz":4}`},
	{"/deleted", `{"deleted":true,"code":2,"anything":null}`},
	{"/deleted", `{"deleted":false,"code":2.0,"anything":1}`},
	{"/deleted", `{"deleted":"true","code":4,"anything":"b"}`},
	{"/deleted", `{"code":1e0,"anything":[1]}`},
}

// TestCombinatorsFastAsJudged holds the single pass's reading of
// combinators to the judge's: the same findings on every body, whether
// the branches are tried on the bytes or the value is decoded and judged.
func TestCombinatorsFastAsJudged(t *testing.T) {
	t.Parallel()
	fast, err := New([]byte(combineSpec()))
	require.NoError(t, err)
	judged, err := New([]byte(combineSpec()), withJudgedCombinators())
	require.NoError(t, err)
	assert.Empty(t, fast.SlowSchemas())
	assert.NotEmpty(t, judged.SlowSchemas())
	for _, tc := range combineBodies {
		t.Run(tc.path+" "+tc.body, func(t *testing.T) {
			x := exchange(http.MethodGet, tc.path, 200, tc.body, jsonCT)
			assert.Equal(t, verdicts(judged.Validate(x)), verdicts(fast.Validate(x)))
		})
	}
}

// verdicts is what must agree between the paths: rule, pointer and
// message; the judge renders an undocumented value re-encoded, the
// single pass as it came.
func verdicts(fs []Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Rule.ID()+" "+f.Pointer+" "+f.Message)
	}
	slices.Sort(out)
	return out
}
