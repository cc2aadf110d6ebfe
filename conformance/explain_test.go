package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlowSchemasSayWhy(t *testing.T) {
	t.Parallel()
	assert.Empty(t, testEngine(t).SlowSchemas(), "the embedded spec is judged in one pass")

	e, err := New([]byte(`
openapi: 3.0.3
info: {title: Slow, version: 1.0.0}
paths:
  /a:
    get:
      operationId: a
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string, pattern: '^[a-z]+$'}
                  name: {type: string}
                  tags: {type: array, items: {oneOf: [{type: string}, {type: integer}], not: {type: boolean}}}
        default:
          description: error
          content:
            application/json:
              schema:
                oneOf: [{type: object, properties: {c: {type: string}}}, {type: string}]
                allOf:
                  - {type: object, properties: {a: {type: string}}}
                  - {type: object, properties: {b: {type: string}}}
`))
	require.NoError(t, err)
	// A pattern (/id) the single pass runs itself.
	assert.Equal(t, []SlowSchema{
		{Operation: "a", Status: "200", Media: "application/json", Pointer: "/tags/*", Keywords: []string{"not"}},
		{Operation: "a", Status: "default", Media: "application/json", Pointer: "", Keywords: []string{"allOf of several schemas naming properties"}},
	}, e.SlowSchemas())
}
