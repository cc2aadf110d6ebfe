package har

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// harScanner is a JSON tokenizer over a stream, built for reading large
// recordings fast: it never builds a generic tree, copies only the strings
// it is asked for, and skips everything else in place.
type harScanner struct {
	r     io.Reader
	buf   []byte
	pos   int
	end   int
	base  int64 // input offset of buf[0]
	rerr  error
	depth int
	// stack holds, per container skipValue is inside, whether it is an
	// object; kept to spare an allocation per skipped value.
	stack []bool
	// numberScanned counts the bytes numberToken examined, so that a test
	// can hold it linear in the input.
	numberScanned int64
}

var errHARTruncated = errors.New("unexpected end of file: the recording is truncated")

func (s *harScanner) offset() int64 { return s.base + int64(s.pos) }

// fill reads more input after the unread bytes; false when there is none.
func (s *harScanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// eofErr is the error for input that ended early: a read error, or a
// truncation.
func (s *harScanner) eofErr() error {
	if s.rerr != nil && s.rerr != io.EOF {
		return s.rerr
	}
	return errHARTruncated
}

// nonSpace skips whitespace and returns the next byte without consuming
// it; io.EOF at a clean end of input.
func (s *harScanner) nonSpace() (byte, error) {
	for {
		b := s.buf[s.pos:s.end]
		for i := 0; i < len(b); {
			c := b[i]
			// Most bytes seen here are not whitespace: test that first.
			if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				s.pos += i
				return c, nil
			}
			i++
			// An indented recording puts runs of spaces after each line
			// break: skip them eight at a time, and to the first byte that
			// is not a space at once.
			for i+8 <= len(b) {
				w := binary.LittleEndian.Uint64(b[i:]) ^ spaces8
				if w != 0 {
					i += bits.TrailingZeros64(w) / 8
					break
				}
				i += 8
			}
		}
		s.pos = s.end
		if !s.fill() {
			if s.rerr != nil && s.rerr != io.EOF {
				return 0, s.rerr
			}
			return 0, io.EOF
		}
	}
}

const spaces8 = 0x2020202020202020

// next is nonSpace for places where the document must go on. The common
// case, a token right where the last one ended, is inlined.
func (s *harScanner) next() (byte, error) {
	if s.pos < s.end {
		if c := s.buf[s.pos]; c > ' ' {
			return c, nil
		}
	}
	return s.nextSlow()
}

func (s *harScanner) nextSlow() (byte, error) {
	c, err := s.nonSpace()
	if err == io.EOF {
		err = errHARTruncated
	}
	return c, err
}

func (s *harScanner) enter() error {
	s.depth++
	if s.depth > harMaxDepth {
		return fmt.Errorf("nesting deeper than %d levels", harMaxDepth)
	}
	return nil
}

// str reads the rest of a string whose opening quote is consumed,
// appending its unescaped bytes to dst up to limit bytes; cut reports that
// more followed (they are read and dropped).
func (s *harScanner) str(dst []byte, limit int64) (out []byte, cut bool, err error) {
	for {
		b := s.buf[s.pos:s.end]
		n := plainRun(b)
		if n > 0 {
			dst, cut = appendCapped(dst, b[:n], limit, cut)
			s.pos += n
		}
		if n == len(b) {
			if !s.fill() {
				return dst, cut, s.eofErr()
			}
			continue
		}
		switch c := b[n]; {
		case c == '"':
			s.pos++
			return dst, cut, nil
		case c < 0x20:
			return dst, cut, fmt.Errorf("control character 0x%02x inside a string", c)
		}
		// An escape. The one-byte escapes (\" above all, in a recorded
		// JSON body) are the common ones.
		if n+1 < len(b) {
			if e := simpleEscapes[b[n+1]]; e != 0 {
				s.pos += 2
				if int64(len(dst)) < limit {
					dst = append(dst, e)
				} else {
					cut = true
				}
				continue
			}
		}
		// Make sure the longest one (\uXXXX\uXXXX) is buffered.
		for s.end-s.pos < 12 && s.fill() {
		}
		var esc [utf8.UTFMax]byte
		n, width, err := s.unescape(esc[:])
		if err != nil {
			return dst, cut, err
		}
		s.pos += width
		dst, cut = appendCapped(dst, esc[:n], limit, cut)
	}
}

