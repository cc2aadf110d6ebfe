package har

import (
	"errors"
	"fmt"
	"io"
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
		for i, c := range s.buf[s.pos:s.end] {
			// Most bytes seen here are not whitespace: test that first.
			if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				s.pos += i
				return c, nil
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

// next is nonSpace for places where the document must go on.
func (s *harScanner) next() (byte, error) {
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
		start := s.pos
		s.pos += jsonlex.PlainRun(s.buf[s.pos:s.end])
		dst, cut = appendCapped(dst, s.buf[start:s.pos], limit, cut)
		if s.pos == s.end {
			if !s.fill() {
				return dst, cut, s.eofErr()
			}
			continue
		}
		c := s.buf[s.pos]
		switch {
		case c == '"':
			s.pos++
			return dst, cut, nil
		case c < 0x20:
			return dst, cut, fmt.Errorf("control character 0x%02x inside a string", c)
		}
		// An escape: make sure the longest one (\uXXXX\uXXXX) is buffered.
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
		_, _, err := s.str(nil, 0)
		return err
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
			if _, _, err := s.str(nil, 0); err != nil {
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
			_, _, err = s.str(nil, 0)
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
