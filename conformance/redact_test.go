package conformance

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindingsAreRedacted(t *testing.T) {
	t.Parallel()
	const token = "ZmFrZS10b2tlbi1mb3ItdGVzdHM"
	e, err := New(WithRedactions(token))
	require.NoError(t, err)
	cases := []struct {
		name   string
		x      *Exchange
		hidden []string
	}{
		{"secret of wrong type", getDetails(200, webhook(t, map[string]any{"secret": 86}), jsonCT, tracking), []string{"86"}},
		{"secret deep in an undocumented object", getDetails(200, webhook(t, map[string]any{"extra": map[string]any{"deeper": map[string]any{"secret": "s3cr3t-value"}}}), jsonCT, tracking), []string{"s3cr3t-value"}},
		{"secret-like keys in a list item", exchange("GET", "/v1/webhooks", 200, `{"items":[{"clientSecret":"cs-value-1","password":"pw-value-2"}]}`, jsonCT, tracking), []string{"cs-value-1", "pw-value-2"}},
		{"registered token echoed in a header", getDetails(200, seedWebhook, jsonCT, tracking, "Link: oops "+token), []string{token}},
		{"request credential echoed in a body", getDetails(200, webhook(t, map[string]any{"name": 1, "resource": "test-token-123456"}), jsonCT, tracking), []string{"test-token-123456"}},
		{"bearer credential in a value", getDetails(200, webhook(t, map[string]any{"color": "Authorization: Bearer abc.def-ghi"}), jsonCT, tracking), []string{"abc.def-ghi"}},
		{"status with secret echo", getDetails(200, webhook(t, map[string]any{"name": []any{"secret"}, "secret": nil}), jsonCT, tracking), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := e.Validate(tc.x)
			require.NotEmpty(t, fs)
			for _, f := range fs {
				text := f.Message + " " + f.Expected + " " + f.Actual
				for _, h := range tc.hidden {
					assert.NotContains(t, text, h)
				}
			}
		})
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	e, err := New(WithRedactions("tok-123456789", ""))
	require.NoError(t, err)
	cases := map[string]string{
		"curl -H 'Authorization: Bearer tok-123456789'":        "curl -H 'Authorization: Bearer [redacted]'",
		"Authorization: bearer eyJhbGciOi.J9.x_y-z":            "Authorization: bearer [redacted]",
		"Authorization: Basic dXNlcjpwYXNz":                    "Authorization: Basic [redacted]",
		`{"name":"n","secret":"86dacc"}`:                       `{"name":"n","secret":"[redacted]"}`,
		`{"a":{"b":[{"webhookSecret" : "x\"y"}]}}`:             `{"a":{"b":[{"webhookSecret" : "[redacted]"}]}}`,
		`{"secret":null,"name":"secret"}`:                      `{"secret":null,"name":"secret"}`,
		"nothing to hide":                                      "nothing to hide",
		"token tok-123456789 in text, and again tok-123456789": "token [redacted] in text, and again [redacted]",
		`{"secret":"unterminated`:                              `{"secret":"[redacted]`,
	}
	for in, want := range cases {
		assert.Equal(t, want, e.Redact(in), in)
	}
	assert.Equal(t, "", e.Redact(""))
	assert.False(t, strings.Contains(e.Redact("Bearer "+strings.Repeat("a", 5000)), "aaaa"))
}

func TestRedactValue(t *testing.T) {
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
			assert.Equal(t, tc.want, RedactValue(tc.in, tc.value))
		})
	}
	e, err := New(WithRedactions("x"))
	require.NoError(t, err)
	assert.Equal(t, "GET http://h/webhooks?max=10 with [redacted]", e.Redact("GET http://h/webhooks?max=10 with x"))
}

// FuzzRedact: on any text Redact never panics, never lets a registered
// token through, and hides a secret-like property's value in any JSON.
func FuzzRedact(f *testing.F) {
	f.Add(`{"name":"n"}`, "86dacc007724d8ea")
	f.Add("Authorization: Bearer x", `with "quotes" and \ slashes`)
	f.Add(`{"secret":`, "}]\"[{")
	f.Add("curl -H", "eyJhbGciOiJIUzI1NiJ9.e30.abc")
	const token = "tok-9f8e7d6c5b4a"
	e, err := New(WithRedactions(token))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, text, secret string) {
		out := e.Redact(text + token + text)
		require.NotContains(t, out, token)
		if len(secret) >= 6 && strings.Trim(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=") == "" && !strings.Contains(text, secret) {
			require.NotContains(t, e.Redact(text+" Authorization: bEaReR "+secret+"\n"), secret)
		}
		enc, err := json.Marshal(map[string]any{"a": text, "list": []any{map[string]string{"clientSecret": secret}}, "z": text})
		require.NoError(t, err)
		quoted, _ := json.Marshal(secret)
		inner := string(quoted[1 : len(quoted)-1])
		rest := strings.Replace(string(enc), inner, "", 1)
		if len(inner) < 6 || strings.Contains(rest, inner) || strings.Contains(redacted, inner) {
			return
		}
		require.NotContains(t, e.Redact(string(enc)), inner)
	})
}
