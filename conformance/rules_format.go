package conformance

import (
	"math"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// Formats (schema.format) the fast path judges itself. date-time, date and
// byte give exactly kin-openapi's verdicts; uri is a rule kin-openapi
// lacks: an absolute URI per RFC 3986.

func formatOK(f formatKind, b []byte) bool {
	switch f {
	case fmtDateTime:
		return isDateTime(b)
	case fmtDate:
		return len(b) == 10 && isDate(b)
	case fmtURI:
		return isAbsoluteURI(b)
	case fmtByte:
		return isBase64ish(b)
	}
	return true
}

func formatName(f formatKind) string {
	switch f {
	case fmtDateTime:
		return "date-time"
	case fmtDate:
		return "date"
	case fmtURI:
		return "uri"
	case fmtByte:
		return "byte"
	case fmtInt32:
		return "int32"
	case fmtInt64:
		return "int64"
	}
	return ""
}

func formatMessage(f formatKind) string {
	switch f {
	case fmtDateTime:
		return "not an RFC 3339 date-time with a time zone"
	case fmtDate:
		return "not an RFC 3339 full-date"
	case fmtURI:
		return "not an absolute URI"
	case fmtByte:
		return "not base64"
	case fmtInt32:
		return "outside the int32 range"
	case fmtInt64:
		return "outside the int64 range"
	}
	return "malformed value"
}

func intFormatOK(f formatKind, v float64) bool {
	if f == fmtInt32 {
		return v >= math.MinInt32 && v <= math.MaxInt32
	}
	return v >= math.MinInt64 && v <= math.MaxInt64
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

func twoDigits(b []byte) int { return int(b[0]-'0')*10 + int(b[1]-'0') }

// isDate checks YYYY-MM-DD with a day that exists in that month.
func isDate(b []byte) bool {
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if !digit(b[i]) {
			return false
		}
	}
	year := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + twoDigits(b[2:4])
	month, day := twoDigits(b[5:7]), twoDigits(b[8:10])
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	return day <= daysIn(month, year)
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// isDateTime checks RFC 3339 date-time: full-date "T" HH:MM:SS[.frac]
// then "Z" or ±HH:MM. The time zone is required.
func isDateTime(b []byte) bool {
	if len(b) < 20 || !isDate(b[:10]) || b[10] != 'T' {
		return false
	}
	t := b[11:]
	if !digit(t[0]) || !digit(t[1]) || t[2] != ':' || !digit(t[3]) || !digit(t[4]) || t[5] != ':' || !digit(t[6]) || !digit(t[7]) {
		return false
	}
	if twoDigits(t[0:2]) > 23 || twoDigits(t[3:5]) > 59 || twoDigits(t[6:8]) > 60 {
		return false
	}
	t = t[8:]
	if len(t) > 0 && t[0] == '.' {
		i := 1
		for i < len(t) && digit(t[i]) {
			i++
		}
		if i == 1 {
			return false
		}
		t = t[i:]
	}
	if len(t) == 1 && t[0] == 'Z' {
		return true
	}
	if len(t) != 6 || t[0] != '+' && t[0] != '-' || !digit(t[1]) || !digit(t[2]) || t[3] != ':' || !digit(t[4]) || !digit(t[5]) {
		return false
	}
	return twoDigits(t[1:3]) <= 23 && twoDigits(t[4:6]) <= 59
}

// uriChar marks the characters RFC 3986 allows in a URI outside of
// percent-encodings.
var uriChar = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "-._~:/?#[]@!$&'()*+,;=" {
		t[c] = true
	}
	return t
}()

// isAbsoluteURI: scheme ":" hier-part, only URI characters, valid
// percent-encodings, at most one "#", and a non-empty authority when the
// hier-part starts with "//".
func isAbsoluteURI(b []byte) bool {
	if len(b) == 0 || !(b[0] >= 'a' && b[0] <= 'z' || b[0] >= 'A' && b[0] <= 'Z') {
		return false
	}
	i := 1
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || digit(b[i]) || b[i] == '+' || b[i] == '-' || b[i] == '.') {
		i++
	}
	if i >= len(b) || b[i] != ':' {
		return false
	}
	rest := b[i+1:]
	if len(rest) == 0 {
		return false
	}
	hashes := 0
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		switch {
		case c == '%':
			if j+2 >= len(rest) || !jsonlex.IsHex(rest[j+1]) || !jsonlex.IsHex(rest[j+2]) {
				return false
			}
			j += 2
		case c == '#':
			hashes++
		case !uriChar[c]:
			return false
		}
	}
	if hashes > 1 {
		return false
	}
	if len(rest) >= 2 && rest[0] == '/' && rest[1] == '/' {
		auth := rest[2:]
		end := 0
		for end < len(auth) && auth[end] != '/' && auth[end] != '?' && auth[end] != '#' {
			end++
		}
		host := auth[:end]
		for k := len(host) - 1; k >= 0; k-- {
			if host[k] == '@' {
				host = host[k+1:]
				break
			}
		}
		if len(host) == 0 || host[0] == ':' {
			return false
		}
	}
	return true
}

// isBase64ish mirrors kin-openapi's byte format: ^[a-zA-Z0-9+/\-_]*=*$.
func isBase64ish(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || digit(b[i]) || b[i] == '+' || b[i] == '/' || b[i] == '-' || b[i] == '_') {
		i++
	}
	for i < len(b) && b[i] == '=' {
		i++
	}
	return i == len(b)
}
