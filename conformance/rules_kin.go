package conformance

import (
	"encoding/json"
	"sort"
	"strconv"
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
	base := s.pointer("")
	if err != nil {
		for _, se := range flattenSchemaErrors(err, nil) {
			s.out = append(s.out, schemaErrorFinding(se, base, s.op, s.status))
		}
	}
	u := undocumentedWalk{op: s.op, status: s.status, out: s.out}
	u.walk([]*openapi3.Schema{n.src}, v, base, s.underSecret())
	s.out = u.out
}

// undocumentedWalk finds body.undocumented inside a kin-judged value, which
// kin-openapi does not report: a property is undocumented when the object
// holding it is judged by at least one schema that declares properties,
// none of the schemas that apply to it declares (or requires) this one,
// and none mentions additionalProperties (true or a schema allows it;
// false is kin's own body.additional). The schemas that apply to a value
// are its schema, every allOf branch, and the oneOf or anyOf branches the
// value matches (anyOf: all that match, since it satisfies each of them;
// a discriminator narrows the branches as kin-openapi does). When a oneOf
// matches no branch or several, or an anyOf none, it is unknown which
// properties are documented: that value is already an error and nothing
// at or below it is reported as undocumented.
type undocumentedWalk struct {
	op     string
	status int
	out    []Finding
}

func (u *undocumentedWalk) walk(schemas []*openapi3.Schema, v any, ptr string, secret bool) {
	all, ok := applicableSchemas(schemas, v, nil, map[*openapi3.Schema]bool{})
	if !ok {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		u.object(all, v, ptr, secret)
	case []any:
		var items []*openapi3.Schema
		for _, s := range all {
			if s.Items != nil && s.Items.Value != nil {
				items = append(items, s.Items.Value)
			}
		}
		if len(items) == 0 {
			return
		}
		for i, elem := range v {
			u.walk(items, elem, ptr+"/"+strconv.Itoa(i), secret)
		}
	}
}

func (u *undocumentedWalk) object(all []*openapi3.Schema, v map[string]any, ptr string, secret bool) {
	declared := map[string][]*openapi3.Schema{}
	var addl []*openapi3.Schema
	judged, mentioned := false, false
	for _, s := range all {
		for name, p := range s.Properties {
			judged = true
			if p != nil && p.Value != nil {
				declared[name] = append(declared[name], p.Value)
			} else if declared[name] == nil {
				declared[name] = []*openapi3.Schema{}
			}
		}
		for _, name := range s.Required {
			if declared[name] == nil {
				declared[name] = []*openapi3.Schema{}
			}
		}
		ap := s.AdditionalProperties
		if ap.Has != nil || ap.Schema != nil {
			mentioned = true
		}
		if ap.Schema != nil && ap.Schema.Value != nil {
			addl = append(addl, ap.Schema.Value)
		}
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var b strings.Builder
		b.WriteString(ptr)
		b.WriteByte('/')
		writePointerToken(&b, k)
		at := b.String()
		under := secret || isSecretKey([]byte(k))
		if schemas, ok := declared[k]; ok {
			if len(schemas) > 0 {
				u.walk(schemas, v[k], at, under)
			}
			continue
		}
		if len(addl) > 0 {
			u.walk(addl, v[k], at, under)
			continue
		}
		if !judged || mentioned {
			continue
		}
		f := Finding{Rule: RuleBodyUndocumented, Severity: ruleSeverity[RuleBodyUndocumented], Operation: u.op, Status: u.status,
			Pointer: at, Message: "property " + strconv.Quote(k) + " is not documented", Actual: redacted}
		if !under {
			if raw, err := json.Marshal(v[k]); err == nil {
				f.Actual = shorten(raw)
			}
		}
		u.out = append(u.out, f)
	}
}

// applicableSchemas expands schemas by their allOf branches and by the
// oneOf and anyOf branches v matches; ok is false when a oneOf or anyOf
// leaves it unknown which branches apply (see undocumentedWalk).
func applicableSchemas(schemas []*openapi3.Schema, v any, out []*openapi3.Schema, seen map[*openapi3.Schema]bool) ([]*openapi3.Schema, bool) {
	for _, s := range schemas {
		if s == nil || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
		var ok bool
		for _, br := range s.AllOf {
			if br == nil || br.Value == nil {
				return nil, false
			}
			if out, ok = applicableSchemas([]*openapi3.Schema{br.Value}, v, out, seen); !ok {
				return nil, false
			}
		}
		for _, xof := range []struct {
			branches openapi3.SchemaRefs
			one      bool
		}{{s.OneOf, true}, {s.AnyOf, false}} {
			if len(xof.branches) == 0 {
				continue
			}
			matched := matchedBranches(s, xof.branches, v)
			if len(matched) == 0 || xof.one && len(matched) > 1 {
				return nil, false
			}
			if out, ok = applicableSchemas(matched, v, out, seen); !ok {
				return nil, false
			}
		}
	}
	return out, true
}

// matchedBranches lists the branches v is valid against; nil when a branch
// is unresolved or a discriminator names no branch. A discriminator limits
// them to the one it names, as in kin-openapi.
func matchedBranches(s *openapi3.Schema, branches openapi3.SchemaRefs, v any) []*openapi3.Schema {
	want, ok := discriminatorRef(s, v)
	if !ok {
		return nil
	}
	var out []*openapi3.Schema
	for _, br := range branches {
		if br == nil || br.Value == nil {
			return nil
		}
		if want != "" && br.Ref != want {
			continue
		}
		if br.Value.VisitJSON(v, openapi3.VisitAsResponse()) == nil {
			out = append(out, br.Value)
		}
	}
	return out
}

// discriminatorRef is the $ref a discriminator picks for v: "" when there
// is no discriminator or no mapping, ok false when the discriminator
// property is missing or its value is not mapped (kin-openapi's error).
func discriminatorRef(s *openapi3.Schema, v any) (ref string, ok bool) {
	d := s.Discriminator
	obj, isObj := v.(map[string]any)
	if d == nil || !isObj {
		return "", true
	}
	name, isStr := obj[d.PropertyName].(string)
	if !isStr {
		return "", false
	}
	if len(d.Mapping) == 0 {
		return "", true
	}
	m, mapped := d.Mapping[name]
	if !mapped {
		return "", false
	}
	if m.Ref != "" && !strings.Contains(m.Ref, "/") {
		return "#/components/schemas/" + m.Ref, true
	}
	return m.Ref, true
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
