package conformance

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner validates a JSON body against a compiled schema in one pass over
// the bytes: no tree is built, strings are unquoted only when a rule needs
// their content, and the JSON pointer of a value is only spelled out when a
// finding is made.
type scanner struct {
	data     []byte
	pos      int
	depth    int
	maxDepth int
	path     []pathSeg
	buf      []byte // scratch for unquoting

	// fail stops the scan: the body is malformed (syntaxErr) or too deep.
	fail      bool
	tooDeep   bool
	syntaxMsg string
	syntaxPos int

	op     string
	status int
	out    []Finding
	// asRequest judges a request body: readOnly and writeOnly apply the
	// other way round in the schemas left to kin-openapi.
	asRequest bool

	// judge memoizes the verdicts of the values the fast path leaves
	// aside, for the whole body, within one budget.
	judge          *judge
	budgetReported bool
}

// pathSeg is one step of the pointer: an object key (raw bytes, still
// quoted when esc) or an array index.
type pathSeg struct {
	key   []byte
	index int
	esc   bool
	isKey bool
}

// scanBody runs the scanner over the whole body.
func (s *scanner) scanBody(n *schemaNode) {
	s.skipWS()
	if s.pos >= len(s.data) {
		s.syntax("no JSON value")
		return
	}
	s.value(n)
	if s.fail {
		return
	}
	s.skipWS()
	if s.pos < len(s.data) {
		s.syntax("data after the JSON value")
	}
}

func (s *scanner) syntax(msg string) {
	if !s.fail {
		s.fail, s.syntaxMsg, s.syntaxPos = true, msg, s.pos
	}
}

func (s *scanner) eof() bool {
	if s.pos >= len(s.data) {
		s.syntax("unexpected end of JSON")
		return true
	}
	return false
}

