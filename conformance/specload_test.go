package conformance

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// defectiveSpec has one of each defect a real document was seen with: it
// loads, every defect is a note, and traffic is still judged.
const defectiveSpec = `openapi: 3.0.3
info: {title: defects, version: '1'}
servers: [{url: api}, {url: 'http://%zz/'}]
paths:
  /things:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing Response'}
              example: {count: "three"}
        'oops': {description: not a status}
  /things/{id}/parts:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, schema: {type: boolean, default: "yes"}}
      responses:
        '200': {description: ok}
components:
  schemas:
    Thing Response:
      type: object
      properties:
        count: {type: integer}
    Code: {type: string, pattern: '^(?=a)'}
    Banana: {type: banana}
`

func TestNewToleratesDocumentDefects(t *testing.T) {
	t.Parallel()
	e, err := New([]byte(defectiveSpec))
	require.NoError(t, err)
	rules := map[Rule]string{}
	dups := 0
	for _, n := range e.SpecNotes() {
		if n.Rule == RuleSpecOperationID {
			dups++
		}
		assert.Equal(t, SeverityInfo, n.Severity)
		assert.NotContains(t, n.Message, "\n")
		rules[n.Rule] = n.Message
	}
	for _, want := range []Rule{RuleSpecExample, RuleSpecDefault, RuleSpecName, RuleSpecOperationID, RuleSpecPattern, RuleSpecResponse, RuleSpecServer, RuleSpecInvalid} {
		assert.Contains(t, rules, want, "notes: %v", rules)
	}
	assert.Contains(t, rules[RuleSpecResponse], `"oops"`)
	assert.Equal(t, 2, dups, "each duplicate operationId is noted")

	// The relative server URL "api" is a base path; both operations are
	// routed, the second getThing by its method and path.
	op, ok := e.FindOperation("GET", "/api/things")
	require.True(t, ok)
	assert.Equal(t, "getThing", op.ID)
	op, ok = e.FindOperation("GET", "/api/things/7")
	require.True(t, ok)
	assert.Equal(t, "GET /things/{id}", op.ID)

	// Judging works: the example's own defect is found in traffic too.
	fs := e.Validate(exchange("GET", "/api/things", 200, `{"count":"three"}`, jsonCT))
	require.Len(t, fs, 1)
	assert.Equal(t, RuleBodyType, fs[0].Rule)
	assert.Equal(t, "/count", fs[0].Pointer)
}

func TestNewEmbeddedSpecHasNoNotes(t *testing.T) {
	t.Parallel()
	assert.Empty(t, testEngine(t).SpecNotes())
}

func TestNewRefusesOtherVersions(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ doc, msg string }{
		"3.2":       {"openapi: 3.2.0\ninfo: {title: x, version: '1'}\npaths: {}\n", `"3.2.0"`},
		"swagger 2": {"swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n", "Swagger 2.0"},
		"4.0":       {"openapi: 4.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n", `"4.0.0"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New([]byte(c.doc))
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrSpecVersion))
			assert.Contains(t, err.Error(), c.msg)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// An ECMA-262 pattern Go's regexp cannot compile as written (\cC) loads,
// without a note, and judges.
func TestNewLoadsECMAPatterns(t *testing.T) {
	t.Parallel()
	e, err := New([]byte(`openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /x:
    get:
      operationId: x
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {c: {type: string, pattern: '^\cC\s$'}}}
`))
	require.NoError(t, err)
	assert.Empty(t, e.SpecNotes())
	assert.Empty(t, e.Validate(exchange("GET", "/x", 200, `{"c":"\u0003\u00a0"}`, jsonCT)))
	fs := e.Validate(exchange("GET", "/x", 200, `{"c":"C "}`, jsonCT))
	require.Len(t, fs, 1, "%+v", fs)
	assert.Equal(t, RuleBodyConstraint, fs[0].Rule)
	assert.Equal(t, "/c", fs[0].Pointer)
}
