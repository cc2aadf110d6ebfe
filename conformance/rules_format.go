package conformance

import (
	"bytes"
	"math"
	"net/netip"
	"strings"

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
// then "Z" or ±HH:MM, T and Z in either case (RFC 3339 section 5.6). The
// time zone is required. A leap second (:60) is valid only where it can
// happen: at 23:59:60 UTC, whatever the offset it is written in.
func isDateTime(b []byte) bool {
	if len(b) < 20 || !isDate(b[:10]) || b[10] != 'T' && b[10] != 't' {
		return false
	}
	t := b[11:]
	if !digit(t[0]) || !digit(t[1]) || t[2] != ':' || !digit(t[3]) || !digit(t[4]) || t[5] != ':' || !digit(t[6]) || !digit(t[7]) {
		return false
	}
	hour, minute, second := twoDigits(t[0:2]), twoDigits(t[3:5]), twoDigits(t[6:8])
	if hour > 23 || minute > 59 || second > 60 {
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
	offset := 0 // minutes east of UTC
	switch {
	case len(t) == 1 && (t[0] == 'Z' || t[0] == 'z'):
	case len(t) == 6 && (t[0] == '+' || t[0] == '-') && digit(t[1]) && digit(t[2]) && t[3] == ':' && digit(t[4]) && digit(t[5]):
		oh, om := twoDigits(t[1:3]), twoDigits(t[4:6])
		if oh > 23 || om > 59 {
			return false
		}
		offset = oh*60 + om
		if t[0] == '-' {
			offset = -offset
		}
	default:
		return false
	}
	if second == 60 {
		utc := ((hour*60+minute-offset)%1440 + 1440) % 1440
		return utc == 23*60+59
	}
	return true
}

// uriUnreserved and uriSubDelim are RFC 3986's character classes.
func uriUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func uriSubDelim(c byte) bool {
	return strings.IndexByte("!$&'()*+,;=", c) >= 0
}

// uriChars checks that s holds only unreserved characters, sub-delims,
// percent-encodings and the extra characters given.
func uriChars(s []byte, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !jsonlex.IsHex(s[i+1]) || !jsonlex.IsHex(s[i+2]) {
				return false
			}
			i += 2
		case uriUnreserved(c) || uriSubDelim(c) || strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isAbsoluteURI: an absolute URI per RFC 3986 (a fragment allowed, as
// format uri does): scheme ":" hier-part [ "?" query ] [ "#" fragment ],
// with the authority's userinfo, host (reg-name, IPv6 or IPvFuture
// literal) and port checked. An empty host is valid syntax
// (file:///etc/passwd).
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
	if j := bytes.IndexByte(rest, '#'); j >= 0 {
		if !uriChars(rest[j+1:], ":@/?") {
			return false
		}
		rest = rest[:j]
	}
	if j := bytes.IndexByte(rest, '?'); j >= 0 {
		if !uriChars(rest[j+1:], ":@/?") {
			return false
		}
		rest = rest[:j]
	}
	if len(rest) >= 2 && rest[0] == '/' && rest[1] == '/' {
		auth := rest[2:]
		end := bytes.IndexByte(auth, '/')
		if end < 0 {
			end = len(auth)
		}
		if !isAuthority(auth[:end]) {
			return false
		}
		rest = auth[end:]
	}
	return uriChars(rest, ":@/")
}

// isAuthority: [ userinfo "@" ] host [ ":" port ].
func isAuthority(a []byte) bool {
	if k := bytes.LastIndexByte(a, '@'); k >= 0 {
		if !uriChars(a[:k], ":") {
			return false
		}
		a = a[k+1:]
	}
	var port []byte
	if len(a) > 0 && a[0] == '[' {
		end := bytes.IndexByte(a, ']')
		if end < 0 || !isIPLiteral(a[1:end]) {
			return false
		}
		port = a[end+1:]
	} else {
		host := a
		if k := bytes.IndexByte(a, ':'); k >= 0 {
			host, port = a[:k], a[k:]
		}
		if !uriChars(host, "") {
			return false
		}
	}
	if len(port) > 0 {
		if port[0] != ':' {
			return false
		}
		for _, c := range port[1:] {
			if !digit(c) {
				return false
			}
		}
	}
	return true
}

// isIPLiteral: an IPv6 address (without a zone) or an IPvFuture.
func isIPLiteral(s []byte) bool {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') {
		dot := bytes.IndexByte(s, '.')
		if dot < 2 || dot == len(s)-1 {
			return false
		}
		for _, c := range s[1:dot] {
			if !jsonlex.IsHex(c) {
				return false
			}
		}
		return uriChars(s[dot+1:], ":")
	}
	if bytes.IndexByte(s, '%') >= 0 {
		return false
	}
	ip, err := netip.ParseAddr(string(s))
	return err == nil && ip.Is6()
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