func (s *scanner) skipWS() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value consumes one JSON value; n == nil means no schema applies and
// the value is only checked for well-formedness.
func (s *scanner) value(n *schemaNode) {
	s.skipWS()
	if s.eof() {
		return
	}
	if n != nil && n.slow {
		s.kinValue(n)
		return
	}
	start := s.pos
	switch c := s.data[s.pos]; c {
	case '{':
		if n != nil && !n.allows(tObject) {
			s.wrongType(n, start)
			return
		}
		s.object(n)
	case '[':
		if n != nil && !n.allows(tArray) {
			s.wrongType(n, start)
			return
		}
		s.array(n)
	case '"':
		s.stringValue(n)
	case 't':
		s.literal("true")
		if n != nil && !s.fail && !n.allows(tBoolean) {
			s.typeFinding(n, start)
		}
	case 'f':
		s.literal("false")
		if n != nil && !s.fail && !n.allows(tBoolean) {
			s.typeFinding(n, start)
		}
	case 'n':
		s.literal("null")
		if n != nil && !s.fail && !n.nullable {
			s.typeFinding(n, start)
		}
	default:
		if c == '-' || c >= '0' && c <= '9' {
			s.number(n)
			return
		}
		s.syntax("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

// wrongType reports a container of the wrong type once and skips it: nothing
// inside a value of the wrong type is judged.
func (s *scanner) wrongType(n *schemaNode, start int) {
	s.value(nil)
	if !s.fail {
		s.typeFinding(n, start)
	}
}

func (s *scanner) literal(word string) {
	if len(s.data)-s.pos < len(word) {
		s.pos = len(s.data)
		s.syntax("unexpected end of JSON")
		return
	}
	if string(s.data[s.pos:s.pos+len(word)]) != word {
		s.syntax("invalid literal")
		return
	}
	s.pos += len(word)
}

func (s *scanner) enter() bool {
	s.depth++
	if s.depth > s.maxDepth {
		s.fail, s.tooDeep = true, true
		return false
	}
	return true
}

func (s *scanner) object(n *schemaNode) {
	s.pos++ // {
	if !s.enter() {
		return
	}
	var seen uint64
	s.skipWS()
	if s.eof() {
		return
	}
	if s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		s.checkRequired(n, seen)
		return
	}
	for {
		s.skipWS()
		if s.eof() {
			return
		}
		if s.data[s.pos] != '"' {
			s.syntax("expected a property name")
			return
		}
		kstart := s.pos + 1
		esc := s.scanString()
		if s.fail {
			return
		}
		key := s.data[kstart : s.pos-1]
		s.skipWS()
		if s.eof() {
			return
		}
		if s.data[s.pos] != ':' {
			s.syntax("expected ':' after a property name")
			return
		}
		s.pos++
		s.path = append(s.path, pathSeg{key: key, esc: esc, isKey: true})
		if n == nil {
			s.value(nil)
		} else {
			s.member(n, key, esc, &seen)
		}
		s.path = s.path[:len(s.path)-1]
		if s.fail {
			return
		}
		s.skipWS()
		if s.eof() {
			return
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			s.checkRequired(n, seen)
			return
		default:
			s.syntax("expected ',' or '}' in an object")
			return
		}
	}
}

// member judges one property of an object with schema n.
func (s *scanner) member(n *schemaNode, key []byte, esc bool, seen *uint64) {
	name := key
	if esc {
		name = s.unquote(key)
	}
	if p := n.props.get(name); p != nil {
		dup := *seen&p.bit != 0
		*seen |= p.bit
		s.skipWS()
		start := s.pos
		s.value(p.node)
		if p.forbidden && !s.fail {
			s.propertyFinding(n, start)
		}
		if dup && !s.fail {
			s.duplicateFinding(start)
		}
		return
	}
	switch n.addl {
	case addlSchema:
		s.value(n.addlNode)
	case addlAllowed:
		s.value(nil)
	default:
		s.skipWS()
		start := s.pos
		s.value(nil)
		if !s.fail {
			s.propertyFinding(n, start)
		}
	}
}

func (s *scanner) checkRequired(n *schemaNode, seen uint64) {
	if n == nil {
		return
	}
	for _, p := range n.required {
		if seen&p.bit == 0 {
			s.requiredFinding(p.name)
		}
	}
}

func (s *scanner) array(n *schemaNode) {
	s.pos++ // [
	if !s.enter() {
		return
	}
	var items *schemaNode
	if n != nil {
		items = n.items
	}
	count := 0
	s.skipWS()
	if s.eof() {
		return
	}
	if s.data[s.pos] != ']' {
		for {
			s.path = append(s.path, pathSeg{index: count})
			s.value(items)
			s.path = s.path[:len(s.path)-1]
			if s.fail {
				return
			}
			count++
			s.skipWS()
			if s.eof() {
				return
			}
			if s.data[s.pos] == ',' {
				s.pos++
				continue
			}
			if s.data[s.pos] != ']' {
				s.syntax("expected ',' or ']' in an array")
				return
			}
			break
		}
	}
	s.pos++ // ]
	s.depth--
	if n != nil {
		s.checkItems(n, count)
	}
}

// stringChar marks bytes a string scan must stop at: the quote, the
// backslash, control characters and the start of multi-byte UTF-8.
var stringChar = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	t['"'], t['\\'] = true, true
	for i := 0x80; i < 256; i++ {
		t[i] = true
	}
	return t
}()

// scanString consumes a string starting at its opening quote and reports
// whether it holds escapes. RFC 8259: no raw control characters, valid
// escapes, and (as a JSON text must be UTF-8) no invalid UTF-8.
func (s *scanner) scanString() (esc bool) {
	s.pos++ // opening quote
	data := s.data
	for {
		s.pos = stringRunEnd(data, s.pos)
		if s.pos >= len(data) {
			s.syntax("unexpected end of JSON in a string")
			return esc
		}
		switch c := data[s.pos]; {
		case c == '"':
			s.pos++
			return esc
		case c == '\\':
			esc = true
			if s.pos+1 >= len(data) {
				s.pos = len(data)
				s.syntax("unexpected end of JSON in a string")
				return esc
			}
			switch data[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				if s.pos+6 > len(data) {
					s.pos = len(data)
					s.syntax("unexpected end of JSON in a string")
					return esc
				}
				for _, h := range data[s.pos+2 : s.pos+6] {
					if !isHex(h) {
						s.syntax("invalid \\u escape in a string")
						return esc
					}
				}
				s.pos += 6
			default:
				s.syntax("invalid escape in a string")
				return esc
			}
		case c < 0x20:
			s.syntax("control character in a string")
			return esc
		default:
			r, size := utf8.DecodeRune(data[s.pos:])
			if r == utf8.RuneError && size <= 1 {
				s.syntax("invalid UTF-8 in a string")
				return esc
			}
			s.pos += size
		}
	}
}

// stringRunEnd returns the index of the first byte at or after i that ends a
// run of plain string bytes (see stringChar), eight bytes at a time.
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
	for i < len(data) && !stringChar[data[i]] {
		i++
	}
	return i
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (s *scanner) stringValue(n *schemaNode) {
	start := s.pos
	esc := s.scanString()
	if s.fail || n == nil {
		return
	}
	if !n.allows(tString) {
		s.typeFinding(n, start)
		return
	}
	if !n.needsString() {
		return
	}
	str := s.data[start+1 : s.pos-1]
	if esc {
		str = s.unquote(str)
	}
	if n.enum != nil {
		if _, ok := n.enum[string(str)]; !ok {
			// Like kin-openapi, an unknown enum value is judged no further.
			s.enumFinding(n, start)
			return
		}
	}
	if n.minLen > 0 || n.maxLen >= 0 {
		l := int64(utf8.RuneCount(str))
		if l < int64(n.minLen) {
			s.constraintFinding(start, "shorter than minLength", "minLength "+strconv.FormatUint(n.minLen, 10))
		}
		if n.maxLen >= 0 && l > n.maxLen {
			s.constraintFinding(start, "longer than maxLength", "maxLength "+strconv.FormatInt(n.maxLen, 10))
		}
	}
	if n.format != fmtNone && !formatOK(n.format, str) {
		s.formatFinding(n, start)
	}
}

// unquote decodes the escapes of a string's content into the scratch
// buffer; the result is valid until the next call.
func (s *scanner) unquote(raw []byte) []byte {
	b := s.buf[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hex4(raw[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2 = hex4(raw[i+3 : i+7])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default: // " \ /
			b = append(b, raw[i])
		}
	}
	s.buf = b
	return b
}

func hex4(h []byte) rune {
	var r rune
	for _, c := range h {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// scanNumber consumes a number per RFC 8259 and reports whether it was
// written without fraction or exponent.
func (s *scanner) scanNumber() (plain bool) {
	data := s.data
	if data[s.pos] == '-' {
		s.pos++
	}
	if s.eof() {
		return false
	}
	switch c := data[s.pos]; {
	case c == '0':
		s.pos++
	case c >= '1' && c <= '9':
		for s.pos < len(data) && data[s.pos] >= '0' && data[s.pos] <= '9' {
			s.pos++
		}
	default:
		s.syntax("invalid number")
		return false
	}
	plain = true
	if s.pos < len(data) && data[s.pos] == '.' {
		plain = false
		s.pos++
		if !s.digits() {
			return false
		}
	}
	if s.pos < len(data) && (data[s.pos] == 'e' || data[s.pos] == 'E') {
		plain = false
		s.pos++
		if s.pos < len(data) && (data[s.pos] == '+' || data[s.pos] == '-') {
			s.pos++
		}
		if !s.digits() {
			return false
		}
	}
	return plain
}

func (s *scanner) digits() bool {
	start := s.pos
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
	}
	if s.pos == start {
		if !s.eof() {
			s.syntax("invalid number")
		}
		return false
	}
	return true
}

func (s *scanner) number(n *schemaNode) {
	start := s.pos
	plain := s.scanNumber()
	if s.fail {
		return
	}
	raw := s.data[start:s.pos]
	// Only an exponent or some 300 digits can leave the float64 range; such
	// a number breaks every generic JSON decoder, so it is reported even
	// where no schema applies.
	var v float64
	parsed := false
	if !plain || len(raw) > 300 {
		var err error
		v, err = strconv.ParseFloat(string(raw), 64)
		if err != nil || math.IsInf(v, 0) {
			s.rangeFinding(start)
			return
		}
		parsed = true
	}
	if n == nil {
		return
	}
	if !n.allows(tNumber) && !n.allows(tInteger) {
		s.typeFinding(n, start)
		return
	}
	if !n.needsNumber() || plain && !n.hasMin && !n.hasMax && n.format == fmtNone {
		return
	}
	if !parsed {
		v, _ = strconv.ParseFloat(string(raw), 64)
	}
	if n.integerOnly() && !plain && v != math.Trunc(v) {
		s.typeFinding(n, start)
		return
	}
	s.checkBounds(n, v, start)
}
