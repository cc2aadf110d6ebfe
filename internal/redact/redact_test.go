package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsSecretName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"secret": true, "clientSecret": true, "webhook_secret": true, "password": true,
		"accessToken": true, "refresh_token": true, "Authorization": true, "TOKEN": true,
		"name": false, "tokens_": true, "tok": false, "": false, "secretary": true,
		"targetUrl": false, "resource": false, strings.Repeat("x", 60) + "secret": false,
	} {
		assert.Equal(t, want, IsSecretName(name), name)
		assert.Equal(t, want, IsSecretName([]byte(name)), name)
	}
}

func TestPointerHasSecret(t *testing.T) {
	t.Parallel()
	for ptr, want := range map[string]bool{
		"":                   false,
		"/name":              false,
		"/accessToken":       true,
		"/items/0/secret":    true,
		"/a~1clientSecret/x": true,
		"/items/3/name":      false,
		"/a~0b":              false,
	} {
		assert.Equal(t, want, PointerHasSecret(ptr), ptr)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"curl -H 'Authorization: Bearer tok-123456789'":        "curl -H 'Authorization: Bearer [redacted]'",
		`curl -H "Authorization: Bearer $WEBEX_TOKEN"`:         `curl -H "Authorization: Bearer $WEBEX_TOKEN"`,
		"Authorization: bearer eyJhbGciOi.J9.x_y-z":            "Authorization: bearer [redacted]",
		"Authorization: Basic dXNlcjpwYXNz":                    "Authorization: Basic [redacted]",
		`{"name":"n","secret":"86dacc"}`:                       `{"name":"n","secret":"[redacted]"}`,
		`{"accessToken":{"v":[1,"x"]},"n":1}`:                  `{"accessToken":[redacted],"n":1}`,
		`{"password": 1234, "n":1}`:                            `{"password": [redacted], "n":1}`,
		`{"secret":null,"name":"secret"}`:                      `{"secret":null,"name":"secret"}`,
		"token tok-123456789 in text, and again tok-123456789": "token [redacted] in text, and again [redacted]",
		`{"secret":"unterminated`:                              `{"secret":"[redacted]`,
	}
	for in, want := range cases {
		assert.Equal(t, want, Text(in, "tok-123456789", ""), in)
	}
	assert.Equal(t, "", Text(""))
	assert.NotContains(t, Text("Bearer "+strings.Repeat("a", 5000)), "aaaa")
}

func TestValue(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, in, value, want string }{
		{"long value anywhere", "abcTOKEN-0123456789xyz", "TOKEN-0123456789", "abc[redacted]xyz"},
		{"short value standing alone", "token x failed", "x", "token [redacted] failed"},
		{"short value inside a word stays", "GET /webhooks?max=10", "x", "GET /webhooks?max=10"},
		{"short value in a query", "GET /webhooks?t=x&max=10", "x", "GET /webhooks?t=[redacted]&max=10"},
		{"short value at both ends", "x and x", "x", "[redacted] and [redacted]"},
		{"short value after a word char", "maxx x", "x", "maxx [redacted]"},
		{"short value beside punctuation", `"abc-1".`, "abc-1", `"[redacted]".`},
		{"empty value", "anything", "", "anything"},
		{"absent value", "anything", "zzz", "anything"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Value(tc.in, tc.value))
		})
	}
	assert.Equal(t, "GET http://h/webhooks?max=10 with [redacted]", Text("GET http://h/webhooks?max=10 with x", "x"))
}

// TestJSONSecretsInCurl: a request body in a curl command, quoted for the
// shell, keeps its shape with the secret values gone.
func TestJSONSecretsInCurl(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`--data-raw '{"secret":"abc"}'`:                     `--data-raw '{"secret":"[redacted]"}'`,
		`--data-raw '{"clientSecret" : "a\"b'\''c","n":1}'`: `--data-raw '{"clientSecret" : "[redacted]","n":1}'`,
		`--data-raw '{"Secret":""}'`:                        `--data-raw '{"Secret":"[redacted]"}'`,
		`--data-raw '{"name":"secret"}'`:                    `--data-raw '{"name":"secret"}'`,
		`--data-raw '{"password":"p","accessToken":"t"}'`:   `--data-raw '{"password":"[redacted]","accessToken":"[redacted]"}'`,
		`curl 'https://example.com/secrets'`:                `curl 'https://example.com/secrets'`,
	} {
		assert.Equal(t, want, JSONSecrets(in), in)
	}
}

// FuzzText: on any text Text never panics, never lets a registered value
// through, and hides a credential and a secret-like property's value in
// any JSON.
func FuzzText(f *testing.F) {
	f.Add(`{"name":"n"}`, "86dacc007724d8ea")
	f.Add("Authorization: Bearer x", `with "quotes" and \ slashes`)
	f.Add(`{"secret":`, "}]\"[{")
	f.Add("curl -H", "eyJhbGciOiJIUzI1NiJ9.e30.abc")
	const token = "tok-9f8e7d6c5b4a"
	f.Fuzz(func(t *testing.T, text, secret string) {
		out := Text(text+token+text, token)
		require.NotContains(t, out, token)
		if len(secret) >= 6 && strings.Trim(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=") == "" && !strings.Contains(text, secret) {
			require.NotContains(t, Text(text+" Authorization: bEaReR "+secret+"\n", token), secret)
		}
		enc, err := json.Marshal(map[string]any{"a": text, "list": []any{map[string]string{"clientSecret": secret}}, "z": text})
		require.NoError(t, err)
		quoted, _ := json.Marshal(secret)
		inner := string(quoted[1 : len(quoted)-1])
		rest := strings.Replace(string(enc), inner, "", 1)
		if len(inner) < 6 || strings.Contains(rest, inner) || strings.Contains(Marker, inner) {
			return
		}
		require.NotContains(t, Text(string(enc), token), inner)
	})
}
