package httpheader

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// ErrEmpty is returned (wrapped) for a header value with nothing in it.
var ErrEmpty = errors.New("empty header value")

// maxDelta is the longest representable wait; larger delta-seconds saturate
// to it instead of overflowing into a negative duration.
const maxDelta = time.Duration(math.MaxInt64)

// httpDateLayouts are the three HTTP-date forms of RFC 9110 §5.6.7, in the
// order a sender should prefer them. The zone is the literal "GMT": unlike
// http.ParseTime, an RFC 850 date in another zone is rejected.
var httpDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",  // IMF-fixdate
	"Monday, 02-Jan-06 15:04:05 GMT", // obsolete RFC 850
	"Mon Jan _2 15:04:05 2006",       // obsolete asctime
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
	for _, layout := range httpDateLayouts {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
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

// truncate keeps error messages one short line even for hostile input.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
