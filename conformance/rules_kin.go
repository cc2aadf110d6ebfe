package conformance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/webex-conformance/webhooks/internal/redact"
)

// kinValue judges a value whose schema the fast path leaves aside (allOf,
// oneOf, pattern, ...): the value's bytes, already checked for
// well-formedness, are decoded and given to the judge, and its issues
// become findings at their pointers below the current one.
func (s *scanner) kinValue(n *schemaNode) {
	if s.quiet {
		s.kinProbe(n)
		return
	}
	start, found := s.pos, len(s.out)
	s.value(nil)
	if s.err != nil {
		return
	}
	var v any
	if err := json.Unmarshal(s.data[start:s.pos], &v); err != nil {
		if len(s.out) == found { // the skip above reports numbers out of range
			s.rangeFinding(start)
		}
		return
	}
	if s.judge == nil {
		s.judge = newJudge(len(s.data), s.asRequest, s.dialect)
		s.judge.cov = s.cov
	}
	j := s.judge
	root := j.tree(v)
	base := s.pointer("")
	secret := s.underSecret()
	for _, is := range j.visit(n.src, root) {
		s.emit(judgeIssue(is, base, secret))
	}
	if isContainer(v) {
		u := undocumentedWalk{site: &s.site, out: s.out, stack: make([]*openapi3.Schema, 1, 16), judge: j, cov: s.cov}
		u.stack[0] = n.src
		u.walk(u.stack[:1], root, base, secret)
		slices.SortFunc(u.out[len(s.out):], func(a, b Finding) int { return strings.Compare(a.Pointer, b.Pointer) })
		s.out = u.out
	}
	if j.over && !s.budgetReported {
		s.budgetReported = true
		s.issue(issueBudget, "", "the schema is too expensive to judge this value completely; what the budget did not reach was not judged",
			"at most "+strconv.Itoa(j.budget)+" schema visits", "more")
	}
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
	site *site
	out  []Finding
	// stack holds the schema lists of the values being walked, from the
	// root down, so that a walk allocates no list of its own: a list is
	// appended, handed down, and dropped when its value is done.
	stack []*openapi3.Schema
	judge *judge // decides which oneOf and anyOf branches a value matches
	cov   *Coverage
}

func (u *undocumentedWalk) walk(schemas []*openapi3.Schema, v *jnode, ptr string, secret bool) {
	mark := len(u.stack)
	defer func() { u.stack = u.stack[:mark] }()
	all, ok := u.applicable(schemas, v)
	if !ok {
		return
	}
	switch v.kind {
	case jObject:
		u.object(all, v, ptr, secret)
	case jArray:
		from := len(u.stack)
		for _, s := range all {
			if s.Items != nil && s.Items.Value != nil {
				u.stack = append(u.stack, s.Items.Value)
			}
		}
		items := u.stack[from:]
		if len(items) == 0 {
			return
		}
		for i, elem := range v.items {
			if elem.kind == jObject || elem.kind == jArray {
				u.walk(items, elem, ptr+"/"+strconv.Itoa(i), secret)
			}
		}
	}
}

func (u *undocumentedWalk) object(all []*openapi3.Schema, v *jnode, ptr string, secret bool) {
	judged, mentioned, addlFrom := false, false, len(u.stack)
	for _, s := range all {
		judged = judged || len(s.Properties) > 0
		ap := s.AdditionalProperties
		if ap.Has != nil || ap.Schema != nil || s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil {
			mentioned = true
		}
		if ap.Schema != nil && ap.Schema.Value != nil {
			u.stack = append(u.stack, ap.Schema.Value)
		}
	}
	addl := u.stack[addlFrom:]
	if !judged && len(addl) == 0 {
		return // nothing declared to look into, nothing to report
	}
	for i, k := range v.keys {
		val := v.vals[i]
		propFrom := len(u.stack)
		declared := false
		for _, s := range all {
			if p, ok := s.Properties[k]; ok {
				declared = true
				if u.cov != nil {
					u.cov.markProperty(s, k)
				}
				if p != nil && p.Value != nil {
					u.stack = append(u.stack, p.Value)
				}
			} else if slices.Contains(s.Required, k) {
				declared = true // required is documented enough, as on the fast path
			} else if matchesPatternProperty(s, k) {
				declared = true
			}
		}
		props := u.stack[propFrom:]
		switch {
		case len(props) > 0:
		case declared || len(addl) > 0:
			// A name only required, or not declared at all, is judged
			// by additionalProperties, as on the fast path.
			props = addl
		case judged && !mentioned:
			u.report(val, pointerTo(ptr, k), k, secret || redact.IsSecretName(k))
			continue
		}
		if len(props) > 0 && (val.kind == jObject || val.kind == jArray) {
			u.walk(props, val, pointerTo(ptr, k), secret || redact.IsSecretName(k))
		}
		u.stack = u.stack[:propFrom]
	}
}

func (u *undocumentedWalk) report(val *jnode, at, name string, secret bool) {
	actual := redact.Marker
	if !secret {
		if raw, err := json.Marshal(val.v); err == nil {
			actual = shorten(raw)
		}
	}
	u.out = append(u.out, u.site.finding(issueUndocumented, at, "property "+strconv.Quote(name)+" is not documented", "", actual))
}

