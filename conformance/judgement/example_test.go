package judgement_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
)

const petstore = `openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema:
                type: object
                required: [id, name]
                properties: {id: {type: integer}, name: {type: string}}
`

func ExampleJudge_Case() {
	eng, err := conformance.New([]byte(petstore))
	if err != nil {
		panic(err)
	}
	j := judgement.New(eng)

	req := httptest.NewRequest(http.MethodGet, "/pets/7", nil)
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}}
	x := conformance.FromHTTP(req, nil, resp, []byte(`{"id":7,"name":null}`))
	c := j.Case(&x)

	fmt.Println(c.Operation, c.Status)
	for _, f := range c.Findings {
		fmt.Println(f.Side, f.Rule, f.Pointer, strings.TrimSpace(f.Message))
	}
	// Output:
	// getPet 200
	// response body.type /name null where the schema is not nullable
}
