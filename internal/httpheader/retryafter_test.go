package httpheader

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		value   string
		want    time.Duration
		wantErr bool
	}{
		{name: "zero", value: "0", want: 0},
		{name: "one", value: "1", want: time.Second},
		{name: "captured Webex value", value: "194", want: 194 * time.Second},
		{name: "leading zeros", value: "007", want: 7 * time.Second},
		{name: "surrounding OWS", value: " \t30 \t", want: 30 * time.Second},
		{name: "largest exact", value: "9223372036", want: 9223372036 * time.Second},
		{name: "saturates just above", value: "9223372037", want: time.Duration(math.MaxInt64)},
		{name: "saturates huge", value: "99999999999999999999999999999999", want: time.Duration(math.MaxInt64)},
		{name: "IMF-fixdate future", value: "Thu, 26 Nov 2026 12:00:30 GMT", want: 30 * time.Second},
		{name: "IMF-fixdate now", value: "Thu, 26 Nov 2026 12:00:00 GMT", want: 0},
		{name: "IMF-fixdate past", value: "Wed, 21 Oct 2015 07:28:00 GMT", want: 0},
		{name: "RFC 850 future", value: "Thursday, 26-Nov-26 12:01:00 GMT", want: time.Minute},
		{name: "RFC 850 year within 50 years ahead", value: "Friday, 26-Nov-76 12:00:00 GMT", want: time.Date(2076, 11, 26, 12, 0, 0, 0, time.UTC).Sub(now)},
		{name: "RFC 850 year more than 50 years ahead is past", value: "Sunday, 06-Nov-94 08:49:37 GMT", want: 0},
		{name: "asctime future", value: "Thu Nov 26 12:00:10 2026", want: 10 * time.Second},
		{name: "asctime single-digit day", value: "Sun Nov  6 08:49:37 1994", want: 0},
		{name: "asctime two-digit day", value: "Thu Nov 26 12:00:10 2026", want: 10 * time.Second},
		{name: "date with OWS", value: "  Thu, 26 Nov 2026 12:00:05 GMT\t", want: 5 * time.Second},

		{name: "empty", value: "", wantErr: true},
		{name: "only spaces", value: "   ", wantErr: true},
		{name: "Webex expression", value: "rand(30),add(30)", wantErr: true},
		{name: "negative", value: "-5", wantErr: true},
		{name: "plus sign", value: "+5", wantErr: true},
		{name: "fraction", value: "1.5", wantErr: true},
		{name: "unit", value: "30s", wantErr: true},
		{name: "inner space", value: "3 0", wantErr: true},
		{name: "list", value: "30, 60", wantErr: true},
		{name: "hex", value: "0x1e", wantErr: true},
		{name: "non-ASCII digits", value: "３０", wantErr: true},
		{name: "RFC 850 non-GMT zone", value: "Thursday, 26-Nov-26 12:01:00 PST", wantErr: true},
		{name: "IMF-fixdate UTC instead of GMT", value: "Thu, 26 Nov 2026 12:00:30 UTC", wantErr: true},
		{name: "RFC 3339", value: "2026-11-26T12:00:30Z", wantErr: true},
		{name: "date with trailing text", value: "Thu, 26 Nov 2026 12:00:30 GMT x", wantErr: true},
		{name: "impossible date", value: "Thu, 31 Nov 2026 12:00:30 GMT", wantErr: true},
		{name: "hour 24", value: "Thu, 26 Nov 2026 24:00:00 GMT", wantErr: true},
		{name: "lower-case names", value: "thu, 26 nov 2026 12:00:30 GMT", wantErr: true},
		{name: "lower-case zone", value: "Thu, 26 Nov 2026 12:00:30 gmt", wantErr: true},
		{name: "one-digit day", value: "Thu, 6 Nov 2026 12:00:30 GMT", wantErr: true},
		{name: "one-digit hour", value: "Thu, 26 Nov 2026 1:00:30 GMT", wantErr: true},
		{name: "doubled space", value: "Thu,  26 Nov 2026 12:00:30 GMT", wantErr: true},
		{name: "long day name in IMF-fixdate", value: "Thursday, 26 Nov 2026 12:00:30 GMT", wantErr: true},
		{name: "unknown day name", value: "Xyz, 26 Nov 2026 12:00:30 GMT", wantErr: true},
		{name: "unknown month", value: "Thu, 26 Foo 2026 12:00:30 GMT", wantErr: true},
		{name: "RFC 850 short day name", value: "Thu, 26-Nov-26 12:01:00 GMT", wantErr: true},
		{name: "RFC 850 four-digit year", value: "Thursday, 26-Nov-2026 12:01:00 GMT", wantErr: true},
		{name: "RFC 850 bad month", value: "Thursday, 26-nov-26 12:01:00 GMT", wantErr: true},
		{name: "asctime zero-padded day (2DIGIT is allowed)", value: "Fri Nov 06 12:00:10 2026", want: 0},
		{name: "asctime unpadded day", value: "Thu Nov 6 12:00:10 2026", wantErr: true},
		{name: "asctime with zone", value: "Thu Nov 26 12:00:10 GMT 2026", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRetryAfter(tt.value, now)
			if tt.wantErr {
				require.Error(t, err)
				assert.Zero(t, got)
				assert.Contains(t, err.Error(), "Retry-After")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseRetryAfterErrorIsShort(t *testing.T) {
	t.Parallel()
	long := make([]byte, 10000)
	for i := range long {
		long[i] = 'x'
	}
	_, err := ParseRetryAfter(string(long), time.Now())
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", " 5 ", "-1", "1.5", "rand(30),add(30)",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT", "Wed Oct 21 07:28:00 2015",
		"99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, value string) {
		d, err := ParseRetryAfter(value, now)
		if err != nil {
			if d != 0 {
				t.Fatalf("error with non-zero duration %v", d)
			}
			return
		}
		if d < 0 {
			t.Fatalf("negative wait %v for %q", d, value)
		}
		// Parsing is a function of the value alone: surrounding OWS does not change it.
		d2, err := ParseRetryAfter(" "+value+"\t", now)
		if err != nil || d2 != d {
			t.Fatalf("OWS changed the result for %q: %v, %v", value, d2, err)
		}
	})
}
