package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// The judge validates a decoded value against the schemas the single-pass
// scanner leaves aside (allOf, oneOf, anyOf, not, pattern, ...). It follows
// kin-openapi's Schema.VisitJSON keyword by keyword, with three differences
// that matter in practice:
//
//   - Work is bounded. A verdict is memoized per (schema, value position), so
//     a self-referencing anyOf costs one visit per schema and value instead
//     of one per path through the branches (exponential in the nesting), and
//     a budget proportional to the body's size stops the rest with a
//     body.budget finding.
//   - A failed allOf, oneOf or anyOf is reported at its deepest cause (the
//     pointer and keyword inside the branch that came nearest to matching),
//     not as one finding at the combinator.
//   - OpenAPI 3.0 corners kin-openapi gets wrong: null is admitted by a schema
//     without type (nullable only modifies an explicit type), `not: {}`
//     refuses every value, patterns are ECMA-262, date-time and uri are the
//     engine's RFC 3339 and RFC 3986 readings.

// jnode is one value of the decoded body, numbered so that verdicts can be
// memoized by position.
type jnode struct {
	id   int
	v    any // as encoding/json decodes it
	kind byte
	num  float64
	str  string
	// arrays: items; objects: keys (sorted) and vals
	items []*jnode
	keys  []string
	vals  []*jnode
}

