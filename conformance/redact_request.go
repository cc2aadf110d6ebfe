package conformance

import (
	"bytes"
	"encoding/json"
)

// requestSecrets returns the values of the secret-like properties
// (isSecretKey) of a JSON request body, at any depth, so that they can be
// redacted wherever they reappear in the exchange, under any name. Values
// shorter than four bytes are left out: redacting them would mangle
// unrelated text.
func requestSecrets(body []byte) []string {
	if len(body) == 0 || !mayHoldSecretKey(body) {
		return nil
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, val := range v {
				walk(val, secret || isSecretKey([]byte(k)))
			}
		case []any:
			for _, val := range v {
				walk(val, secret)
			}
		case string:
			if secret && len(v) >= 4 {
				out = append(out, v)
			}
		}
	}
	walk(v, false)
	return out
}

// RequestSecrets returns the values of the secret-like properties of a
// JSON request body (secret, password, token, ...: the names the engine
// never prints), for outputs of an exchange that the engine does not make
// itself, such as a recording or a curl command, to redact with
// RedactValue.
func RequestSecrets(body []byte) []string { return requestSecrets(body) }

// mayHoldSecretKey is a cheap pre-check: a body that names none of the
// secret-like words, in any case, has no secret to collect.
func mayHoldSecretKey(body []byte) bool {
	l := bytes.ToLower(body)
	for _, w := range [][]byte{[]byte("secret"), []byte("password"), []byte("token"), []byte("authorization")} {
		if bytes.Contains(l, w) {
			return true
		}
	}
	return false
}
