package conformance

import (
	"errors"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// The single pass judges allOf, anyOf and oneOf (with or without a
// discriminator) by trying the branches on the value's bytes: a branch is
// tried quietly (no findings, stopping at the first fault), then the value
// is read once more by the one schema that documents its properties, for
// the drift only the fast path reports. Whenever the value breaks a
// combinator, or several branches document its properties, the value goes
// to the judge of whole values (judge.go) as before, so findings and their
// messages are the judge's: the branches only decide faster that a value
// conforms, which is what most traffic does.

// combinator is a schema's allOf, anyOf and oneOf, compiled.
type combinator struct {
	allOf        []*schemaNode
	anyOf, oneOf []branch
	disc         *openapi3.Discriminator // nil: none, or no anyOf/oneOf for it
	// baseTrivial: the schema's own keywords beside the combinators
	// admit every value, so they need not be tried.
	baseTrivial bool
}

type branch struct {
	node *schemaNode
	ref  string // the $ref the branch was written as, for the discriminator
}

func (c *schemaCompiler) combinator(s *openapi3.Schema) *combinator {
	cb := &combinator{}
	for _, r := range s.AllOf {
		if n := c.ref(r); n != nil {
			cb.allOf = append(cb.allOf, n)
		}
	}
	for _, r := range s.AnyOf {
		if n := c.ref(r); n != nil {
			cb.anyOf = append(cb.anyOf, branch{node: n, ref: r.Ref})
		}
	}
	for _, r := range s.OneOf {
		if n := c.ref(r); n != nil {
			cb.oneOf = append(cb.oneOf, branch{node: n, ref: r.Ref})
		}
	}
	if len(s.AnyOf)+len(s.OneOf) > 0 {
		cb.disc = s.Discriminator
	}
	return cb
}

// finishCombinator settles what needs the node's own fields compiled.
func (n *schemaNode) finishCombinator() {
	n.comb.baseTrivial = n.types == 0 && n.enum == nil && n.enumAny == nil && !n.needsString() && !n.needsNumber() &&
		n.props.slots == nil && len(n.required) == 0 && n.items == nil && n.addlNode == nil && n.addl != addlForbidden &&
		n.minItems == 0 && n.maxItems < 0
}

// documentedTwice: every value the schema admits is documented by two
// of its schemas at least (its allOf branches and its own keywords).
func (c *combinator) documentedTwice(s *openapi3.Schema) bool {
	docs := 0
	if documentsOwn(s) {
		docs++
	}
	for _, x := range c.allOf {
		if x.documents {
			docs++
		}
	}
	return docs > 1
}

// documentsNames: the schema, or a branch of it, names properties or
// items, so it takes part in deciding what is undocumented.
func documentsNames(s *openapi3.Schema) bool {
	return len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties.Has != nil ||
		s.AdditionalProperties.Schema != nil || s.Items != nil || len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0
}

// mayAdmit says whether x can admit a value starting with byte c: false
// only when its type rules the value out whatever its other keywords.
func mayAdmit(x *schemaNode, c byte) bool {
	t := x.src.Type
	if t == nil || len(*t) == 0 {
		return true
	}
	switch c {
	case 'n':
		// A typed schema admits null when nullable, or (as kin-openapi
		// reads it) when its combinators admit it.
		return x.src.Nullable || t.Includes(openapi3.TypeNull) || len(x.src.AllOf)+len(x.src.AnyOf)+len(x.src.OneOf) > 0
	case '"':
		return t.Permits(openapi3.TypeString)
	case 't', 'f':
		return t.Permits(openapi3.TypeBoolean)
	case '{':
		return t.Permits(openapi3.TypeObject)
	case '[':
		return t.Permits(openapi3.TypeArray)
	}
	return t.Permits(openapi3.TypeNumber) || t.Permits(openapi3.TypeInteger)
}

// errProbe stops a quiet try of a branch at its first fault.
var errProbe = errors.New("the value does not match")

// probe tries the value at start against n quietly (plain: n's own
// keywords only, not its combinators) and reports whether it conforms;
// the scanner is left where it was. A fault in the JSON itself stays in
// s.err.
func (s *scanner) probe(n *schemaNode, start int, plain bool) bool {
	key := probeKey{n, start, plain}
	if ok, done := s.probes[key]; done {
		return ok
	}
	if s.probes == nil {
		s.probes = make(map[probeKey]bool)
	}
	if len(s.probes) >= probeBudgetBase+probeBudgetPerByte*len(s.data) {
		return false // the judge, with its own budget, takes the value
	}
	pos, quiet, ext, depth, path := s.pos, s.quiet, len(s.seenExt), s.depth, len(s.path)
	s.quiet = true
	s.pos = start
	s.skipWS()
	if plain {
		s.plainValue(n)
	} else {
		s.value(n)
	}
	ok := s.err == nil
	if s.err == errProbe {
		s.err = nil
	}
	s.quiet, s.pos, s.seenExt, s.depth, s.path = quiet, pos, s.seenExt[:ext], depth, s.path[:path]
	if s.err == nil {
		s.probes[key] = ok
	}
	return ok
}

// probeKey is one try of a schema on the value at a position: each is
// made once per body, so that recursive combinators cost one try per
// schema and value, not one per path through the branches.
type probeKey struct {
	n     *schemaNode
	start int
	plain bool
}

// The tries of one body are bounded like the judge's visits.
const (
	probeBudgetBase    = 4096
	probeBudgetPerByte = 16
)

// combValue judges a value by a node with combinators.
func (s *scanner) combValue(n *schemaNode) {
	start := s.pos
	if s.data[start] == 'n' && n.nullable {
		s.literal("null")
		return
	}
	if s.asRequest {
		// readOnly and writeOnly in a request are the judge's alone.
		s.kinValue(n)
		return
	}
	doc, docs, ok := s.combApply(n, start)
	if s.err != nil {
		return
	}
	if s.quiet {
		if !ok {
			s.err = errProbe
			return
		}
		s.value(nil)
		return
	}
	if !ok || docs > 1 {
		s.kinValue(n)
		return
	}
	mark, budget, faults, perRule, nPerRule := len(s.out), s.budgetReported, s.faults, s.perRule, s.nPerRule
	switch {
	case doc == nil:
		s.value(nil)
	case doc == n:
		s.plainValue(n)
	default:
		s.value(doc)
	}
	if s.err != nil || s.faults == faults {
		return
	}
	// The branches and the judge disagree: the judge's word.
	s.out, s.budgetReported, s.pos = s.out[:mark], budget, start
	s.faults, s.perRule, s.nPerRule = faults, perRule, nPerRule
	s.kinValue(n)
}

// combApply decides, as the judge does, whether the value at start
// conforms to n's combinators and own keywords (ok), and which of the
// schemas that apply document its properties: doc is the one (n itself
// for n's own keywords) when docs is 1.
func (s *scanner) combApply(n *schemaNode, start int) (doc *schemaNode, docs int, ok bool) {
	c := n.comb
	first := s.data[start]
	note := func(x *schemaNode) {
		if x.documents {
			doc, docs = x, docs+1
		}
	}
	want := ""
	if c.disc != nil && first == '{' {
		var found bool
		if want, found = s.discriminatorRef(c.disc, start); !found || s.err != nil {
			return nil, 0, false
		}
	}
	for i, xof := range [2][]branch{c.oneOf, c.anyOf} {
		if len(xof) == 0 {
			continue
		}
		oneOf := i == 0
		matched := 0
		for _, br := range xof {
			if want != "" && br.ref != want || !mayAdmit(br.node, first) {
				continue
			}
			if !s.probe(br.node, start, false) {
				if s.err != nil {
					return nil, 0, false
				}
				continue
			}
			matched++
			note(br.node)
		}
		if matched == 0 || oneOf && matched > 1 {
			return nil, 0, false
		}
	}
	for _, x := range c.allOf {
		if !mayAdmit(x, first) || !s.probe(x, start, false) {
			return nil, 0, false
		}
		note(x)
	}
	if first == 'n' {
		// A null the combinators admit is judged no further.
		return doc, docs, true
	}
	if !c.baseTrivial && !s.probe(n, start, true) {
		return nil, 0, false
	}
	if documentsOwn(n.src) {
		doc, docs = n, docs+1
	}
	return doc, docs, true
}

// documentsOwn is documentsNames without the combinators.
func documentsOwn(s *openapi3.Schema) bool {
	return len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties.Has != nil ||
		s.AdditionalProperties.Schema != nil || s.Items != nil
}

// discriminatorRef reads the discriminator property of the object at start
// (the last occurrence, as a decoder keeps) and returns the $ref it maps
// to: "" when the discriminator has no mapping. found is false where the
// judge refuses the value: the property missing, not a string, unmapped.
func (s *scanner) discriminatorRef(d *openapi3.Discriminator, start int) (ref string, found bool) {
	pos, quiet, depth := s.pos, s.quiet, s.depth
	defer func() {
		if s.err == errProbe {
			s.err = nil
		}
		s.pos, s.quiet, s.depth = pos, quiet, depth
	}()
	s.quiet = true
	s.pos = start + 1
	var val string
	isString := false
	for s.err == nil {
		s.skipWS()
		if s.pos >= len(s.data) || s.data[s.pos] == '}' {
			break
		}
		if s.data[s.pos] == ',' {
			s.pos++
			continue
		}
		kstart := s.pos + 1
		esc := s.scanString()
		if s.err != nil {
			return "", false
		}
		key := s.data[kstart : s.pos-1]
		if esc {
			key = s.unquote(key)
		}
		match := string(key) == d.PropertyName
		s.skipWS()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return "", false
		}
		s.pos++
		s.skipWS()
		if match {
			found, isString = true, s.pos < len(s.data) && s.data[s.pos] == '"'
			if isString {
				vstart := s.pos + 1
				esc := s.scanString()
				raw := s.data[vstart : s.pos-1]
				if esc {
					raw = s.unquote(raw)
				}
				val = string(raw)
				continue
			}
		}
		s.value(nil)
	}
	if s.err != nil || !found || !isString {
		return "", false
	}
	if len(d.Mapping) == 0 {
		return "", true
	}
	m, ok := d.Mapping[val]
	if !ok {
		return "", false
	}
	if m.Ref != "" && !strings.Contains(m.Ref, "/") {
		return "#/components/schemas/" + m.Ref, true
	}
	return m.Ref, true
}