const (
	jNull byte = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// tree numbers the values of v, depth first, after those of the trees
// the judge has built before for the same body.
func (j *judge) tree(v any) *jnode {
	var build func(v any) *jnode
	build = func(v any) *jnode {
		n := &jnode{id: j.nextID, v: v}
		j.nextID++
		switch v := v.(type) {
		case nil:
			n.kind = jNull
		case bool:
			n.kind = jBool
		case float64:
			n.kind, n.num = jNumber, v
		case string:
			n.kind, n.str = jString, v
		case []any:
			n.kind = jArray
			n.items = make([]*jnode, len(v))
			for i, e := range v {
				n.items[i] = build(e)
			}
		case map[string]any:
			n.kind = jObject
			n.keys = make([]string, 0, len(v))
			for k := range v {
				n.keys = append(n.keys, k)
			}
			sort.Strings(n.keys)
			n.vals = make([]*jnode, len(n.keys))
			for i, k := range n.keys {
				n.vals[i] = build(v[k])
			}
		}
		return n
	}
	return build(v)
}

// get returns the value of property k, or nil.
func (n *jnode) get(k string) *jnode {
	i := sort.SearchStrings(n.keys, k)
	if i < len(n.keys) && n.keys[i] == k {
		return n.vals[i]
	}
	return nil
}

// issue is one way a value breaks a schema. path leads from the judged
// value to the offending one, root first.
type issue struct {
	path    []string
	keyword string // the schema field that failed: type, required, oneOf, ...
	schema  *openapi3.Schema
	value   *jnode // nil for a missing required property
	reason  string
	via     string // the combinator whose branch this is the cause for
	// nearest: the cause of a oneOf or anyOf that matched no branch. The
	// value breaks the spec whatever the cause, so an enum cause is an
	// error here, not drift.
	nearest bool
}

type judgeKey struct {
	s  *openapi3.Schema
	id int
}

// judge holds the memo of one body's verdicts; it is not safe for
// concurrent use.
type judge struct {
	memo   map[judgeKey][]issue
	active map[judgeKey]bool
	budget int
	spent  int
	over   bool
	nextID int
	// asRequest judges a request body: readOnly properties are refused
	// and need not be present, where a response does so for writeOnly.
	asRequest bool
	// neither judges a value that is neither (an example in the
	// components): readOnly and writeOnly do not apply.
	neither bool
	// dialect says how schemas are read: OpenAPI 3.0's, or JSON Schema
	// 2020-12 as OpenAPI 3.1 uses it (judge31.go).
	dialect dialect
	// cov, when set, is marked with the enum values met.
	cov *Coverage
}

// Costs are counted in schema visits; a body of n bytes may cost
// judgeBudgetBase + judgeBudgetPerByte*n of them, far above what any
// document needs when verdicts are memoized.
const (
	judgeBudgetBase    = 4096
	judgeBudgetPerByte = 64
)

func newJudge(size int, asRequest bool, d dialect) *judge {
	return &judge{memo: map[judgeKey][]issue{}, active: map[judgeKey]bool{}, budget: judgeBudgetBase + judgeBudgetPerByte*size, asRequest: asRequest, dialect: d}
}

// valid reports whether n satisfies s.
func (j *judge) valid(s *openapi3.Schema, n *jnode) bool { return len(j.visit(s, n)) == 0 }

// visit judges n by s (never nil), once per pair.
func (j *judge) visit(s *openapi3.Schema, n *jnode) []issue {
	key := judgeKey{s, n.id}
	if out, ok := j.memo[key]; ok {
		return out
	}
	if j.active[key] {
		// The schema refers back to itself for the same value (a $ref
		// cycle through allOf or anyOf): as in kin-openapi, the inner
		// visit adds nothing.
		return nil
	}
	j.spent++
	if j.spent > j.budget {
		j.over = true
		return nil // not judged: the body.budget finding says so
	}
	j.active[key] = true
	out := j.eval(s, n)
	delete(j.active, key)
	j.memo[key] = out
	return out
}

func (j *judge) fail(s *openapi3.Schema, n *jnode, keyword, reason string) []issue {
	return []issue{{keyword: keyword, schema: s, value: n, reason: reason}}
}

func (j *judge) eval(s *openapi3.Schema, n *jnode) []issue {
	if j.dialect.v31 {
		return j.eval31(s, n)
	}
	untyped := s.Type == nil || len(*s.Type) == 0
	if n.kind == jNull && (s.Nullable || s.Type.Includes(openapi3.TypeNull)) {
		return nil
	}
	if s.Not != nil && s.Not.Value != nil && j.valid(s.Not.Value, n) {
		return j.fail(s, n, "not", "the value matches the schema of not")
	}
	if out, done := j.combinators(s, n); done {
		return out
	}
	if len(s.Enum) > 0 {
		if !inJSONEnum(s.Enum, n.v) {
			return j.fail(s, n, "enum", "value is not one of the documented enum values")
		}
		if j.cov != nil {
			j.cov.markEnum(s, n.v)
		}
	}
	switch n.kind {
	case jNull:
		if untyped {
			return nil
		}
		return j.fail(s, n, "nullable", "null where the schema is not nullable")
	case jBool:
		if !s.Type.Permits(openapi3.TypeBoolean) {
			return j.wrongType(s, n)
		}
		return nil
	case jNumber:
		return j.number(s, n)
	case jString:
		return j.string(s, n)
	case jArray:
		return j.array(s, n)
	default:
		return j.object(s, n)
	}
}

// combinators applies oneOf, anyOf and allOf; done means the value failed
// one of them (and, like kin-openapi, is judged no further by s) or is a
// null they admitted.
func (j *judge) combinators(s *openapi3.Schema, n *jnode) (out []issue, done bool) {
	visited := false
	for _, xof := range [2]struct {
		name     string
		branches openapi3.SchemaRefs
	}{{"oneOf", s.OneOf}, {"anyOf", s.AnyOf}} {
		if len(xof.branches) == 0 {
			continue
		}
		visited = true
		want, derr := j.discriminator(s, n)
		if derr != nil {
			return derr, true
		}
		var matched []int
		var causes [][]issue
		var causeIdx []int
		for i, br := range xof.branches {
			if br == nil || br.Value == nil || want != "" && br.Ref != want {
				continue
			}
			sub := j.visit(br.Value, n)
			if len(sub) == 0 {
				matched = append(matched, i)
				if xof.name == "anyOf" {
					break
				}
				continue
			}
			causes = append(causes, sub)
			causeIdx = append(causeIdx, i)
		}
		switch {
		case len(matched) > 1:
			return j.fail(s, n, "oneOf", fmt.Sprintf("the value matches more than one oneOf branch (%v)", matched)), true
		case len(matched) == 0 && len(causes) == 0:
			return j.fail(s, n, xof.name, "the discriminator selects no "+xof.name+" branch"), true
		case len(matched) == 0:
			best := nearestCause(causes)
			via := fmt.Sprintf("%s: no branch matches; nearest is #%d", xof.name, causeIdx[best])
			out := withVia(causes[best], via)
			for i := range out {
				out[i].nearest = true
			}
			return out, true
		}
	}
	for i, br := range s.AllOf {
		if br == nil || br.Value == nil {
			continue
		}
		visited = true
		if sub := j.visit(br.Value, n); len(sub) > 0 {
			out = append(out, withVia(sub, "allOf #"+strconv.Itoa(i))...)
		}
	}
	if len(out) > 0 {
		return out, true
	}
	return nil, visited && n.kind == jNull
}

// nearestCause picks the branch that came nearest to matching: the one
// whose failure lies deepest in the value, then the one with fewest
// failures, then the first.
func nearestCause(causes [][]issue) int {
	best, bestDepth := 0, -1
	for i, c := range causes {
		depth := 0
		for _, is := range c {
			depth = max(depth, len(is.path))
		}
		if depth > bestDepth || depth == bestDepth && len(c) < len(causes[best]) {
			best, bestDepth = i, depth
		}
	}
	return best
}

func withVia(in []issue, via string) []issue {
	out := make([]issue, len(in))
	for i, is := range in {
		if is.via == "" {
			is.via = via
		} else {
			is.via = via + ", " + is.via
		}
		out[i] = is
	}
	return out
}

// discriminator is the $ref a discriminator names for n ("" without one),
// or the issue kin-openapi reports for a missing or unmapped value.
func (j *judge) discriminator(s *openapi3.Schema, n *jnode) (string, []issue) {
	d := s.Discriminator
	if d == nil || n.kind != jObject {
		return "", nil
	}
	p := n.get(d.PropertyName)
	if p == nil {
		return "", j.fail(s, n, "discriminator", "the discriminator property "+strconv.Quote(d.PropertyName)+" is missing")
	}
	if p.kind != jString {
		return "", []issue{{path: []string{d.PropertyName}, keyword: "discriminator", schema: s, value: p, reason: "the discriminator property is not a string"}}
	}
	if len(d.Mapping) == 0 {
		return "", nil
	}
	m, ok := d.Mapping[p.str]
	if !ok {
		return "", []issue{{path: []string{d.PropertyName}, keyword: "discriminator", schema: s, value: p, reason: "the discriminator value is not mapped"}}
	}
	if m.Ref != "" && !strings.Contains(m.Ref, "/") {
		return "#/components/schemas/" + m.Ref, nil
	}
	return m.Ref, nil
}

func (j *judge) wrongType(s *openapi3.Schema, n *jnode) []issue {
	return j.fail(s, n, "type", "expected "+typeName(s, s.Nullable))
}

func (j *judge) number(s *openapi3.Schema, n *jnode) []issue {
	t := s.Type
	integer := t.Permits(openapi3.TypeInteger) && !t.Permits(openapi3.TypeNumber)
	if !integer && !t.Permits(openapi3.TypeNumber) && !t.Permits(openapi3.TypeInteger) {
		return j.wrongType(s, n)
	}
	v := n.num
	var out []issue
	if integer && v != math.Trunc(v) {
		out = append(out, j.fail(s, n, "type", "expected "+typeName(s, s.Nullable)+", got a number with a fraction")...)
	}
	switch fv := numberFormat(s.Format, integer); {
	case j.dialect.formatsAnnotate:
	case integer && (s.Format == "int32" || s.Format == "int64"):
		f := fmtInt64
		if s.Format == "int32" {
			f = fmtInt32
		}
		if !intFormatOK(f, v) {
			out = append(out, j.fail(s, n, "format", formatMessage(f))...)
		}
	case fv != nil:
		if err := fv(v); err != nil {
			out = append(out, j.fail(s, n, "format", err.Error())...)
		}
	}
	if s.Min != nil && (v < *s.Min || s.ExclusiveMin.IsTrue() && v == *s.Min) {
		out = append(out, j.fail(s, n, "minimum", "below the minimum "+formatFloat(*s.Min))...)
	}
	if s.Max != nil && (v > *s.Max || s.ExclusiveMax.IsTrue() && v == *s.Max) {
		out = append(out, j.fail(s, n, "maximum", "above the maximum "+formatFloat(*s.Max))...)
	}
	if s.ExclusiveMin.Value != nil && !(v > *s.ExclusiveMin.Value) {
		out = append(out, j.fail(s, n, "exclusiveMinimum", "not above "+formatFloat(*s.ExclusiveMin.Value))...)
	}
	if s.ExclusiveMax.Value != nil && !(v < *s.ExclusiveMax.Value) {
		out = append(out, j.fail(s, n, "exclusiveMaximum", "not below "+formatFloat(*s.ExclusiveMax.Value))...)
	}
	if s.MultipleOf != nil && !isMultipleOf(v, *s.MultipleOf) {
		out = append(out, j.fail(s, n, "multipleOf", "not a multiple of "+formatFloat(*s.MultipleOf))...)
	}
	return out
}

// numberFormat is a number or integer format someone registered with
// kin-openapi, as kin applies it.
func numberFormat(name string, integer bool) func(float64) error {
	if name == "" {
		return nil
	}
	if integer {
		if f, ok := openapi3.SchemaIntegerFormats[name]; ok && f != nil {
			return func(v float64) error {
				if v != math.Trunc(v) || v < math.MinInt64 || v >= math.MaxInt64 {
					return nil
				}
				return f.Validate(int64(v))
			}
		}
		return nil
	}
	if f, ok := openapi3.SchemaNumberFormats[name]; ok && f != nil {
		return f.Validate
	}
	return nil
}

// isMultipleOf compares exactly, with kin-openapi's slack of a couple of
// units in the last place of the value.
func isMultipleOf(v, m float64) bool {
	if m <= 0 || math.IsNaN(m) || math.IsInf(m, 0) {
		return true
	}
	exact := new(big.Rat).SetFloat64(v)
	mult := new(big.Rat).SetFloat64(m)
	q := new(big.Rat).Quo(exact, mult)
	if q.IsInt() {
		return true
	}
	floor := new(big.Int).Div(q.Num(), q.Denom())
	var dist *big.Rat
	for _, k := range []*big.Int{floor, new(big.Int).Add(floor, big.NewInt(1))} {
		gap := new(big.Rat).Sub(exact, new(big.Rat).Mul(new(big.Rat).SetInt(k), mult))
		gap.Abs(gap)
		if dist == nil || gap.Cmp(dist) < 0 {
			dist = gap
		}
	}
	tol := new(big.Rat).Mul(new(big.Rat).Abs(exact), new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), 51)))
	return dist.Cmp(tol) <= 0
}

