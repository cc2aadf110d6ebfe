package conformance

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/internal/redact"
)

// The body checks: each judges one keyword of the schema (of a response's
// or a request's body, a header's or a parameter's value) at the value the
// scanner is on and reports a neutral issue; the scan's site makes it the
// finding of its location's rule.

// issue reports an issue of kind k at the scanner's current pointer (plus
// extra, a property name, when non-empty).
func (s *scanner) issue(k issueKind, extra, msg, expected, actual string) {
	if !s.quiet {
		if c := s.countOf(k); c != nil && c.kept >= s.maxPerRule {
			c.dropped++ // before the pointer and message are built
			return
		}
	}
	s.emit(found{kind: k, pointer: s.pointer(extra), message: msg, expected: expected, actual: actual})
}

// emit is the one sink of a scan: the fast path's checks and the judge of
// the schemas it leaves aside both report here.
func (s *scanner) emit(i found) {
	if s.quiet {
		// Trying a branch: undocumented properties do not break it.
		if i.kind != issueUndocumented && s.err == nil {
			s.err = errProbe
		}
		return
	}
	if i.kind != issueUndocumented && i.kind != issueDuplicate {
		s.faults++
	}
	if c := s.countOf(i.kind); c != nil {
		if c.kept >= s.maxPerRule {
			c.dropped++
			return
		}
		c.kept++
	}
	if cap(s.out) == 0 {
		s.out = make([]Finding, 0, 8)
	}
	s.out = append(s.out, s.site.make(i))
}

// maxFindingsPerRule bounds the findings of one rule in one body: a 900 KB
// array of 300,000 empty objects gave 2.1 million findings and a 675 MB
// report. The rest are counted in one findings.capped note per rule.
const maxFindingsPerRule = 20

// countOf is the scan's count for kind k, nil when the scan keeps every
// finding (maxPerRule 0).
func (s *scanner) countOf(k issueKind) *ruleCount {
	if s.maxPerRule <= 0 {
		return nil
	}
	for i := range s.nPerRule {
		if s.perRule[i].kind == k {
			return &s.perRule[i]
		}
	}
	s.perRule[s.nPerRule] = ruleCount{kind: k}
	s.nPerRule++
	return &s.perRule[s.nPerRule-1]
}

// cappedNotes appends a findings.capped note for each rule the scan dropped
// findings of, saying how many.
func (s *scanner) cappedNotes(out []Finding) []Finding {
	for _, c := range s.perRule[:s.nPerRule] {
		if c.dropped == 0 {
			continue
		}
		rule := s.site.loc.rules[c.kind]
		out = append(out, findingAt(RuleFindingsCapped, s.site.op, s.site.status, "",
			fmt.Sprintf("%d more %s %s in this body were not kept (at most %d of a rule)", c.dropped, rule, pluralFindings(c.dropped), maxFindingsPerRule),
			fmt.Sprintf("at most %d %s findings", maxFindingsPerRule, rule), strconv.Itoa(c.kept+c.dropped)+" findings"))
	}
	return out
}

// body.limit: the engine's WithMaxBodyBytes. Readers (Transport, HAR,
// proxy) stop at the cap plus one byte, so a body of exactly that size
// tells only that the cap was passed, not by how much.
func limitIssue(size int, max int64) found {
	actual := "more than " + strconv.FormatInt(max, 10) + " bytes"
	if int64(size) > max+1 {
		actual = strconv.Itoa(size) + " bytes"
	}
	return found{kind: issueLimit,
		message:  "the body is larger than the size cap of " + strconv.FormatInt(max, 10) + " bytes and was not judged",
		expected: "at most " + strconv.FormatInt(max, 10) + " bytes",
		actual:   actual,
	}
}

// body.type: schema.type and schema.nullable.
func (s *scanner) typeFinding(n *schemaNode, start int) {
	got := jsonTypeOf(s.data[start])
	if got == "number" && n.integerOnly() {
		got = "number with a fraction"
	}
	msg := "expected " + n.typeName + ", got " + got
	if got == "null" {
		msg = "null where the schema is not nullable"
	}
	s.issue(issueType, "", msg, n.typeName, s.actual(start))
}

// body.type for numbers no float64 can hold: no client decodes them.
func (s *scanner) rangeFinding(start int) {
	s.issue(issueType, "", "number out of the range of a 64-bit float", "number", s.actual(start))
}

// body.enum: schema.enum. Drift: the API grew a value.
func (s *scanner) enumFinding(n *schemaNode, start int) {
	if n.constant {
		s.issue(issueConstraint, "", "value is not the constant the schema requires", n.enumExpected, s.actual(start))
		return
	}
	s.issue(issueEnum, "", "value is not one of the documented enum values", n.enumExpected, s.actual(start))
}

