package jsonlex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"unicode/utf8"
)

// The ways a token can be malformed. ErrEnd means the input stopped inside
// the token: a streaming reader may read more and try again.
var (
	ErrEnd       = errors.New("unexpected end of JSON")
	ErrEndString = errors.New("unexpected end of JSON in a string")
	ErrControl   = errors.New("control character in a string")
	ErrEscape    = errors.New("invalid escape in a string")
	ErrUEscape   = errors.New("invalid \\u escape in a string")
	ErrUTF8      = errors.New("invalid UTF-8 in a string")
	ErrNumber    = errors.New("invalid number")
	ErrLiteral   = errors.New("invalid literal")
)

// IsHex reports whether c is a hexadecimal digit, as in a \u escape or a
// percent-encoding.
func IsHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// Hex4 decodes the four hexadecimal digits at the start of b.
func Hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// String checks the string whose opening quote is b[0]: escapes, no raw
// control characters and, as a JSON text must be UTF-8, valid UTF-8. n is
// its length through the closing quote and esc whether it holds escapes;
// on error n is the offset of the fault (len(b) for ErrEndString).
func String(b []byte) (n int, esc bool, err error) {
	i := 1
	for {
		i = stringRunEnd(b, i)
		if i >= len(b) {
			return len(b), esc, ErrEndString
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return len(b), esc, ErrEndString
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return len(b), esc, ErrEndString
				}
				if _, ok := Hex4(b[i+2:]); !ok {
					return i, esc, ErrUEscape
				}
				i += 6
			default:
				return i, esc, ErrEscape
			}
		case c < 0x20:
			return i, esc, ErrControl
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return i, esc, ErrUTF8
			}
			i += size
		}
	}
}

// stringStop marks the bytes String must look at: the quote, the
// backslash, control characters and the start of multi-byte UTF-8.
var stringStop = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	t['"'], t['\\'] = true, true
	for i := 0x80; i < 256; i++ {
		t[i] = true
	}
	return t
}()

// stringRunEnd returns the index of the first byte at or after i that
// String must look at, eight bytes at a time.
func stringRunEnd(data []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i+8 <= len(data); i += 8 {
		x := binary.LittleEndian.Uint64(data[i:])
		q := x ^ (ones * '"')
		b := x ^ (ones * '\\')
		// A byte is flagged when it is zero in q or b (a quote or a
		// backslash), below 0x20, or has its high bit set. The classic
		// has-zero trick flags no byte before the first real match.
		m := ((q - ones) &^ q) | ((b - ones) &^ b) | ((x - ones*0x20) &^ x) | x
		if m&highs != 0 {
			return i + bits.TrailingZeros64(m&highs)/8
		}
	}
	for i < len(data) && !stringStop[data[i]] {
		i++
	}
	return i
}

// PlainRun returns how many bytes of b precede the first quote, backslash
// or control character: the bytes of a string that are copied as they are.
// Unlike String it lets any byte at or above 0x80 through, for a reader
// that keeps text as it was recorded. The quote and backslash are found
// with bytes.IndexByte (vectorised), control characters eight bytes at a
// time.
func PlainRun(b []byte) int {
	if q := bytes.IndexByte(b, '"'); q >= 0 {
		b = b[:q]
	}
	if bs := bytes.IndexByte(b, '\\'); bs >= 0 {
		b = b[:bs]
	}
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if (w-ones*0x20)&^w&highs != 0 { // some byte is below 0x20
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 {
			return i
		}
	}
	return len(b)
}

// Unescape decodes the escape that starts b (b[0] is the backslash) into
// out, which has room for utf8.UTFMax bytes, and returns the bytes written
// and the escape's width in b. A surrogate pair written as two \u escapes
// is one rune; a lone surrogate becomes U+FFFD, as in encoding/json.
// ErrEnd means b stops inside the escape.
func Unescape(out, b []byte) (n, width int, err error) {
	if len(b) < 2 {
		return 0, 0, ErrEnd
	}
	switch b[1] {
	case '"', '\\', '/':
		out[0] = b[1]
	case 'b':
		out[0] = '\b'
	case 'f':
		out[0] = '\f'
	case 'n':
		out[0] = '\n'
	case 'r':
		out[0] = '\r'
	case 't':
		out[0] = '\t'
	case 'u':
		r, ok := Hex4(b[2:])
		if !ok {
			if len(b) < 6 {
				return 0, 0, ErrEnd
			}
			return 0, 0, ErrUEscape
		}
		width = 6
		if r >= 0xd800 && r < 0xdc00 && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
			if lo, ok := Hex4(b[8:]); ok && lo >= 0xdc00 && lo < 0xe000 {
				r = (r-0xd800)<<10 + (lo - 0xdc00) + 0x10000
				width = 12
			}
		}
		if r >= 0xd800 && r < 0xe000 {
			r = utf8.RuneError
		}
		return utf8.EncodeRune(out, r), width, nil
	default:
		return 0, 0, ErrEscape
	}
	return 1, 2, nil
}

// AppendUnquoted appends to dst the content of a string String accepted
// (the bytes between its quotes), its escapes decoded.
func AppendUnquoted(dst, raw []byte) []byte {
	var out [utf8.UTFMax]byte
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\\')
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		n, width, err := Unescape(out[:], raw[i:])
		if err != nil { // not from String: keep the rest as it is
			return append(dst, raw[i:]...)
		}
		dst = append(dst, out[:n]...)
		raw = raw[i+width:]
	}
	return dst
}

// Number checks the number that starts b and returns its length; plain
// says it has no fraction and no exponent. On error n is the offset of the
// fault: ErrEnd when b stops where a digit must follow, ErrNumber for any
// other byte there.
func Number(b []byte) (n int, plain bool, err error) {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return i, false, ErrEnd
	}
	switch c := b[i]; {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i = digits(b, i)
	default:
		return i, false, ErrNumber
	}
	plain = true
	if i < len(b) && b[i] == '.' {
		plain = false
		if i, err = someDigits(b, i+1); err != nil {
			return i, false, err
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		plain = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, err = someDigits(b, i); err != nil {
			return i, false, err
		}
	}
	return i, plain, nil
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// someDigits is digits where at least one must come.
func someDigits(b []byte, i int) (int, error) {
	end := digits(b, i)
	switch {
	case end > i:
		return end, nil
	case i >= len(b):
		return i, ErrEnd
	}
	return i, ErrNumber
}

// Literal checks that b starts with word (true, false or null) and
// returns its length. ErrEnd means b is a beginning of word that stops
// short; ErrLiteral that it is something else.
func Literal(b []byte, word string) (int, error) {
	if len(b) < len(word) {
		if string(b) == word[:len(b)] {
			return len(b), ErrEnd
		}
		return 0, ErrLiteral
	}
	if string(b[:len(word)]) != word {
		return 0, ErrLiteral
	}
	return len(word), nil
}

// QuoteEnd returns the index of the quote that ends the string opening at
// s[open], or len(s) when it does not end. It only skips escapes, for text
// that merely carries JSON (a curl command, a shortened value) and may be
// cut anywhere.
func QuoteEnd[T ~string | ~[]byte](s T, open int) int {
	end := open + 1
	for end < len(s) && s[end] != '"' {
		if s[end] == '\\' {
			end++
		}
		end++
	}
	return min(end, len(s))
}

// ValueEnd returns the index just after the object or array opening at
// s[open], or len(s) when it is cut off; tolerant as QuoteEnd.
func ValueEnd[T ~string | ~[]byte](s T, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '"':
			i = QuoteEnd(s, i)
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