func (j *judge) string(s *openapi3.Schema, n *jnode) []issue {
	if !s.Type.Permits(openapi3.TypeString) {
		return j.wrongType(s, n)
	}
	var out []issue
	if s.MinLength > 0 || s.MaxLength != nil {
		l := uint64(utf8.RuneCountInString(n.str))
		if l < s.MinLength {
			out = append(out, j.fail(s, n, "minLength", "shorter than minLength "+strconv.FormatUint(s.MinLength, 10))...)
		}
		if s.MaxLength != nil && l > *s.MaxLength {
			out = append(out, j.fail(s, n, "maxLength", "longer than maxLength "+strconv.FormatUint(*s.MaxLength, 10))...)
		}
	}
	if s.Pattern != "" {
		// A pattern that does not compile is a spec note; it checks nothing.
		if re, err := ecmaRegexp(s.Pattern); err == nil && !re.MatchString(n.str) {
			out = append(out, j.fail(s, n, "pattern", "does not match the pattern "+strconv.Quote(s.Pattern))...)
		}
	}
	if s.Format != "" && !j.dialect.formatsAnnotate {
		if f := stringFormat(s.Format); f != fmtNone {
			if !formatOK(f, []byte(n.str)) {
				out = append(out, j.fail(s, n, "format", formatMessage(f))...)
			}
		} else if fv, ok := openapi3.SchemaStringFormats[s.Format]; ok && fv != nil {
			if err := fv.Validate(n.str); err != nil {
				out = append(out, j.fail(s, n, "format", "not a valid "+s.Format)...)
			}
		}
	}
	return out
}

