package conformance_test

import (
	"errors"
	"fmt"

	"github.com/webex-conformance/webhooks/conformance"
)

// A document that cannot be judged by is a *SpecError: its kind says what
// a caller can do, and a syntax error says where.
func ExampleSpecError() {
	_, err := conformance.New([]byte("openapi: 3.0.3\ninfo: {title: pets, version: '1'}\npaths: 7\n"))
	var se *conformance.SpecError
	if errors.As(err, &se) {
		fmt.Printf("%s at line %d, column %d\n", se.Kind, se.Line, se.Column)
	}
	_, err = conformance.New([]byte("swagger: '2.0'\ninfo: {title: pets, version: '1'}\npaths: {}\n"))
	fmt.Println(errors.Is(err, conformance.ErrSpecVersion), err)
	// Output:
	// syntax at line 3, column 8
	// true spec: not an OpenAPI 3.0 or 3.1 document: no openapi version field (Swagger 2.0 is not supported)
}
