package jsonlex

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in  string
		n   int
		esc bool
		err error
	}{
		{`"abc"`, 5, false, nil},
		{`"abc" tail`, 5, false, nil},
		{`"a\"b"`, 6, true, nil},
		{`"caf\u00e9"`, 11, true, nil},
		{`"café, long enough for a word at a time"`, 41, false, nil},
		{`"abc`, 4, false, ErrEndString},
		{`"ab\`, 4, true, ErrEndString},
		{`"ab\u12`, 7, true, ErrEndString},
		{`"ab\u12x4"`, 3, true, ErrUEscape},
		{`"ab\x"`, 3, true, ErrEscape},
		{"\"ab\x01\"", 3, false, ErrControl},
		{"\"ab\xff\"", 3, false, ErrUTF8},
		{"\"0123456789\xc3\"", 11, false, ErrUTF8},
	} {
		n, esc, err := String([]byte(tc.in))
		assert.Equal(t, tc.n, n, "%q", tc.in)
		assert.Equal(t, tc.esc, esc, "%q", tc.in)
		assert.Equal(t, tc.err, err, "%q", tc.in)
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		n     int
		plain bool
		err   error
	}{
		{"0", 1, true, nil},
		{"-12,", 3, true, nil},
		{"1.5e+3]", 6, false, nil},
		{"01", 1, true, nil}, // the number is 0; what follows is the caller's
		{"-", 1, false, ErrEnd},
		{"1.", 2, false, ErrEnd},
		{"1e", 2, false, ErrEnd},
		{"1.x", 2, false, ErrNumber},
		{"-a", 1, false, ErrNumber},
	} {
		n, plain, err := Number([]byte(tc.in))
		assert.Equal(t, tc.n, n, "%q", tc.in)
		assert.Equal(t, tc.err, err, "%q", tc.in)
		if err == nil {
			assert.Equal(t, tc.plain, plain, "%q", tc.in)
		}
	}
}

func TestLiteral(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, word string
		n        int
		err      error
	}{
		{"true,", "true", 4, nil},
		{"null", "null", 4, nil},
		{"fal", "false", 3, ErrEnd},
		{"", "null", 0, ErrEnd},
		{"nul!", "null", 0, ErrLiteral},
		{"tx", "true", 0, ErrLiteral},
	} {
		n, err := Literal([]byte(tc.in), tc.word)
		assert.Equal(t, tc.n, n, tc.in)
		assert.Equal(t, tc.err, err, tc.in)
	}
}

func TestUnescape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, out string
		width   int
		err     error
	}{
		{`\n`, "\n", 2, nil},
		{`\/`, "/", 2, nil},
		{`\u00e9`, "é", 6, nil},
		{`\ud83d\ude00`, "😀", 12, nil},
		{`\ud83d!`, "\uFFFD", 6, nil},
		{`\ude00`, "\uFFFD", 6, nil},
		{`\u12`, "", 0, ErrEnd},
		{`\u12z4`, "", 0, ErrUEscape},
		{`\q`, "", 0, ErrEscape},
		{`\`, "", 0, ErrEnd},
	} {
		var out [4]byte
		n, width, err := Unescape(out[:], []byte(tc.in))
		assert.Equal(t, tc.err, err, "%q", tc.in)
		assert.Equal(t, tc.out, string(out[:n]), "%q", tc.in)
		assert.Equal(t, tc.width, width, "%q", tc.in)
	}
}

func TestPlainRun(t *testing.T) {
	t.Parallel()
	naive := func(b []byte) int {
		for i, c := range b {
			if c == '"' || c == '\\' || c < 0x20 {
				return i
			}
		}
		return len(b)
	}
	// Every special byte at every position of a 20-byte run, amid bytes
	// that sit next to the special ones in value.
	for _, special := range []byte{'"', '\\', 0x00, 0x1f, '\n'} {
		for pos := 0; pos <= 20; pos++ {
			b := []byte("!#[]\x20\x21\x7f\x80\xff\xe9!#[]\x20\x21\xc3\xa9ab")
			if pos < len(b) {
				b[pos] = special
			}
			require.Equal(t, naive(b), PlainRun(b), "special %q at %d", special, pos)
		}
	}
	for i := 0; i < 256; i++ {
		b := []byte(strings.Repeat(string([]byte{byte(i)}), 17))
		require.Equal(t, naive(b), PlainRun(b), "byte %#x", i)
	}
}

func TestQuoteEndAndValueEnd(t *testing.T) {
	t.Parallel()
	s := `{"a":"x\"}","b":[1,{"c":"]"}]} tail`
	assert.Equal(t, 10, QuoteEnd(s, 5))
	assert.Equal(t, 30, ValueEnd(s, 0))
	assert.Equal(t, 29, ValueEnd([]byte(s), 15))
	assert.Equal(t, 4, QuoteEnd(`"ab\`, 0), "a cut string ends with the text")
	assert.Equal(t, 5, ValueEnd(`{"a":`, 0))
}

// FuzzLex holds String, Unescape and Number to encoding/json: a string
// String accepts is one json.Unmarshal decodes to what AppendUnquoted
// gives, and a number Number takes whole is a valid JSON number.
func FuzzLex(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\u00e9\ud83d\ude00\n"`, `"\ud800"`, "\"\xff\"", `-1.5e3`, `01`, `"\u12"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 0 && b[0] == '"' {
			n, _, err := String(b)
			valid := json.Valid(b[:n])
			if err != nil {
				require.LessOrEqual(t, n, len(b))
				return
			}
			require.True(t, valid, "String accepted %q", b[:n])
			var want string
			require.NoError(t, json.Unmarshal(b[:n], &want))
			require.Equal(t, want, string(AppendUnquoted(nil, b[1:n-1])))
			return
		}
		n, _, err := Number(b)
		require.LessOrEqual(t, n, len(b))
		if err == nil && n == len(b) {
			require.True(t, json.Valid(b), "Number accepted %q", b)
		}
		if json.Valid(b) && len(bytes.TrimSpace(b)) == len(b) && len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
			require.NoError(t, err)
			require.Equal(t, len(b), n, "%q", b)
		}
	})
}

// The eight-bytes-at-a-time string scan must stop exactly where the
// byte-at-a-time one does.
func TestStringRunEndMatchesByteScan(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte{'a', 'Z', ' ', '~', 0x7f, '"', '\\', 0x00, 0x1f, 0x20, 0x21, 0x80, 0xc3, 0xff, '0'}
	for i := 0; i < 20000; i++ {
		b := make([]byte, r.IntN(40))
		for j := range b {
			if r.IntN(6) == 0 {
				b[j] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[j] = byte('a' + r.IntN(26))
			}
		}
		start := 0
		if len(b) > 0 {
			start = r.IntN(len(b))
		}
		want := start
		for want < len(b) && !stringStop[b[want]] {
			want++
		}
		require.Equal(t, want, stringRunEnd(b, start), "%q from %d", b, start)
	}
}
