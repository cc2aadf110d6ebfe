package conformance

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTranslateECMA(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, input string
		match          bool
	}{
		{`^\s$`, "\u000b", true},
		{`^\s$`, "\u00a0", true},
		{`^\s$`, "\ufeff", true},
		{`^\s$`, "\u2028", true},
		{`^\s$`, "\u3000", true},
		{`^\s$`, "x", false},
		{`^\S$`, "\u00a0", false},
		{`^[\s,]+$`, " ,\u00a0", true},
		{`^\cC$`, "\u0003", true},
		{`^\cj$`, "\n", true},
		{`^\u00e9$`, "é", true},
		{`^.$`, "\r", false},
		{`^.$`, "\u2029", false},
		{`^[^]$`, "\n", true},
		{`^a[]$`, "a", false},
		{`^\p{Letter}+$`, "école", true},
		{`^\p{digit}+$`, "৪২", true},
		{`^\P{Lu}$`, "a", true},
		{`^\d+$`, "১২", false}, // \d is ASCII in ECMA-262
		{`^\/api\/v1$`, "/api/v1", true},
		{`^a\-b$`, "a-b", true},
		{`^\0$`, "\x00", true},
	}
	for _, tc := range cases {
		re, err := ecmaRegexp(tc.pattern)
		require.NoError(t, err, tc.pattern)
		assert.Equal(t, tc.match, re.MatchString(tc.input), "%s on %q", tc.pattern, tc.input)
	}
	for _, bad := range []string{`^(?=a)`, `^(?!a)`, `(?<=a)b`, `(a)\1`, `[\S]`, `\01`} {
		_, err := ecmaRegexp(bad)
		assert.Error(t, err, bad)
	}
}

// FuzzECMAPattern: translating any pattern never panics, a translation
// that compiles matches without panicking, and a pattern with nothing
// ECMA-262 and RE2 read differently is kept as it is.
func FuzzECMAPattern(f *testing.F) {
	for _, seed := range [][2]string{{`^\s+$`, " \u00a0"}, {`^\cC$`, "\x03"}, {`[^]`, "x"}, {`^[a-z]{2,3}$`, "ab"}, {`\p{Letter}`, "é"}, {`(?=a)`, "a"}, {`\`, ""}, {`[\`, ""}, {`\c`, ""}, {`\u12`, ""}} {
		f.Add(seed[0], seed[1])
	}
	plain := regexp.MustCompile(`^[a-zA-Z0-9^$*+?{},|() -]*$`)
	f.Fuzz(func(t *testing.T, pattern, input string) {
		translated, err := translateECMA(pattern)
		if err != nil {
			return
		}
		if plain.MatchString(pattern) && !strings.Contains(pattern, "(?") {
			require.Equal(t, pattern, translated)
		}
		if re, err := regexp.Compile(translated); err == nil {
			re.MatchString(input)
		}
	})
}
