package follow_test

import (
	"bytes"
	"fmt"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/follow"
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
                properties:
                  status:
                    type: string
                    enum:
                      - available
                      - sold
`

func ExampleFollow() {
	// The API answered a status the spec does not list: drift.
	seen := conformance.Finding{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift,
		Operation: "getPet", Status: 200, Pointer: "/status", Actual: `"pending"`}
	res, err := follow.Follow([]byte(petstore), []conformance.Finding{seen}, follow.WithObserved("2026-12-01"))
	if err != nil {
		panic(err)
	}
	for _, c := range res.Changes {
		fmt.Println(c.Kind, c.Value, "in", c.Schema)
	}
	fmt.Print(string(res.Spec[bytes.Index(res.Spec, []byte("enum:")):]))
	// Output:
	// enum value pending in /paths/~1pets~1{id}/get/responses/200/content/application~1json/schema/properties/status
	// enum:
	//                       - available
	//                       - sold
	//                       - pending # seen 2026-12-01 in getPet 200 at /status
}
