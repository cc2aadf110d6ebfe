package conformancetest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/conformancetest"
)

const petstore = `openapi: 3.0.3
info: {title: pets, version: '1'}
servers: [{url: /v1}]
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

// Any spec, any server: every exchange through the transport is judged.
// In a test, NewTestTransport(t, eng) fails the test at its end instead.
func ExampleNewTransport() {
	eng, err := conformance.New([]byte(petstore))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":7}`) // name is required
	}))
	defer srv.Close()

	tr := conformancetest.NewTransport(eng)
	client := &http.Client{Transport: tr}
	for _, path := range []string{"/v1/pets/7", "/v1/pets/seven"} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}
	for _, r := range tr.Results() {
		for _, f := range r.Findings {
			fmt.Println(r.Operation, f.Side, f.Rule, f.Pointer)
		}
	}
	// Output:
	// getPet response body.required /name
	// getPet request request.parameter path:id
	// getPet response body.required /name
}
