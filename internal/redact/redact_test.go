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
		"name": false, "tokens_": true, "tok": false, "": false, "secretary": false,
		"targetUrl": false, "resource": false, strings.Repeat("x", 60) + "secret": true,
		// Words, however they are joined.
		"api_key": true, "apikey": true, "apiKey": true, "APIKey": true, "x-api-key": true, "X-Api-Key": true,
		"Api-Key": true, "x_api_key": true, "api.key": true, "xapikey": true,
		"access_token": true, "accesstoken": true, "id_token": true, "client_secret": true,
		"passwd": true, "pwd": true, "PWD": true, "userPassword": true, "pass_word": true,
		"private_key": true, "privateKey": true, "credentials": true, "Credential": true,
		"session": true, "X-Session-Id": true, "sessionid": true, "cookie": true, "Set-Cookie": true,
		"X-CSRF-Token": true, "HTTPAuthToken": true, "oauth2Token": true, "auth": true, "jwt": true,
		"Proxy-Authorization": true, "header:X-Api-Key": true,
		// Neither words nor joined credentials.
		"tokenizer": false, "keyboard": false, "key": false, "monkey": false, "authMethod": false,
		"author": false, "WWW-Authenticate": false, "Location": false, "event": false, "orgId": false,
		"passage": false, "sessile": false, "id": false, "keys": false, "X-Spark-Signature": false,
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
		`curl -H "Authorization: Bearer ${WEBEX_TOKEN}"`:       `curl -H "Authorization: Bearer ${WEBEX_TOKEN}"`,
		"curl -H 'Authorization: Bearer [invalid]'":            "curl -H 'Authorization: Bearer [invalid]'",
		"Authorization: bearer eyJhbGciOi.J9.x_y-z":            "Authorization: bearer [redacted]",
		"Authorization: Basic dXNlcjpwYXNz":                    "Authorization: Basic [redacted]",
		`{"name":"n","secret":"86dacc"}`:                       `{"name":"n","secret":"[redacted]"}`,
		`{"accessToken":{"v":[1,"x"]},"n":1}`:                  `{"accessToken":[redacted],"n":1}`,
		`{"password": 1234, "n":1}`:                            `{"password": [redacted], "n":1}`,
		`{"secret":null,"name":"secret"}`:                      `{"secret":null,"name":"secret"}`,
		"token tok-123456789 in text, and again tok-123456789": "token [redacted] in text, and again [redacted]",
		`{"secret":"unterminated`:                              `{"secret":"[redacted]`,
		// A credential is hidden whole, whatever it holds.
		"Authorization: Bearer CANARY!TOKEN": "Authorization: Bearer [redacted]",
		"Bearer CANARY=TOKEN, Basic a,b":     "Bearer [redacted], Basic [redacted]",
		"Bearer CANARY,TOKEN.":               "Bearer [redacted].",
		"Bearer $TOKEN!x":                    "Bearer [redacted]",
		`{"note":"Bearer abc\"def","n":1}`:   `{"note":"Bearer [redacted]","n":1}`,
		"Bearer [redacted]!x":                "Bearer [redacted]",
		// A challenge's open parameters stay readable.
		`WWW-Authenticate: Bearer realm="x"`:                          `WWW-Authenticate: Bearer realm="x"`,
		`Bearer realm="api", error="invalid_token", access_token="q"`: `Bearer realm="api", error="invalid_token", access_token="[redacted]"`,
		// Other words and names that are not credentials.
		"basically a bearer-less text": "basically a bearer-less text",
		"the bearerAuth scheme":        "the bearerAuth scheme",
		// URL userinfo and query parameters.
		"GET http://user:PW@host:8/v1?access_token=Q&max=5 failed": "GET http://[redacted]@host:8/v1?access_token=[redacted]&max=5 failed",
		"https://TOKEN@example.com/":                               "https://[redacted]@example.com/",
		"http://[::1]:8080/v1?x=1":                                 "http://[::1]:8080/v1?x=1",
		"mail ann@example.com at http://h/p@q":                     "mail ann@example.com at http://h/p@q",
		// Form bodies and percent-encoded names.
		"password=p1&client_secret=s2&name=n": "password=[redacted]&client_secret=[redacted]&name=n",
		"grant=x&access%5Ftoken=abc#frag":     "grant=x&access%5Ftoken=[redacted]#frag",
		"refresh_token=a;b,c d":               "refresh_token=[redacted] d",
		`api_key="x y"`:                       `api_key="[redacted]"`,
		"?max=10&event=created":               "?max=10&event=created",
		// JSON names however spelled, escapes included.
		`{"x_api_key":"k","apiKey":"k","pwd":"k","private_key":"k","credentials":{"a":1}}`: `{"x_api_key":"[redacted]","apiKey":"[redacted]","pwd":"[redacted]","private_key":"[redacted]","credentials":[redacted]}`,
		`{"api\u005fkey":"CANARY"}`: `{"api\u005fkey":"[redacted]"}`,
	}
	for in, want := range cases {
		assert.Equal(t, want, Text(in, "tok-123456789", ""), in)
		assert.Equal(t, want, Text(want, "tok-123456789", ""), "redacting twice changes nothing: %s", in)
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

// Many credentials in one text cost its length, not its length for each:
// a hostile body full of them is redacted as fast as any other.
//
// Not parallel: it counts allocations.
func TestTextLinearInCredentials(t *testing.T) {
	in := strings.Repeat("Bearer a http://u:p@h/ password=x ", 50_000)
	allocs := testing.AllocsPerRun(1, func() { _ = Text(in) })
	assert.Less(t, allocs, 200.0, "a builder per pass, not a copy per credential")
	out := Text(in)
	assert.NotContains(t, out, "u:p@")
	assert.Equal(t, 50_000, strings.Count(out, "Bearer [redacted]"))
}