// stringFormat names the string formats the engine judges itself.
func stringFormat(name string) formatKind {
	switch name {
	case "date-time":
		return fmtDateTime
	case "date":
		return fmtDate
	case "uri":
		return fmtURI
	case "byte":
		return fmtByte
	}
	return fmtNone
}

func (j *judge) array(s *openapi3.Schema, n *jnode) []issue {
	if !s.Type.Permits(openapi3.TypeArray) {
		return j.wrongType(s, n)
	}
	var out []issue
	l := uint64(len(n.items))
	if l < s.MinItems {
		out = append(out, j.fail(s, n, "minItems", "fewer items than minItems "+strconv.FormatUint(s.MinItems, 10))...)
	}
	if s.MaxItems != nil && l > *s.MaxItems {
		out = append(out, j.fail(s, n, "maxItems", "more items than maxItems "+strconv.FormatUint(*s.MaxItems, 10))...)
	}
	if s.UniqueItems && !uniqueItems(n) {
		out = append(out, j.fail(s, n, "uniqueItems", "the items are not unique")...)
	}
	from := 0
	if j.dialect.v31 {
		from = min(len(s.PrefixItems), len(n.items))
		out = j.arrayApplicators31(s, n, out)
	}
	if s.Items != nil && s.Items.Value != nil {
		for i, it := range n.items[from:] {
			out = appendUnder(out, strconv.Itoa(from+i), j.visit(s.Items.Value, it))
		}
	}
	if j.dialect.v31 && (s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil) {
		out = j.unevaluatedItems(s, n, out)
	}
	return out
}

