package mocktest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/webex-conformance/webhooks/mock"
)

// Server is a mock.Server listening on a loopback port for the length of
// a test.
type Server struct {
	*mock.Server
	// URL is the base URL of the API, ending in /v1, as
	// https://webexapis.com/v1 is for the real one.
	URL string
	// Token is a bearer token the server accepts: the first of WithTokens,
	// or one made up for this server.
	Token string

	http *httptest.Server
}

// NewServer starts a mock.Server on a loopback port and closes it when the
// test ends. Unless opts hold mock.WithTokens, the server accepts only the
// token it makes up (ts.Token), so a test can also exercise 401 with any
// other.
func NewServer(t testing.TB, opts ...mock.Option) *Server {
	t.Helper()
	s := mock.New(opts...)
	var token string
	if tokens := s.Tokens(); len(tokens) > 0 {
		token = tokens[0]
	} else {
		token = mock.NewToken()
		s = mock.New(append(opts[:len(opts):len(opts)], mock.WithTokens(token))...)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &Server{Server: s, URL: hs.URL + mock.BasePath, Token: token, http: hs}
}

// Client returns an HTTP client for the server. It sends no token by itself.
func (ts *Server) Client() *http.Client { return ts.http.Client() }

// Close stops the server before the test ends; it is safe to call twice.
func (ts *Server) Close() { ts.http.Close() }
