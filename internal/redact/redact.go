// Package redact is the one place that decides what output must not show:
// literal values registered as secret (a token), the credential after
// "Bearer " or "Basic ", and the value of every JSON property whose name
// says it holds a secret. Findings, kin-judged schemas, curl commands,
// reports and the proxy's log all go through it.
package redact

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// Marker stands in for whatever was hidden.
const Marker = "[redacted]"

// Text hides, in any text meant for output, every value of values, every
// credential (see Credentials) and every secret JSON property (see
// JSONSecrets).
func Text(s string, values ...string) string {
	if s == "" {
		return s
	}
	for _, v := range values {
		s = Value(s, v)
	}
	return JSONSecrets(Credentials(s))
}

// IsSecretName says whether a property of this name holds a credential:
// secret, clientSecret, password, accessToken, authorization and the like.
// It is the only such test; every path that prints a value asks it.
func IsSecretName[T ~string | ~[]byte](name T) bool {
	if len(name) < 5 || len(name) > 64 {
		return false
	}
	var buf [64]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return hasSecretWord(buf[:len(name)])
}

// secretWords are what a secret property's name contains, in lower case.
var secretWords = [...]string{"secret", "password", "token", "authorization"}

func hasSecretWord(lower []byte) bool {
	for _, w := range secretWords {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}

// SecretValues returns the string values of the secret properties (by
// IsSecretName) of a JSON document, at any depth, so that they can be
// hidden with Value wherever they reappear, under any name. Values shorter
// than four bytes are left out: hiding them would mangle unrelated text.
// A document that is not JSON has none.
func SecretValues(doc []byte) []string {
	if len(doc) == 0 || !hasSecretWord(bytes.ToLower(doc)) {
		return nil
	}
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, val := range v {
				walk(val, secret || IsSecretName(k))
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

// PointerHasSecret says whether any property named along the RFC 6901
// pointer is secret, so that a value found at or under it is hidden.
func PointerHasSecret(ptr string) bool {
	for ptr != "" {
		var seg string
		ptr = strings.TrimPrefix(ptr, "/")
		seg, ptr, _ = strings.Cut(ptr, "/")
		if strings.IndexByte(seg, '~') >= 0 {
			seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		}
		if IsSecretName(seg) {
			return true
		}
	}
	return false
}

// shortValue is the length below which a literal value is redacted only
// where it stands alone. Real credentials are long and random, so they are
// replaced wherever they appear; a short test token such as "x" must not
// turn "?max=10" into "?ma[redacted]=10".
const shortValue = 12

// Value replaces every occurrence of the literal value v in s with
// Marker. A value shorter than 12 bytes is replaced only where no letter or
// digit touches it on either side.
func Value(s, v string) string {
	if v == "" || !strings.Contains(s, v) {
		return s
	}
	if len(v) >= shortValue {
		return strings.ReplaceAll(s, v, Marker)
	}
	var b strings.Builder
	last := 0
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], v)
		if i < 0 {
			break
		}
		i += from
		end := i + len(v)
		if (i == 0 || !isAlnum(s[i-1])) && (end == len(s) || !isAlnum(s[end])) {
			b.WriteString(s[last:i])
			b.WriteString(Marker)
			last = end
			from = end
			continue
		}
		from = i + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Credentials hides the credential after "Bearer " or "Basic " (any case):
// the token68 characters that follow. "Bearer $WEBEX_TOKEN" in a curl
// command is no credential (the shell fills it in) and stays as it is.
func Credentials(s string) string {
	for from := 0; from < len(s); {
		i := indexB(s, from)
		if i < 0 {
			break
		}
		rest := s[i:]
		n := 0
		switch {
		case len(rest) >= 7 && strings.EqualFold(rest[:7], "bearer "):
			n = 7
		case len(rest) >= 6 && strings.EqualFold(rest[:6], "basic "):
			n = 6
		default:
			from = i + 1
			continue
		}
		start := i + n
		for start < len(s) && s[start] == ' ' {
			start++
		}
		end := start
		for end < len(s) && isToken68(s[end]) {
			end++
		}
		if end > start {
			s = s[:start] + Marker + s[end:]
			end = start + len(Marker)
		}
		from = end
	}
	return s
}

// indexB finds the next 'b' or 'B' at or after from.
func indexB(s string, from int) int {
	lower := strings.IndexByte(s[from:], 'b')
	upper := strings.IndexByte(s[from:], 'B')
	switch {
	case lower < 0 && upper < 0:
		return -1
	case lower < 0 || upper >= 0 && upper < lower:
		return from + upper
	}
	return from + lower
}

// isToken68 is RFC 9110's token68 alphabet, the shape of a credential.
func isToken68(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='
}

// JSONSecrets replaces the value of every secret JSON property (by
// IsSecretName) in text that carries JSON, such as a request body in a
// curl command or a value shortened for a finding. A string keeps its
// quotes; null is left alone.
func JSONSecrets(s string) string {
	if strings.IndexByte(s, ':') < 0 || strings.IndexByte(s, '"') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		// A quoted key...
		end := jsonlex.QuoteEnd(s, i)
		if end >= len(s) {
			break
		}
		key := s[i+1 : end]
		j := skipSpace(s, end+1)
		if j >= len(s) || s[j] != ':' || !IsSecretName(key) {
			i = end
			continue
		}
		// ...followed by a colon and a value: a string keeps its quotes,
		// anything else but null is replaced whole.
		j = skipSpace(s, j+1)
		if j >= len(s) || strings.HasPrefix(s[j:], "null") {
			i = end
			continue
		}
		from, to := j, j
		switch s[j] {
		case '"':
			from, to = j+1, jsonlex.QuoteEnd(s, j)
		case '{', '[':
			to = jsonlex.ValueEnd(s, j)
		default:
			for to < len(s) && strings.IndexByte(",}] \t\r\n", s[to]) < 0 {
				to++
			}
		}
		if s[from:to] != Marker {
			b.WriteString(s[last:from])
			b.WriteString(Marker)
			last = to
		}
		i = max(to-1, end) // the loop's i++ lands after the value
		if s[j] == '"' {
			i = to // past the closing quote too
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func skipSpace(s string, j int) int {
	for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
		j++
	}
	return j
}