func uniqueItems(n *jnode) bool {
	seen := make(map[string]struct{}, len(n.items))
	for _, it := range n.items {
		raw, _ := json.Marshal(it.v) // map keys sorted: equal values, equal text
		seen[string(raw)] = struct{}{}
	}
	return len(seen) == len(n.items)
}

func (j *judge) object(s *openapi3.Schema, n *jnode) []issue {
	if !s.Type.Permits(openapi3.TypeObject) {
		return j.wrongType(s, n)
	}
	var out []issue
	l := uint64(len(n.keys))
	if s.MinProps > 0 && l < s.MinProps {
		out = append(out, j.fail(s, n, "minProperties", "fewer properties than minProperties "+strconv.FormatUint(s.MinProps, 10))...)
	}
	if s.MaxProps != nil && l > *s.MaxProps {
		out = append(out, j.fail(s, n, "maxProperties", "more properties than maxProperties "+strconv.FormatUint(*s.MaxProps, 10))...)
	}
	forbidden := s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	var addl *openapi3.Schema
	if ref := s.AdditionalProperties.Schema; ref != nil {
		addl = ref.Value
	}
	for i, k := range n.keys {
		v := n.vals[i]
		if j.dialect.v31 {
			var matched bool
			out, matched = j.keyApplicators31(s, k, v, out)
			if _, declared := s.Properties[k]; matched && !declared {
				continue // a patternProperties match: additionalProperties does not apply
			}
		}
		if p, ok := s.Properties[k]; ok && p != nil && p.Value != nil {
			switch {
			case j.neither:
			case j.asRequest && p.Value.ReadOnly:
				out = append(out, issue{path: []string{k}, keyword: "readOnly", schema: p.Value, value: v, reason: "readOnly property " + strconv.Quote(k) + " in a request"})
			case !j.asRequest && p.Value.WriteOnly:
				out = append(out, issue{path: []string{k}, keyword: "writeOnly", schema: p.Value, value: v, reason: "writeOnly property " + strconv.Quote(k) + " in a response"})
			}
			out = appendUnder(out, k, j.visit(p.Value, v))
			continue
		}
		switch {
		case forbidden:
			out = append(out, issue{path: []string{k}, keyword: "additionalProperties", schema: s, value: v, reason: "property " + strconv.Quote(k) + " is forbidden by additionalProperties: false"})
		case addl != nil:
			out = appendUnder(out, k, j.visit(addl, v))
		}
	}
	for _, k := range s.Required {
		if n.get(k) == nil && (j.neither || !oneWayIn(s, k, j.asRequest, nil)) {
			out = append(out, issue{path: []string{k}, keyword: "required", schema: s, reason: "required property " + strconv.Quote(k) + " is missing"})
		}
	}
	if j.dialect.v31 {
		out = j.objectApplicators31(s, n, out)
	}
	return out
}

// oneWayIn: a required property need not be in a response when it is
// writeOnly, nor in a request when it is readOnly (declared here or in an
// allOf branch, as kin-openapi reads it).
func oneWayIn(s *openapi3.Schema, k string, asRequest bool, seen []*openapi3.Schema) bool {
	if s == nil {
		return false
	}
	for _, x := range seen {
		if x == s {
			return false
		}
	}
	if p := s.Properties[k]; p != nil && p.Value != nil && (asRequest && p.Value.ReadOnly || !asRequest && p.Value.WriteOnly) {
		return true
	}
	seen = append(seen, s)
	for _, br := range s.AllOf {
		if br != nil && oneWayIn(br.Value, k, asRequest, seen) {
			return true
		}
	}
	return false
}

// appendUnder adds the issues of a child value, their paths prefixed by
// the child's key or index.
func appendUnder(out []issue, seg string, sub []issue) []issue {
	for _, is := range sub {
		p := make([]string, 0, len(is.path)+1)
		is.path = append(append(p, seg), is.path...)
		out = append(out, is)
	}
	return out
}

// inJSONEnum compares as kin-openapi does: numbers by value, containers
// deeply.
func inJSONEnum(enum []any, v any) bool {
	for _, e := range enum {
		if jsonEqual(e, v) {
			return true
		}
	}
	return false
}

func jsonEqual(a, b any) bool {
	if x, ok := asFloat(a); ok {
		y, ok := asFloat(b)
		return ok && x == y
	}
	switch a := a.(type) {
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !jsonEqual(av, bv) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// jsonText is v as JSON, shortened for a message.
func jsonText(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return shorten(raw)
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case uint64:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}
