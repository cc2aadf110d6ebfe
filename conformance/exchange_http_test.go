package conformance_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

// The adapters read nothing and copy nothing: the bodies are the ones
// given, the header maps and the URL the request's and the response's.
func TestFromHTTP(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "https://webexapis.com/v1/webhooks?max=2", strings.NewReader("unread"))
	req.Header.Set("Authorization", "Bearer abc")
	resp := &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: http.NoBody}

	x := conformance.FromHTTP(req, []byte(`{"a":1}`), resp, []byte(`{}`))
	assert.Equal(t, http.MethodPost, x.Request.Method)
	assert.Same(t, req.URL, x.Request.URL)
	assert.Equal(t, "Bearer abc", x.Request.Header.Get("Authorization"), "judged as sent")
	assert.Equal(t, conformance.CredentialsAsSent, x.Request.Credentials)
	assert.Equal(t, `{"a":1}`, string(x.Request.Body))
	assert.Equal(t, 201, x.Response.Status)
	assert.Equal(t, `{}`, string(x.Response.Body))
	assert.Empty(t, x.Response.Unjudged)
	rest := make([]byte, 16)
	n, _ := req.Body.Read(rest)
	assert.Equal(t, "unread", string(rest[:n]), "the request's body is left as it was")

	none := conformance.FromHTTP(req, nil, nil, nil)
	assert.Equal(t, "no response", none.Response.Unjudged, "no response: not judged")
	assert.Zero(t, none.Response.Status)
	assert.Equal(t, conformance.Request{}, conformance.RequestFromHTTP(nil, nil))

	allocs := testing.AllocsPerRun(100, func() { _ = conformance.FromHTTP(req, nil, resp, nil) })
	assert.Zero(t, allocs)
}

func ExampleFromHTTP() {
	eng, err := conformance.New(api.Spec)
	if err != nil {
		panic(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks/abc", nil)
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "Trackingid": {"ROUTER_1"}}}
	body := []byte(`{"id":"abc","name":"n","targetUrl":"https://example.com/hook","resource":"messages","event":"created","status":"active","created":"2015-10-18T14:26:16Z","color":"blue"}`)
	x := conformance.FromHTTP(req, nil, resp, body) // body: what the caller read of resp.Body
	for _, f := range eng.ValidateResponse(&x) {
		fmt.Println(f.Severity, f.Rule, f.Pointer)
	}
	// Output:
	// drift body.undocumented /color
}