// skipStr reads the rest of a string whose opening quote is consumed,
// checking it and keeping nothing.
func (s *harScanner) skipStr() error {
	for {
		b := s.buf[s.pos:s.end]
		n := plainRun(b)
		s.pos += n
		if n == len(b) {
			if !s.fill() {
				return s.eofErr()
			}
			continue
		}
		switch c := b[n]; {
		case c == '"':
			s.pos++
			return nil
		case c < 0x20:
			return fmt.Errorf("control character 0x%02x inside a string", c)
		}
		if n+1 < len(b) && simpleEscapes[b[n+1]] != 0 {
			s.pos += 2
			continue
		}
		for s.end-s.pos < 12 && s.fill() {
		}
		var esc [utf8.UTFMax]byte
		_, width, err := s.unescape(esc[:])
		if err != nil {
			return err
		}
		s.pos += width
	}
}

// simpleEscapes maps the byte after a backslash to what the two-byte
// escape stands for; 0 for \u and for what is no escape.
var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// plainRun returns how many bytes of b precede the first quote, backslash
// or control character: the bytes of a string that are copied as they
// are. It looks at eight bytes at a time for all three at once, which
// suits the short runs between the escapes of a recorded JSON body as
// well as a long base64 text.
func plainRun(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q := w ^ (ones * '"')
		bs := w ^ (ones * '\\')
		// A byte of q or bs is zero where w has a quote or a backslash;
		// w - 0x20 borrows where a byte is below 0x20. The lowest flagged
		// byte is exact (a false flag only follows a true one).
		if m := ((q - ones) &^ q) | ((bs - ones) &^ bs) | ((w - ones*0x20) &^ w); m&highs != 0 {
			return i + bits.TrailingZeros64(m&highs)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return len(b)
}

func appendCapped(dst, b []byte, limit int64, cut bool) ([]byte, bool) {
	room := limit - int64(len(dst))
	if int64(len(b)) > room {
		if room > 0 {
			dst = append(dst, b[:room]...)
		}
		return dst, true
	}
	return append(dst, b...), cut
}

// unescape decodes the escape at s.pos into out, returning the bytes
// written and the escape's width in the input.
func (s *harScanner) unescape(out []byte) (n, width int, err error) {
	b := s.buf[s.pos:s.end]
	n, width, err = jsonlex.Unescape(out, b)
	switch err {
	case nil:
		return n, width, nil
	case jsonlex.ErrEnd:
		return 0, 0, s.eofErr()
	case jsonlex.ErrEscape:
		return 0, 0, fmt.Errorf("invalid escape %s in a string", quoteByte(b[1]))
	}
	return 0, 0, err
}

// literal consumes word (true, false, null) at s.pos.
func (s *harScanner) literal(word string) error {
	for s.end-s.pos < len(word) && s.fill() {
	}
	n, err := jsonlex.Literal(s.buf[s.pos:s.end], word)
	switch err {
	case nil:
		s.pos += n
		return nil
	case jsonlex.ErrEnd:
		return s.eofErr()
	}
	return fmt.Errorf("invalid literal, expected %s", word)
}

// numberToken consumes a JSON number at s.pos and returns its text, valid
// until the next read.
//
// A number cut by the end of the buffer is resumed where the scan stopped,
// not rescanned from its first byte: a pipe hands over 64 KiB at a time,
// and rescanning would make a long number quadratic.
func (s *harScanner) numberToken() ([]byte, error) {
	seen := 0 // bytes of the token already scanned, from s.pos
	for {
		i := s.pos + seen
		for i < s.end && isHARNumberByte(s.buf[i]) {
			i++
		}
		s.numberScanned += int64(i - s.pos - seen)
		seen = i - s.pos
		if i == s.end && s.fill() {
			continue
		}
		// A fill that found no more input may still have moved the bytes.
		i = s.pos + seen
		tok := s.buf[s.pos:i]
		if n, _, err := jsonlex.Number(tok); err != nil || n != len(tok) {
			if len(tok) == 0 {
				if s.pos == s.end {
					return nil, s.eofErr()
				}
				return nil, fmt.Errorf("unexpected %s", quoteByte(s.buf[s.pos]))
			}
			return nil, fmt.Errorf("malformed number %q", tok)
		}
		s.pos = i
		return tok, nil
	}
}

func isHARNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// skipValue consumes one JSON value of any kind, checking its syntax,
// without keeping any of it.
func (s *harScanner) skipValue() error {
	c, err := s.next()
	if err != nil {
		return err
	}
	switch c {
	case '{':
		return s.skipContainer('{')
	case '[':
		return s.skipContainer('[')
	case '"':
		s.pos++
		return s.skipStr()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	_, err = s.numberToken()
	return err
}

// skipContainer skips an object or array iteratively, so that a hostile
// nesting costs a byte per level, not a stack frame.
func (s *harScanner) skipContainer(open byte) error {
	s.stack = s.stack[:0]
	if err := s.push(open == '{'); err != nil {
		return err
	}
	first := true // right after an opening bracket: it may close at once
	for len(s.stack) > 0 {
		obj := s.stack[len(s.stack)-1]
		c, err := s.next()
		if err != nil {
			return err
		}
		if (obj && c == '}') || (!obj && c == ']') {
			if !first {
				return fmt.Errorf("unexpected %s after ','", quoteByte(c))
			}
			s.pop()
			if first, err = s.afterValue(); err != nil {
				return err
			}
			continue
		}
		if obj {
			if c != '"' {
				return fmt.Errorf("expected a member name, found %s", quoteByte(c))
			}
			s.pos++
			if err := s.skipStr(); err != nil {
				return err
			}
			if c, err = s.next(); err != nil {
				return err
			}
			if c != ':' {
				return fmt.Errorf("expected ':' after a member name, found %s", quoteByte(c))
			}
			s.pos++
			if c, err = s.next(); err != nil {
				return err
			}
		}
		switch c {
		case '{', '[':
			if err := s.push(c == '{'); err != nil {
				return err
			}
			first = true
			continue
		case '"':
			s.pos++
			err = s.skipStr()
		case 't':
			err = s.literal("true")
		case 'f':
			err = s.literal("false")
		case 'n':
			err = s.literal("null")
		default:
			_, err = s.numberToken()
		}
		if err != nil {
			return err
		}
		if first, err = s.afterValue(); err != nil {
			return err
		}
	}
	return nil
}

func (s *harScanner) push(obj bool) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.stack = append(s.stack, obj)
	s.pos++
	return nil
}

func (s *harScanner) pop() {
	s.pos++
	s.stack = s.stack[:len(s.stack)-1]
	s.depth--
}

// afterValue consumes the ',' or closing brackets after a value inside the
// containers on the stack; first is always false, as a ',' was consumed or
// nothing is left open.
func (s *harScanner) afterValue() (first bool, err error) {
	for len(s.stack) > 0 {
		obj := s.stack[len(s.stack)-1]
		c, err := s.next()
		if err != nil {
			return false, err
		}
		switch {
		case c == ',':
			s.pos++
			return false, nil
		case (obj && c == '}') || (!obj && c == ']'):
			s.pop()
		default:
			return false, fmt.Errorf("expected ',' or a closing bracket, found %s", quoteByte(c))
		}
	}
	return false, nil
}