// body.undocumented (drift) or body.additional (additionalProperties:
// false): schema.properties. The pointer already names the property.
func (s *scanner) propertyFinding(n *schemaNode, start int) {
	name := s.lastKey()
	if n.addl == addlForbidden {
		keyword := "additionalProperties"
		if n.src != nil && n.src.UnevaluatedProperties.Has != nil && n.src.AdditionalProperties.Has == nil {
			keyword = "unevaluatedProperties"
		}
		s.issue(issueAdditional, "", "property "+strconv.Quote(name)+" is forbidden by "+keyword+": false", "no such property", s.actual(start))
		return
	}
	s.issue(issueUndocumented, "", "property "+strconv.Quote(name)+" is not documented", "", s.actual(start))
}

// body.duplicate: a declared property (schema.properties) given twice.
// RFC 8259 leaves the outcome to each parser: some keep the first value,
// most the last, so clients may disagree about the response.
func (s *scanner) duplicateFinding(start int) {
	s.issue(issueDuplicate, "", "property "+strconv.Quote(s.lastKey())+" appears more than once", "one occurrence", s.actual(start))
}

// body.required: schema.required.
func (s *scanner) requiredFinding(name string) {
	s.issue(issueRequired, name, "required property "+strconv.Quote(name)+" is missing", "present", "absent")
}

// body.format: schema.format.
func (s *scanner) formatFinding(n *schemaNode, start int) {
	s.issue(issueFormat, "", formatMessage(n.format), formatName(n.format), s.actual(start))
}

// body.constraint: minLength, maxLength (in characters, as kin-openapi counts), minimum, maximum, minItems, maxItems.
func (s *scanner) constraintFinding(start int, msg, expected string) {
	actual := ""
	if start >= 0 {
		actual = s.actual(start)
	}
	s.issue(issueConstraint, "", msg, expected, actual)
}

func (s *scanner) checkBounds(n *schemaNode, v float64, start int) {
	if n.hasMin && (v < n.min || n.exclMin && v == n.min) {
		op := ">= "
		if n.exclMin {
			op = "> "
		}
		s.constraintFinding(start, "below the minimum", op+formatFloat(n.min))
	}
	if n.hasMax && (v > n.max || n.exclMax && v == n.max) {
		op := "<= "
		if n.exclMax {
			op = "< "
		}
		s.constraintFinding(start, "above the maximum", op+formatFloat(n.max))
	}
	if (n.format == fmtInt32 || n.format == fmtInt64) && !intFormatOK(n.format, v) {
		s.formatFinding(n, start)
	}
}

func (s *scanner) checkItems(n *schemaNode, count int) {
	if uint64(count) < n.minItems {
		s.issue(issueConstraint, "", "fewer items than minItems", "at least "+strconv.FormatUint(n.minItems, 10)+" items", strconv.Itoa(count)+" items")
	}
	if n.maxItems >= 0 && int64(count) > n.maxItems {
		s.issue(issueConstraint, "", "more items than maxItems", "at most "+strconv.FormatInt(n.maxItems, 10)+" items", strconv.Itoa(count)+" items")
	}
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func jsonTypeOf(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// pointer spells out the RFC 6901 pointer of the current value.
func (s *scanner) pointer(extra string) string {
	if len(s.path) == 0 && extra == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(16*len(s.path) + len(extra) + 1)
	for _, seg := range s.path {
		b.WriteByte('/')
		if !seg.isKey {
			b.WriteString(strconv.Itoa(seg.index))
			continue
		}
		key := seg.key
		if seg.esc {
			key = s.unquote(key)
		}
		writePointerToken(&b, string(key))
	}
	if extra != "" {
		b.WriteByte('/')
		writePointerToken(&b, extra)
	}
	return b.String()
}

func writePointerToken(b *strings.Builder, tok string) {
	if strings.IndexByte(tok, '~') < 0 && strings.IndexByte(tok, '/') < 0 {
		b.WriteString(tok)
		return
	}
	for i := 0; i < len(tok); i++ {
		switch tok[i] {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteByte(tok[i])
		}
	}
}

func (s *scanner) lastKey() string {
	seg := s.path[len(s.path)-1]
	if seg.esc {
		return string(s.unquote(seg.key))
	}
	return string(seg.key)
}

// actual renders the value from start to the scanner's position, redacted
// when it sits under a secret-like property and shortened.
func (s *scanner) actual(start int) string {
	if s.underSecret() {
		return redact.Marker
	}
	return shorten(s.data[start:s.pos])
}

// underSecret says whether the current value sits under a secret-like
// property, at any depth.
func (s *scanner) underSecret() bool {
	for _, seg := range s.path {
		if !seg.isKey {
			continue
		}
		key := seg.key
		if seg.esc {
			key = s.unquote(key)
		}
		if redact.IsSecretName(key) {
			return true
		}
	}
	return false
}

const maxActual = 80

// shorten keeps actual values short and printable: at most maxActual bytes,
// cut on a rune boundary, with an ellipsis.
func shorten(b []byte) string {
	if len(b) <= maxActual {
		return string(b)
	}
	cut := maxActual
	for cut > 0 && b[cut]&0xC0 == 0x80 {
		cut--
	}
	return string(b[:cut]) + "…"
}

// pluralFindings is "finding" or "findings", for n of them.
func pluralFindings(n int) string {
	if n == 1 {
		return "finding"
	}
	return "findings"
}
