package conformance

import (
	"strings"
)

const redacted = "[redacted]"

// Redact replaces, in any text meant for output, the registered tokens,
// every Bearer credential and the value of every JSON "secret"-like
// property with [redacted].
func (e *Engine) Redact(s string) string {
	return redactText(s, e.redactions, "")
}

// redactText does Redact's work with one extra per-exchange value (the
// request's own credential).
func redactText(s string, values []string, extra string) string {
	if s == "" {
		return s
	}
	for _, v := range values {
		s = RedactValue(s, v)
	}
	s = RedactValue(s, extra)
	s = redactSchemes(s)
	return RedactSecrets(s)
}

// shortValue is the length below which a literal value is redacted only
// where it stands alone. Real credentials are long and random, so they are
// replaced wherever they appear; a short test token such as "x" must not
// turn "?max=10" into "?ma[redacted]=10".
const shortValue = 12

// RedactValue replaces every occurrence of the literal value v in s with
// [redacted]. A value shorter than 12 bytes is replaced only where no
// letter or digit touches it on either side.
func RedactValue(s, v string) string {
	if v == "" || !strings.Contains(s, v) {
		return s
	}
	if len(v) >= shortValue {
		return strings.ReplaceAll(s, v, redacted)
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
			b.WriteString(redacted)
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

// redactSchemes hides the credential after "Bearer " or "Basic " (any case).
func redactSchemes(s string) string {
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
			s = s[:start] + redacted + s[end:]
			end = start + len(redacted)
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

func isToken68(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='
}

// RedactSecrets replaces the value of every secret-like JSON property
// ("secret", "clientSecret", "password", "accessToken", ...: the names
// whose values the engine never prints) in text that carries JSON, such as
// a request body in a curl command. A string keeps its quotes; null is left
// alone.
func RedactSecrets(s string) string {
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
		end := closingQuote(s, i)
		if end >= len(s) {
			break
		}
		key := s[i+1 : end]
		j := end + 1
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
			j++
		}
		if j >= len(s) || s[j] != ':' || !isSecretKey([]byte(key)) {
			i = end
			continue
		}
		// ...followed by a colon and a value: a string keeps its quotes,
		// anything else but null is replaced whole.
		j++
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
			j++
		}
		if j >= len(s) || strings.HasPrefix(s[j:], "null") {
			i = end
			continue
		}
		from, to := j, j
		switch s[j] {
		case '"':
			from, to = j+1, min(closingQuote(s, j), len(s))
		case '{', '[':
			to = balancedEnd(s, j)
		default:
			for to < len(s) && strings.IndexByte(",}] \t\r\n", s[to]) < 0 {
				to++
			}
		}
		if s[from:to] != redacted {
			b.WriteString(s[last:from])
			b.WriteString(redacted)
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

// closingQuote returns the index of the quote ending the JSON string that
// opens at s[open], or len(s) or more when it is unterminated.
func closingQuote(s string, open int) int {
	end := open + 1
	for end < len(s) && s[end] != '"' {
		if s[end] == '\\' {
			end++
		}
		end++
	}
	return end
}

// balancedEnd returns the index just after the object or array that opens
// at s[open], or len(s) when it is cut off.
func balancedEnd(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '"':
			i = closingQuote(s, i)
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}
