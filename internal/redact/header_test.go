package redact

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, value, want string }{
		{"Authorization", "Bearer CANARY!TOKEN", "Bearer [redacted]"},
		{"authorization", "Basic dXNlcjpwYXNz", "Basic [redacted]"},
		{"Authorization", `Digest username="u", response="abc"`, "Digest [redacted]"},
		{"Authorization", "CANARYTOKEN", "[redacted]"},
		{"Proxy-Authorization", "Basic CANARY", "Basic [redacted]"},
		{"Cookie", "session=CANARY1; theme=dark", "session=[redacted]; theme=[redacted]"},
		{"Set-Cookie", "sid=CANARY; Path=/; HttpOnly; Secure", "sid=[redacted]; Path=/; HttpOnly; Secure"},
		{"X-Api-Key", "CANARY", "[redacted]"},
		{"Api-Key", "CANARY", "[redacted]"},
		{"X-Session-Id", "CANARY", "[redacted]"},
		{"X-Auth-Token", "CANARY", "[redacted]"},
		{"WWW-Authenticate", `Bearer realm="x"`, `Bearer realm="x"`},
		{"WWW-Authenticate", `Bearer realm="api", error="invalid_token", error_description="expired"`, `Bearer realm="api", error="invalid_token", error_description="expired"`},
		{"WWW-Authenticate", `Bearer realm="x", access_token="CANARY", Basic realm="y"`, `Bearer realm="x", access_token="[redacted]", Basic realm="y"`},
		{"WWW-Authenticate", `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`, `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`},
		{"WWW-Authenticate", "Negotiate CANARY==", "Negotiate [redacted]"},
		{"WWW-Authenticate", "Bearer token=CANARY", "Bearer [redacted]"},
		{"Authentication-Info", `nextnonce="n", qop=auth, session_key=CANARY`, `nextnonce="n", qop=auth, session_key=[redacted]`},
		{"Location", "https://user:CANARY@example.com/cb?code=1&access_token=CANARY#x", "https://[redacted]@example.com/cb?code=1&access_token=[redacted]#x"},
		{"Link", `<https://h/v1/webhooks?max=2&token=CANARY>; rel="next"`, `<https://h/v1/webhooks?max=2&token=[redacted]>; rel="next"`},
		{"Content-Type", "application/json", "application/json"},
		{"TrackingID", "ROUTER_1", "ROUTER_1"},
	} {
		assert.Equal(t, tc.want, Header(tc.name, tc.value), "%s: %s", tc.name, tc.value)
	}
	assert.Equal(t, "the [redacted] value", Header("X-Echo", "the tok-0123456789 value", "tok-0123456789"))
}

func TestBodyText(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"password":"CANARY"}`))
	require.NoError(t, zw.Close())

	text, decoded, why := BodyText(gz.Bytes(), "gzip", 1<<20)
	assert.Equal(t, `{"password":"CANARY"}`, text)
	assert.True(t, decoded)
	assert.Empty(t, why)

	text, decoded, why = BodyText([]byte("plain"), "", 1<<20)
	assert.Equal(t, "plain", text)
	assert.False(t, decoded)
	assert.Empty(t, why)

	for name, tc := range map[string]struct {
		body     []byte
		encoding string
		limit    int64
		why      string
	}{
		"latin-1":     {[]byte("{\"pwd\":\"CANARY\xe9\"}"), "", 1 << 20, "not UTF-8 text"},
		"brotli":      {[]byte("anything"), "br", 1 << 20, "Content-Encoding br: not decoded here"},
		"broken gzip": {[]byte("not gzip at all"), "gzip", 1 << 20, "Content-Encoding gzip: not gzip"},
		"too large":   {gz.Bytes(), "gzip", 4, "Content-Encoding gzip: decodes to more than the limit"},
	} {
		text, _, why := BodyText(tc.body, tc.encoding, tc.limit)
		assert.Empty(t, text, name)
		assert.Equal(t, tc.why, why, name)
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"GET /v1/webhooks":              "GET /v1/webhooks",
		"POST /\x1b]0;PWNED\x07":        `POST /\u001b]0;PWNED\u0007`,
		"a\nb\rc\td":                    `a\nb\rc\td`,
		"caf\u00e9 \u2603":              "caf\u00e9 \u2603",
		"C1 \u009b31m":                  `C1 \u009b31m`,
		"raw byte \x9b31m":              `raw byte \x9b31m`,
		"rtl \u202eevil":                `rtl \u202eevil`,
		"del \x7f":                      `del \u007f`,
		strings.Repeat("x", 3) + "\x00": `xxx\u0000`,
	} {
		assert.Equal(t, want, Line(in), "%q", in)
	}
}

// FuzzHeader: on any header Header never panics, and a value under a
// credential's name never shows.
func FuzzHeader(f *testing.F) {
	f.Add("WWW-Authenticate", `Bearer realm="x", access_token="y"`)
	f.Add("Set-Cookie", "a=b; Path=/")
	f.Add("Authorization", "Bearer a!b")
	f.Add("WWW-Authenticate", `Basic realm="\"`)
	f.Add("WWW-Authenticate", "=,=")
	const canary = "CANARY7f3e9a"
	f.Fuzz(func(t *testing.T, name, value string) {
		_ = Header(name, value)
		for _, secret := range []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key"} {
			require.NotContains(t, Header(secret, value+canary), canary, secret)
			require.NotContains(t, Header(secret, "Bearer "+canary+value), canary, secret)
		}
		require.NotContains(t, Header("WWW-Authenticate", "Bearer access_token="+canary), canary)
	})
}