// matchesPatternProperty: an OpenAPI 3.1 patternProperties pattern of s
// matches k.
func matchesPatternProperty(s *openapi3.Schema, k string) bool {
	for pattern := range s.PatternProperties {
		if re, err := ecmaRegexp(pattern); err == nil && re.MatchString(k) {
			return true
		}
	}
	return false
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func pointerTo(ptr, key string) string {
	var b strings.Builder
	b.Grow(len(ptr) + len(key) + 1)
	b.WriteString(ptr)
	b.WriteByte('/')
	writePointerToken(&b, key)
	return b.String()
}

// applicable expands schemas by their allOf branches and by the oneOf and
// anyOf branches v matches, on the stack; ok is false when a oneOf or anyOf
// leaves it unknown which branches apply (see undocumentedWalk).
func (u *undocumentedWalk) applicable(schemas []*openapi3.Schema, v *jnode) ([]*openapi3.Schema, bool) {
	plain := true
	for _, s := range schemas {
		if s == nil || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf)+len(s.DependentSchemas) > 0 || s.If != nil {
			plain = false
			break
		}
	}
	if plain {
		return schemas, true
	}
	from := len(u.stack)
	for _, s := range schemas {
		if !u.expand(s, v, from) {
			return nil, false
		}
	}
	return u.stack[from:], true
}

// expand pushes s and the branches that apply with it, once each: a schema
// met twice (a shared $ref, a cycle) adds nothing.
func (u *undocumentedWalk) expand(s *openapi3.Schema, v *jnode, from int) bool {
	if s == nil || slices.Contains(u.stack[from:], s) {
		return true
	}
	u.stack = append(u.stack, s)
	for _, br := range s.AllOf {
		if br == nil || br.Value == nil || !u.expand(br.Value, v, from) {
			return false
		}
	}
	// OpenAPI 3.1: the branch of if that applies, and the dependent
	// schemas of the properties present.
	if s.If != nil && s.If.Value != nil {
		branch := s.Else
		if u.judge.valid(s.If.Value, v) {
			branch = s.Then
			if !u.expand(s.If.Value, v, from) {
				return false
			}
		}
		if branch != nil && branch.Value != nil && !u.expand(branch.Value, v, from) {
			return false
		}
	}
	for _, k := range sortedKeys(s.DependentSchemas) {
		if ds := s.DependentSchemas[k]; ds != nil && ds.Value != nil && v.kind == jObject && v.get(k) != nil && !u.expand(ds.Value, v, from) {
			return false
		}
	}
	for _, xof := range [2]struct {
		branches openapi3.SchemaRefs
		one      bool
	}{{s.OneOf, true}, {s.AnyOf, false}} {
		if len(xof.branches) == 0 {
			continue
		}
		matched := u.matchedBranches(s, xof.branches, v)
		if len(matched) == 0 || xof.one && len(matched) > 1 {
			return false
		}
		for _, m := range matched {
			if !u.expand(m, v, from) {
				return false
			}
		}
	}
	return true
}

// matchedBranches lists the branches v is valid against; nil when a branch
// is unresolved or a discriminator names no branch. A discriminator limits
// them to the one it names, as in kin-openapi.
func (u *undocumentedWalk) matchedBranches(s *openapi3.Schema, branches openapi3.SchemaRefs, v *jnode) []*openapi3.Schema {
	want, bad := u.judge.discriminator(s, v)
	if bad != nil {
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
		if u.judge.valid(br.Value, v) {
			out = append(out, br.Value)
		}
	}
	return out
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
	return enumList(parts)
}

// maxEnumShown and maxEnumText bound the enum an expected value lists: a
// finding against a 1M-value enum repeated the whole enum (an 8.9 GB
// report).
const (
	maxEnumShown = 32
	maxEnumText  = 1024
)

// enumList is an expected value listing an enum, abbreviated past
// maxEnumShown values or maxEnumText bytes with a count of the rest.
func enumList(vals []string) string {
	var b strings.Builder
	b.WriteString("one of [")
	shown := 0
	for _, v := range vals {
		if shown == maxEnumShown || b.Len()+len(v) > maxEnumText {
			break
		}
		if shown > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v)
		shown++
	}
	if rest := len(vals) - shown; rest > 0 {
		if shown > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "… %d more", rest)
	}
	b.WriteString("]")
	return b.String()
}

func shortenString(s string) string {
	if len(s) <= 120 {
		return s
	}
	return strings.ToValidUTF8(s[:120], "") + "…"
}

// kinProbe is kinValue while a combinator's branch is tried: only whether
// the judge admits the value counts. A value the budget stopped is taken
// as not matching, so that the judge's own reading reports it.
func (s *scanner) kinProbe(n *schemaNode) {
	start := s.pos
	s.value(nil)
	if s.err != nil {
		return
	}
	var v any
	if err := json.Unmarshal(s.data[start:s.pos], &v); err != nil {
		s.err = errProbe
		return
	}
	if s.judge == nil {
		s.judge = newJudge(len(s.data), s.asRequest, s.dialect)
	}
	j := s.judge
	if !j.valid(n.src, j.tree(v)) || j.over {
		s.err = errProbe
	}
}
