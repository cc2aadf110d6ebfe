package webex_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/webex"
)

func ExampleNewEngine() {
	eng, err := webex.NewEngine()
	if err != nil {
		panic(err)
	}
	fmt.Println(eng.SpecInfo().Title)

	req := httptest.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks?max=0", nil)
	x := conformance.FromHTTP(req, nil, nil, nil)
	for _, f := range eng.ValidateRequest(&x) {
		fmt.Println(f.Rule, f.Pointer)
	}
	// Output:
	// Webex Webhooks API
	// request.parameter query:max
	// request.security header:Authorization
}
