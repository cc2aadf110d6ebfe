package gen

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// WithBearerToken sends token as "Authorization: Bearer <token>" on every
// request. Surrounding whitespace (a trailing newline from a file or an
// environment variable) is trimmed; an empty token, or one with spaces or
// control characters inside, fails NewClient at once rather than at the
// first request. The token never appears in an error message.
//
// net/http drops the header when a redirect leaves the host, and
// AllWebhooks refuses next links to another host, so the token is sent to
// the client's server only.
func WithBearerToken(token string) ClientOption {
	return func(c *Client) error {
		token = strings.TrimSpace(token)
		if token == "" {
			return errors.New("gen: WithBearerToken: empty token")
		}
		for i := 0; i < len(token); i++ {
			if b := token[i]; b <= ' ' || b == 0x7f {
				return errors.New("gen: WithBearerToken: token contains whitespace or control characters")
			}
		}
		value := "Bearer " + token
		c.RequestEditors = append(c.RequestEditors, func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", value)
			return nil
		})
		return nil
	}
}
