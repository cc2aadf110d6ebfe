package generate_test

import (
	"fmt"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/generate"
)

const petstore = `openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      parameters: [{name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}]
      responses:
        '200': {description: the pets}
        '400': {description: a bad request}
`

// The same seed and spec draw the same requests, valid and invalid.
func ExampleNew() {
	eng, err := conformance.New([]byte(petstore))
	if err != nil {
		panic(err)
	}
	g, err := generate.New(eng, generate.WithSeed(7))
	if err != nil {
		panic(err)
	}
	for range 4 {
		r := g.Next()
		fmt.Println(strings.TrimSpace(fmt.Sprint(r.Method, " ", r.Path, " ", r.Query.Encode(), " ", r.Valid, " ", r.Defect)))
	}
	// Output:
	// GET /pets limit=101 false query parameter limit = "101" (above maximum 100)
	// GET /pets limit=10 true
	// GET /pets limit=1.5 false query parameter limit = "1.5" (not an integer)
	// GET /pets  true
}
