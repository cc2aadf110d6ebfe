package conformancetest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance/conformancetest"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// A client test that makes any of the common mistakes fails with the
// request.* finding naming the parameter or the body pointer, although the
// mock answered each with a conforming 400, 401 or 415; a correct request
// gives none.
func TestClientMistakesFailTheTest(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	const good = `{"name":"n","targetUrl":"https://example.com/hook","resource":"messages","event":"created"}`
	for _, tc := range []struct {
		name, method, path, body, contentType string
		noToken                               bool
		status                                int
		rule, pointer                         string
	}{
		{"correct create", "POST", "/webhooks", good, "application/json", false, 200, "", ""},
		{"correct list", "GET", "/webhooks?max=10&ownedBy=org", "", "", false, 200, "", ""},
		{"create without targetUrl", "POST", "/webhooks", `{"name":"n","resource":"messages","event":"created"}`, "application/json", false, 400, "request.body.required", "/targetUrl"},
		{"list with max=0", "GET", "/webhooks?max=0", "", "", false, 400, "request.parameter", "query:max"},
		{"list with ownedBy=everyone", "GET", "/webhooks?ownedBy=everyone", "", "", false, 400, "request.parameter", "query:ownedBy"},
		{"resource bogus", "POST", "/webhooks", strings.Replace(good, `"messages"`, `"bogus"`, 1), "application/json", false, 400, "request.body.enum", "/resource"},
		{"forgotten token", "GET", "/webhooks", "", "", true, 401, "request.security", "header:Authorization"},
		{"text/plain", "POST", "/webhooks", good, "text/plain", false, 415, "request.content-type", "header:Content-Type"},
		{"null for an optional field", "POST", "/webhooks", strings.Replace(good, `}`, `,"filter":null}`, 1), "application/json", false, 400, "request.body.type", "/filter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingTB{}
			client := &http.Client{Transport: conformancetest.NewTestTransport(rec, webexEngine(t))}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, ts.URL+tc.path, body)
			require.NoError(t, err)
			if !tc.noToken {
				req.Header.Set("Authorization", "Bearer "+ts.Token)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := client.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			for _, f := range rec.cleanups {
				f()
			}
			if tc.rule == "" {
				assert.Empty(t, rec.errors, "a correct request gives no finding")
				return
			}
			require.Len(t, rec.errors, 1, "the test fails")
			assert.Contains(t, rec.errors[0], "error "+tc.rule+" "+tc.pointer)
		})
	}
}