// anyEnum is an enum of scalars compared as kin-openapi compares them:
// numbers by value, strings by content.
type anyEnum struct {
	strs    map[string]struct{}
	nums    []float64
	trueOK  bool
	falseOK bool
	nullOK  bool
}

func newAnyEnum(vals []any) *anyEnum {
	e := &anyEnum{strs: map[string]struct{}{}}
	for _, v := range vals {
		switch v := v.(type) {
		case nil:
			e.nullOK = true
		case bool:
			if v {
				e.trueOK = true
			} else {
				e.falseOK = true
			}
		case string:
			e.strs[v] = struct{}{}
		default:
			if f, ok := asFloat(v); ok {
				e.nums = append(e.nums, f)
			}
		}
	}
	return e
}

// enumScalar: a value an anyEnum holds.
func enumScalar(v any) bool {
	switch v.(type) {
	case nil, bool, string:
		return true
	}
	_, ok := asFloat(v)
	return ok
}

// stringEnum: an enum of strings only, beside type string: compared in
// the string's own check, after the type.
func stringEnum(s *openapi3.Schema) bool {
	for _, v := range s.Enum {
		if _, ok := v.(string); !ok {
			return false
		}
	}
	return stringOnly(s.Type)
}

// markEnum marks the enum value key of n as seen, when coverage is on
// and the scan is no quiet try.
func (s *scanner) markEnum(n *schemaNode, key string) {
	if s.cov != nil && !s.quiet {
		s.cov.mark(n.covEnum[key])
	}
}

