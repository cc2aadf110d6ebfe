package conformance

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
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

	// err stops the scan: a *syntaxError for a body that is not JSON, or
	// errTooDeep.
	err error

	// site is where the scanned value is: its location maps the scan's
	// issues to rules.
	site site
	out  []Finding
	// asRequest judges a request's value: readOnly and writeOnly apply
	// the other way round in the schemas left to the judge.
	asRequest bool
	dialect   dialect

	// judge memoizes the verdicts of the values the fast path leaves
	// aside, for the whole body, within one budget.
	judge          *judge
	budgetReported bool

	// perRule counts the findings of each kind of issue (each rule of
	// the location), so that a body keeps at most maxPerRule of each (see
	// emit); 0 keeps them all.
	maxPerRule int
	perRule    [issueKinds]ruleCount
	nPerRule   int

	// quiet tries a combinator's branch: the first fault stops the scan
	// with errProbe instead of making a finding (combine.go).
	quiet bool
	// seenExt holds the seen bits of objects with more than 64
	// properties, past the first 64, per object being read.
	seenExt []uint64
	probes  map[probeKey]bool
	// faults counts the findings other than body.undocumented and
	// body.duplicate, kept or dropped by the cap.
	faults int

	// cov, when set, is marked with the properties and enum values met.
	cov *Coverage
}

// ruleCount is how many findings of a kind of issue a scan kept and
// dropped, in the order the kinds were first met.
type ruleCount struct {
	kind          issueKind
	kept, dropped int
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
	if s.err != nil {
		return
	}
	s.skipWS()
	if s.pos < len(s.data) {
		s.syntax("data after the JSON value")
	}
}

// syntaxError is where and why a body stopped being JSON.
type syntaxError struct {
	err    error
	offset int
}

func (e *syntaxError) Error() string { return e.err.Error() + " at byte " + strconv.Itoa(e.offset) }
func (e *syntaxError) Unwrap() error { return e.err }

// errTooDeep stops a scan at the nesting cap.
var errTooDeep = errors.New("the JSON nests deeper than the nesting cap")

// stop ends the scan with err at the current position; the first error
// stands.
func (s *scanner) stop(err error) {
	if s.err == nil {
		s.err = &syntaxError{err: err, offset: s.pos}
	}
}

func (s *scanner) syntax(msg string) { s.stop(errors.New(msg)) }

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
	if n != nil && n.comb != nil {
		s.combValue(n)
		return
	}
	s.plainValue(n)
}

// plainValue is value by n's own keywords, without its combinators.
func (s *scanner) plainValue(n *schemaNode) {
	if n != nil && n.enumAny != nil && !s.anyEnumOK(n) {
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
		if n != nil && s.err == nil && !n.allows(tBoolean) {
			s.typeFinding(n, start)
		}
	case 'f':
		s.literal("false")
		if n != nil && s.err == nil && !n.allows(tBoolean) {
			s.typeFinding(n, start)
		}
	case 'n':
		s.literal("null")
		// OAS 3.0.3: nullable modifies an explicit type; a schema without
		// one admits null.
		if n != nil && s.err == nil && !n.nullable && n.types != 0 {
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
	if s.err == nil {
		s.typeFinding(n, start)
	}
}

func (s *scanner) literal(word string) {
	n, err := jsonlex.Literal(s.data[s.pos:], word)
	s.pos += n
	if err != nil {
		s.stop(err)
	}
}

func (s *scanner) enter() bool {
	s.depth++
	if s.depth > s.maxDepth {
		if s.err == nil {
			s.err = errTooDeep
		}
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
	ext := len(s.seenExt)
	if n != nil && n.words > 1 {
		for range n.words - 1 {
			s.seenExt = append(s.seenExt, 0)
		}
		defer func() { s.seenExt = s.seenExt[:ext] }()
	}
	s.skipWS()
	if s.eof() {
		return
	}
	if s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		s.checkRequired(n, seen, ext)
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
		if s.err != nil {
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
			s.member(n, key, esc, &seen, ext)
		}
		s.path = s.path[:len(s.path)-1]
		if s.err != nil {
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
			s.checkRequired(n, seen, ext)
			return
		default:
			s.syntax("expected ',' or '}' in an object")
			return
		}
	}
}

// member judges one property of an object with schema n.
func (s *scanner) member(n *schemaNode, key []byte, esc bool, seen *uint64, ext int) {
	name := key
	if esc {
		name = s.unquote(key)
	}
	if p := n.props.get(name); p != nil {
		if s.cov != nil && !s.quiet {
			s.cov.mark(p.cov)
		}
		w := seen
		if p.word > 0 {
			w = &s.seenExt[ext+p.word-1]
		}
		dup := *w&p.bit != 0
		*w |= p.bit
		s.skipWS()
		start := s.pos
		s.value(p.node)
		if p.forbidden && s.err == nil {
			s.propertyFinding(n, start)
		}
		if dup && s.err == nil {
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
		if s.err == nil {
			s.propertyFinding(n, start)
		}
	}
}

func (s *scanner) checkRequired(n *schemaNode, seen uint64, ext int) {
	if n == nil {
		return
	}
	for _, p := range n.required {
		w := seen
		if p.word > 0 {
			w = s.seenExt[ext+p.word-1]
		}
		if w&p.bit == 0 {
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
			if s.err != nil {
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

// scanString consumes a string starting at its opening quote and reports
// whether it holds escapes.
func (s *scanner) scanString() (esc bool) {
	n, esc, err := jsonlex.String(s.data[s.pos:])
	s.pos += n
	if err != nil {
		s.stop(err)
	}
	return esc
}

func (s *scanner) stringValue(n *schemaNode) {
	start := s.pos
	esc := s.scanString()
	if s.err != nil || n == nil {
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
		if s.cov != nil && !s.quiet {
			s.cov.mark(n.covEnum[string(str)])
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
	if n.pattern != nil && !n.pattern.Match(str) {
		s.constraintFinding(start, "does not match the pattern "+strconv.Quote(n.src.Pattern), "pattern")
	}
	if n.format != fmtNone && !formatOK(n.format, str) {
		s.formatFinding(n, start)
	}
}

// unquote decodes the escapes of a string's content into the scratch
// buffer; the result is valid until the next call.
func (s *scanner) unquote(raw []byte) []byte {
	s.buf = jsonlex.AppendUnquoted(s.buf[:0], raw)
	return s.buf
}

// scanNumber consumes a number and reports whether it was written without
// fraction or exponent.
func (s *scanner) scanNumber() (plain bool) {
	n, plain, err := jsonlex.Number(s.data[s.pos:])
	s.pos += n
	if err != nil {
		s.stop(err)
	}
	return plain
}

func (s *scanner) number(n *schemaNode) {
	start := s.pos
	plain := s.scanNumber()
	if s.err != nil {
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
