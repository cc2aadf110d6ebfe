package mock

import (
	crand "crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestServer is a Server listening on a loopback port for the length of a
// test.
type TestServer struct {
	*Server
	// URL is the base URL of the API, ending in /v1, as
	// https://webexapis.com/v1 is for the real one.
	URL string
	// Token is a bearer token the server accepts: the first of WithTokens,
	// or one made up for this server.
	Token string

	http *httptest.Server
}

// NewTestServer starts a Server on a loopback port and closes it when the
// test ends. Unless opts hold WithTokens, the server accepts only the token
// it makes up (ts.Token), so a test can also exercise 401 with any other.
func NewTestServer(t testing.TB, opts ...Option) *TestServer {
	t.Helper()
	token := newToken()
	if cfg := newConfig(opts); len(cfg.tokens) > 0 {
		token = cfg.tokens[0]
	} else {
		opts = append(opts[:len(opts):len(opts)], WithTokens(token))
	}
	s := New(opts...)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &TestServer{Server: s, URL: hs.URL + BasePath, Token: token, http: hs}
}

// Client returns an HTTP client for the server. It sends no token by itself.
func (ts *TestServer) Client() *http.Client { return ts.http.Client() }

// Close stops the server before the test ends; it is safe to call twice.
func (ts *TestServer) Close() { ts.http.Close() }

func newToken() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	return "mock-" + hex.EncodeToString(b[:])
}