// anyEnumOK checks the value at s.pos against n.enumAny before its type,
// as the judge does; a value outside the enum is reported, consumed, and
// judged no further (false).
func (s *scanner) anyEnumOK(n *schemaNode) bool {
	e, start := n.enumAny, s.pos
	in := false
	switch c := s.data[start]; c {
	case 'n':
		if n.nullable || e.nullOK {
			s.markEnum(n, "null")
			return true
		}
		s.literal("null")
	case 't':
		if e.trueOK {
			s.markEnum(n, "true")
			return true
		}
		s.literal("true")
	case 'f':
		if e.falseOK {
			s.markEnum(n, "false")
			return true
		}
		s.literal("false")
	case '"':
		esc := s.scanString()
		if s.err != nil {
			return false
		}
		str := s.data[start+1 : s.pos-1]
		if esc {
			str = s.unquote(str)
		}
		_, in = e.strs[string(str)]
	case '{', '[':
		s.value(nil)
	default:
		l, _, err := jsonlex.Number(s.data[start:])
		if err != nil {
			return true // the typed read reports it
		}
		v, perr := strconv.ParseFloat(string(s.data[start:start+l]), 64)
		if perr != nil {
			return true
		}
		for _, x := range e.nums {
			if x == v {
				if s.cov != nil {
					s.markEnum(n, enumKey(v))
				}
				return true
			}
		}
		s.pos = start + l
	}
	if in {
		s.markEnum(n, string(s.data[start+1:s.pos-1]))
		s.pos = start
		return true
	}
	if s.err == nil {
		s.enumFinding(n, start)
	}
	return false
}
