package conformance

import (
	"encoding/json"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// kinValue judges a value whose schema the fast path leaves to kin-openapi
// (allOf, oneOf, pattern, ...): the value's bytes, already checked for
// well-formedness, are decoded and given to Schema.VisitJSON, and its
// errors become findings at their pointers below the current one.
func (s *scanner) kinValue(n *schemaNode) {
	start, found := s.pos, len(s.out)
	s.value(nil)
	if s.fail {
		return
	}
	var v any
	if err := json.Unmarshal(s.data[start:s.pos], &v); err != nil {
		if len(s.out) == found { // the skip above reports numbers out of range
			s.rangeFinding(start)
		}
		return
	}
	err := n.src.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse())
	if err == nil {
		return
	}
	base := s.pointer("")
	for _, se := range flattenSchemaErrors(err, nil) {
		s.out = append(s.out, schemaErrorFinding(se, base, s.op, s.status))
	}
}

// flattenSchemaErrors unpacks kin-openapi's MultiError trees.
func flattenSchemaErrors(err error, out []error) []error {
	// Only the top-level list is unpacked: a oneOf or allOf failure keeps
	// its sub-errors as its origin, and reporting those would blame
	// schemas the value was never required to match.
	if me, ok := err.(openapi3.MultiError); ok {
		for _, e := range me {
			out = flattenSchemaErrors(e, out)
		}
		return out
	}
	return append(out, err)
}

// schemaErrorFinding maps one kin-openapi error to a rule by the keyword
// that failed, with a short message instead of kin's schema dump.
func schemaErrorFinding(err error, base, op string, status int) Finding {
	f := Finding{Operation: op, Status: status, Pointer: base}
	se, ok := err.(*openapi3.SchemaError)
	if !ok {
		f.Rule, f.Severity = RuleBodyConstraint, SeverityError
		f.Message = shortenString(err.Error())
		return f
	}
	segs := se.JSONPointer()
	var b strings.Builder
	b.WriteString(base)
	secret := strings.Contains(base, "secret")
	for _, seg := range segs {
		b.WriteByte('/')
		writePointerToken(&b, seg)
		if isSecretKey([]byte(seg)) {
			secret = true
		}
	}
	f.Pointer = b.String()
	f.Message = shortenString(se.Reason)
	if f.Message == "" {
		f.Message = "the value does not match the " + se.SchemaField + " schemas"
	}
	switch se.SchemaField {
	case "type", "nullable":
		f.Rule = RuleBodyType
		f.Expected = typeName(se.Schema, se.Schema.Nullable)
	case "required":
		f.Rule = RuleBodyRequired
		f.Expected, f.Actual = "present", "absent"
	case "enum":
		f.Rule = RuleBodyEnum
		f.Message = "value is not one of the documented enum values"
		f.Expected = enumExpected(se.Schema.Enum)
	case "format":
		f.Rule = RuleBodyFormat
		f.Expected = se.Schema.Format
	case "properties", "additionalProperties":
		f.Rule = RuleBodyAdditional
		f.Expected = "no such property"
	default:
		f.Rule = RuleBodyConstraint
		f.Expected = se.SchemaField
	}
	f.Severity = ruleSeverity[f.Rule]
	if f.Actual == "" && se.Value != nil {
		if secret {
			f.Actual = redacted
		} else if raw, err := json.Marshal(se.Value); err == nil {
			f.Actual = shorten(raw)
		}
	}
	return f
}

func enumExpected(vals []any) string {
	parts := make([]string, 0, len(vals))
	for _, v := range vals {
		if s, ok := v.(string); ok {
			parts = append(parts, s)
			continue
		}
		raw, _ := json.Marshal(v)
		parts = append(parts, string(raw))
	}
	return "one of [" + strings.Join(parts, ", ") + "]"
}

func shortenString(s string) string {
	if len(s) <= 120 {
		return s
	}
	return strings.ToValidUTF8(s[:120], "") + "…"
}
