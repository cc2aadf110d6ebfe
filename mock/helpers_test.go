package mock_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
)

// call is one request to a test server: method, path under the base URL,
// optional JSON body, and the token to send ("" for none).
type call struct {
	method, path, body, token, contentType string
	// auth, when set, is sent as the Authorization header instead of token.
	auth string
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func do(t testing.TB, ts *mocktest.Server, c call) reply {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = bytes.NewBufferString(c.body)
	}
	url := c.path
	if len(url) == 0 || url[0] == '/' {
		url = ts.URL + c.path
	}
	req, err := http.NewRequest(c.method, url, body)
	require.NoError(t, err)
	switch {
	case c.auth != "":
		req.Header.Set("Authorization", c.auth)
	case c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	} else if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(b, &v), "body: %s", b)
	return v
}

func createBody(name string) string {
	return `{"name":"` + name + `","targetUrl":"https://example.com/hook","resource":"messages","event":"created","secret":"s3cr3t"}`
}

func mustCreate(t testing.TB, ts *mocktest.Server, token, name string) gen.Webhook {
	t.Helper()
	r := do(t, ts, call{method: "POST", path: "/webhooks", body: createBody(name), token: token})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return decode[gen.Webhook](t, r.body)
}
