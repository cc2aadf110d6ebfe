package mock_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/mock"
)

// FuzzRequests sends arbitrary bodies and queries to every operation and
// holds the mock to the spec: every answer passes the engine, whatever came
// in, a request the engine judges an error is refused, and the server never
// panics.
func FuzzRequests(f *testing.F) {
	for _, seed := range []struct{ body, query string }{
		{createBody("a"), ""},
		{`{"name":"a","targetUrl":"https://e.com","status":"active"}`, "max=2"},
		{`{"name":"a","targetUrl":"https://e.com","resource":"all","event":"all","ownedBy":"org","filter":"hostEmail=x"}`, "ownedBy=org"},
		{`{"name":"\u0000","targetUrl":"http://[::1]:80/x?y#z","resource":"messages","event":"created"}`, "cursor=YWZ0ZXI6MQ"},
		{`{`, "max=0"},
		{`[1,2]`, "max=%zz"},
		{`"x"`, "ownedBy=me&ownedBy=org"},
	} {
		f.Add(seed.body, seed.query)
	}
	eng, err := conformance.New(api.Spec)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body, query string) {
		s := mock.New(mock.WithTokens("tok"), mock.WithMaxBodyBytes(1024))
		id := "missing" // until a create succeeds: the item calls answer 404
		steps := []struct{ method, target string }{
			{"POST", "/v1/webhooks"}, {"GET", "/v1/webhooks?" + query},
			{"GET", ""}, {"PUT", ""}, {"GET", ""}, {"DELETE", ""},
		}
		for _, st := range steps {
			m, target := st.method, "http://mock.test"+st.target
			if st.target == "" {
				target = "http://mock.test/v1/webhooks/" + url.PathEscape(id)
			}
			req := httptest.NewRequest(m, "http://mock.test/v1/webhooks", strings.NewReader(body))
			if u, err := url.Parse(target); err == nil {
				req.URL = u
			}
			req.Header.Set("Authorization", "Bearer tok")
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			x := &conformance.Exchange{
				Request:  conformance.Request{Method: m, URL: req.URL, Header: req.Header},
				Response: conformance.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()},
			}
			assert.Empty(t, eng.Validate(x), "%s %s -> %d %s", m, req.URL, rec.Code, rec.Body)
			// And the mock accepts no request the engine judges an error.
			x.Request.Body = []byte(body)
			for _, f := range eng.ValidateRequest(x) {
				if f.Severity == conformance.SeverityError {
					assert.GreaterOrEqual(t, rec.Code, 400, "%s %s %q: the engine finds %s %s, the mock answered %d", m, req.URL, body, f.Rule, f.Pointer, rec.Code)
				}
			}
			if m == "POST" && rec.Code == http.StatusOK {
				id = decode[struct{ ID string }](t, rec.Body.Bytes()).ID
			}
		}
	})
}
