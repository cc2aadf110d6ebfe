package httpheader

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrEmpty is returned (wrapped) for a header value with nothing in it.
var ErrEmpty = errors.New("empty header value")

// maxDelta is the longest representable wait; larger delta-seconds saturate
// to it instead of overflowing into a negative duration.
const maxDelta = time.Duration(math.MaxInt64)

// httpDateForms are the three HTTP-date forms of RFC 9110 §5.6.7, in the
// order a sender should prefer them. time.Parse alone is too lenient for a
// conformance check (it takes "thu", "nov", a one-digit hour, doubled
// spaces, and any zone in the RFC 850 form), so each value must first match
// the form's exact shape: 'd' a digit, '_' a digit or a space, 'a' a letter
// of a name checked against the lists below, anything else literally.
var httpDateForms = []struct {
	layout, shape string
	names         func(v string) bool
}{
	{ // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
		layout: "Mon, 02 Jan 2006 15:04:05 GMT",
		shape:  "aaa, dd aaa dddd dd:dd:dd GMT",
		names:  func(v string) bool { return isIn(v[0:3], dayNames) && isIn(v[8:11], monthNames) },
	},
	{ // obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
		layout: "Monday, 02-Jan-06 15:04:05 GMT",
		shape:  ", dd-aaa-dd dd:dd:dd GMT",
		names:  nil, // checked in parseHTTPDate: the day name's length varies
	},
	{ // obsolete asctime: Sun Nov  6 08:49:37 1994
		layout: "Mon Jan _2 15:04:05 2006",
		shape:  "aaa aaa _d dd:dd:dd dddd",
		names:  func(v string) bool { return isIn(v[0:3], dayNames) && isIn(v[4:7], monthNames) },
	},
}

var (
	dayNames     = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	longDayNames = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monthNames   = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// parseHTTPDate parses v if it has exactly one of the three shapes. now
// places the RFC 850 form's two-digit year (RFC 9110 §5.6.7: a year more
// than 50 years ahead is the most recent past one with those digits).
func parseHTTPDate(v string, now time.Time) (time.Time, bool) {
	for i, form := range httpDateForms {
		candidate := v
		if i == 1 { // RFC 850: split off the long day name
			comma := strings.IndexByte(v, ',')
			if comma < 0 || !isIn(v[:comma], longDayNames) {
				continue
			}
			candidate = v[comma:]
			if !hasShape(candidate, form.shape) || !isIn(candidate[5:8], monthNames) {
				continue
			}
		} else if !hasShape(candidate, form.shape) || !form.names(candidate) {
			continue
		}
		t, err := time.Parse(form.layout, v)
		if err != nil {
			continue
		}
		if i == 1 {
			year := now.UTC().Year()/100*100 + t.Year()%100
			if year > now.UTC().Year()+50 {
				year -= 100
			}
			t = t.AddDate(year-t.Year(), 0, 0)
		}
		return t, true
	}
	return time.Time{}, false
}

func hasShape(v, shape string) bool {
	if len(v) != len(shape) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch shape[i] {
		case 'd':
			if c < '0' || c > '9' {
				return false
			}
		case '_':
			if c != ' ' && (c < '0' || c > '9') {
				return false
			}
		case 'a':
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				return false
			}
		default:
			if c != shape[i] {
				return false
			}
		}
	}
	return true
}

func isIn(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// ParseRetryAfter returns how long a Retry-After value asks the client to
// wait, measured from now for an HTTP-date. Surrounding spaces and tabs are
// ignored. A date in the past gives 0. Delta-seconds too large for a
// time.Duration saturate. Anything that is neither 1*DIGIT nor an HTTP-date
// is an error: a sign, a fraction, a unit, an expression, or nothing at all.
func ParseRetryAfter(value string, now time.Time) (time.Duration, error) {
	v := strings.Trim(value, " \t")
	if v == "" {
		return 0, fmt.Errorf("Retry-After: %w", ErrEmpty)
	}
	if isDigits(v) {
		return deltaSeconds(v), nil
	}
	if t, ok := parseHTTPDate(v, now); ok {
		if d := t.Sub(now); d > 0 {
			return d, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("Retry-After: %q is neither delta-seconds nor an HTTP-date", truncate(v))
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// deltaSeconds converts a non-empty run of ASCII digits, saturating.
func deltaSeconds(digits string) time.Duration {
	const maxSeconds = int64(maxDelta / time.Second)
	var n int64
	for i := 0; i < len(digits); i++ {
		n = n*10 + int64(digits[i]-'0')
		if n > maxSeconds {
			return maxDelta
		}
	}
	return time.Duration(n) * time.Second
}

// truncate keeps error messages one short line even for hostile input,
// cutting on a UTF-8 boundary.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
