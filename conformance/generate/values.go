package generate

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds how deep a generated value nests: a recursive schema
// (a tree of nodes) ends in its required properties only, then stops.
const maxDepth = 6

// view is a schema with its allOf folded in: what generation needs to
// know of one value.
type view struct {
	types      []string
	nullable   bool
	enum       []any
	constVal   any
	hasConst   bool
	format     string
	pattern    string
	minLen     uint64
	maxLen     *uint64
	min, max   *float64
	exclMin    bool
	exclMax    bool
	multipleOf *float64
	minItems   uint64
	maxItems   *uint64
	unique     bool
	items      *openapi3.Schema
	props      map[string]*openapi3.Schema
	required   []string
	noAddl     bool // additionalProperties: false
	minProps   uint64
	choices    []*openapi3.Schema // oneOf / anyOf branches
	example    any
	hasExample bool
	readOnly   bool
}

// fold reads s, and the schemas its allOf names, into one view. It is
// shallow: properties of the same name in two allOf branches keep the
// first.
func fold(s *openapi3.Schema) *view {
	v := &view{props: map[string]*openapi3.Schema{}}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		if s.Type != nil && len(*s.Type) > 0 {
			if v.types == nil {
				v.types = append([]string(nil), (*s.Type)...)
			} else {
				v.types = intersect(v.types, *s.Type)
			}
		}
		v.nullable = v.nullable || s.Nullable
		if s.Enum != nil && v.enum == nil {
			v.enum = s.Enum
		}
		if s.Const != nil && !v.hasConst {
			v.constVal, v.hasConst = s.Const, true
		}
		if s.Format != "" && v.format == "" {
			v.format = s.Format
		}
		if s.Pattern != "" && v.pattern == "" {
			v.pattern = s.Pattern
		}
		if s.MinLength > v.minLen {
			v.minLen = s.MinLength
		}
		if s.MaxLength != nil && (v.maxLen == nil || *s.MaxLength < *v.maxLen) {
			v.maxLen = s.MaxLength
		}
		if s.Min != nil && (v.min == nil || *s.Min > *v.min) {
			v.min, v.exclMin = s.Min, s.ExclusiveMin.IsTrue()
		}
		if s.ExclusiveMin.Value != nil && (v.min == nil || *s.ExclusiveMin.Value >= *v.min) {
			v.min, v.exclMin = s.ExclusiveMin.Value, true
		}
		if s.Max != nil && (v.max == nil || *s.Max < *v.max) {
			v.max, v.exclMax = s.Max, s.ExclusiveMax.IsTrue()
		}
		if s.ExclusiveMax.Value != nil && (v.max == nil || *s.ExclusiveMax.Value <= *v.max) {
			v.max, v.exclMax = s.ExclusiveMax.Value, true
		}
		if s.MultipleOf != nil && v.multipleOf == nil {
			v.multipleOf = s.MultipleOf
		}
		if s.MinItems > v.minItems {
			v.minItems = s.MinItems
		}
		if s.MaxItems != nil && (v.maxItems == nil || *s.MaxItems < *v.maxItems) {
			v.maxItems = s.MaxItems
		}
		v.unique = v.unique || s.UniqueItems
		if s.Items != nil && s.Items.Value != nil && v.items == nil {
			v.items = s.Items.Value
		}
		for name, p := range s.Properties {
			if p != nil && p.Value != nil && v.props[name] == nil {
				v.props[name] = p.Value
			}
		}
		v.required = append(v.required, s.Required...)
		if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			v.noAddl = true
		}
		if s.MinProps > v.minProps {
			v.minProps = s.MinProps
		}
		if v.choices == nil {
			for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
				for _, c := range list {
					if c != nil && c.Value != nil {
						v.choices = append(v.choices, c.Value)
					}
				}
			}
		}
		if s.Example != nil && !v.hasExample {
			v.example, v.hasExample = s.Example, true
		}
		v.readOnly = v.readOnly || s.ReadOnly
		for _, a := range s.AllOf {
			if a != nil {
				walk(a.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	sort.Strings(v.required)
	v.required = dedupe(v.required)
	if v.types == nil {
		switch {
		case len(v.props) > 0 || len(v.required) > 0:
			v.types = []string{"object"}
		case v.items != nil:
			v.types = []string{"array"}
		}
	}
	return v
}

func intersect(a []string, b openapi3.Types) []string {
	var out []string
	for _, t := range a {
		for _, u := range b {
			if t == u || (t == "integer" && u == "number") {
				out = append(out, t)
			} else if t == "number" && u == "integer" {
				out = append(out, u)
			}
		}
	}
	return out
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// mainType is the type generated values take: the first non-null one.
func (v *view) mainType() string {
	for _, t := range v.types {
		if t != "null" {
			return t
		}
	}
	if len(v.types) == 0 {
		return ""
	}
	return "null"
}

func (v *view) sortedProps() []string {
	names := make([]string, 0, len(v.props))
	for n := range v.props {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (v *view) isRequired(name string) bool {
	i := sort.SearchStrings(v.required, name)
	return i < len(v.required) && v.required[i] == name
}

// valueGen makes values of schemas. fill, when set, gives the value of a
// location the layer above knows better than the schema (a name with the
// run's prefix, a target URL that delivers nowhere).
type valueGen struct {
	rnd  *rand.Rand
	fill func(pointer string) (any, bool)
	// minimal makes the smallest valid value instead of a random one: the
	// first enum value, the shortest string, only required properties.
	minimal bool
}

// value makes a valid value of s at pointer (the body's JSON pointer of
// it, for fill).
func (g *valueGen) value(s *openapi3.Schema, pointer string, depth int) any {
	if depth > 2*maxDepth {
		// A schema that requires itself: no finite value exists; the
		// engine refuses what is sent, and the operation gets no valid
		// request.
		return nil
	}
	if g.fill != nil {
		if v, ok := g.fill(pointer); ok {
			return v
		}
	}
	v := fold(s)
	if v.hasConst {
		return v.constVal
	}
	if len(v.enum) > 0 {
		if g.minimal {
			return v.enum[0]
		}
		return v.enum[g.rnd.IntN(len(v.enum))]
	}
	if len(v.choices) > 0 && len(v.props) == 0 && v.mainType() == "" {
		c := v.choices[0]
		if !g.minimal {
			c = v.choices[g.rnd.IntN(len(v.choices))]
		}
		return g.value(c, pointer, depth+1)
	}
	if v.hasExample && !g.minimal && g.rnd.IntN(4) == 0 {
		return v.example
	}
	switch v.mainType() {
	case "string", "":
		return g.str(v)
	case "integer":
		return g.integer(v)
	case "number":
		return g.number(v)
	case "boolean":
		return !g.minimal && g.rnd.IntN(2) == 1
	case "array":
		return g.array(v, pointer, depth)
	case "object":
		return g.object(v, pointer, depth)
	}
	return nil
}

func (g *valueGen) object(v *view, pointer string, depth int) any {
	out := map[string]any{}
	for _, name := range v.sortedProps() {
		ps := v.props[name]
		req := v.isRequired(name)
		if ps.ReadOnly && !req {
			continue
		}
		if !req && (g.minimal || depth >= maxDepth || g.rnd.IntN(2) == 0) && uint64(len(out)) >= v.minProps {
			continue
		}
		out[name] = g.value(ps, pointer+"/"+escapePointer(name), depth+1)
	}
	for _, name := range v.required {
		if _, ok := out[name]; !ok {
			// Required but not declared: anything will do.
			out[name] = "x"
		}
	}
	return out
}

func (g *valueGen) array(v *view, pointer string, depth int) any {
	n := int(v.minItems)
	if !g.minimal && depth < maxDepth {
		n += g.rnd.IntN(3)
	}
	if v.maxItems != nil && uint64(n) > *v.maxItems {
		n = int(*v.maxItems)
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n && i < 4*n+4; i++ {
		x := g.value(v.items, pointer+"/"+strconv.Itoa(len(out)), depth+1)
		if v.unique {
			k := fmt.Sprint(x)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, x)
	}
	return out
}

func (g *valueGen) integer(v *view) any {
	lo, hi := int64(0), int64(1000)
	if v.min != nil {
		lo = int64(math.Ceil(*v.min))
		if v.exclMin && float64(lo) == *v.min {
			lo++
		}
		if v.max == nil {
			hi = lo + 1000
		}
	}
	if v.max != nil {
		hi = int64(math.Floor(*v.max))
		if v.exclMax && float64(hi) == *v.max {
			hi--
		}
		if v.min == nil {
			lo = hi - 1000
			if hi >= 0 && lo < 0 {
				lo = 0
			}
		}
	}
	if hi < lo {
		hi = lo
	}
	n := lo
	if !g.minimal && hi > lo {
		n = lo + g.rnd.Int64N(min(hi-lo, 1<<40)+1)
	}
	if m := v.multipleOf; m != nil && *m >= 1 && *m == math.Trunc(*v.multipleOf) {
		step := int64(*m)
		n = (n / step) * step
		if n < lo {
			n += step
		}
	}
	return n
}

func (g *valueGen) number(v *view) any {
	if v.multipleOf != nil {
		return g.integer(v)
	}
	lo, hi := 0.0, 1000.0
	if v.min != nil {
		lo = *v.min
		if v.max == nil {
			hi = lo + 1000
		}
	}
	if v.max != nil {
		hi = *v.max
		if v.min == nil {
			lo = hi - 1000
		}
	}
	if g.minimal {
		if v.exclMin {
			return lo + (hi-lo)/2
		}
		return lo
	}
	x := lo + g.rnd.Float64()*(hi-lo)
	x = math.Round(x*100) / 100
	if x <= lo && v.exclMin || x >= hi && v.exclMax || x < lo || x > hi {
		x = lo + (hi-lo)/2
	}
	return x
}

const letters = "abcdefghijklmnopqrstuvwxyz"

func (g *valueGen) word(n int) string {
	b := make([]byte, n)
	for i := range b {
		if g.minimal {
			b[i] = 'a'
		} else {
			b[i] = letters[g.rnd.IntN(len(letters))]
		}
	}
	return string(b)
}

func (g *valueGen) str(v *view) string {
	maxLen := uint64(math.MaxInt32)
	if v.maxLen != nil {
		maxLen = *v.maxLen
	}
	fits := func(s string) bool {
		n := uint64(len([]rune(s)))
		return n >= v.minLen && n <= maxLen && (v.pattern == "" || matches(v.pattern, s))
	}
	for try := 0; try < 8; try++ {
		var s string
		switch {
		case v.format != "" && try < 4:
			s = g.formatted(v.format)
		case v.pattern != "":
			s = g.fromPattern(v.pattern, v.minLen)
		default:
			n := int(v.minLen)
			if !g.minimal {
				n += g.rnd.IntN(12)
			}
			if n == 0 && !g.minimal {
				n = 1
			}
			if uint64(n) > maxLen {
				n = int(maxLen)
			}
			s = g.word(n)
		}
		if fits(s) {
			return s
		}
	}
	return g.word(int(v.minLen))
}

// formatted makes a value of a string format; an unknown format gets a
// plain word.
func (g *valueGen) formatted(f string) string {
	r := func(n int) int {
		if g.minimal {
			return 0
		}
		return g.rnd.IntN(n)
	}
	switch f {
	case "date-time":
		return fmt.Sprintf("20%02d-%02d-%02dT%02d:%02d:%02dZ", 10+r(20), 1+r(12), 1+r(28), r(24), r(60), r(60))
	case "date":
		return fmt.Sprintf("20%02d-%02d-%02d", 10+r(20), 1+r(12), 1+r(28))
	case "time":
		return fmt.Sprintf("%02d:%02d:%02dZ", r(24), r(60), r(60))
	case "uri", "url", "uri-reference", "iri":
		return "https://example.com/" + g.word(1+r(8))
	case "email":
		return g.word(1+r(8)) + "@example.com"
	case "hostname":
		return g.word(1+r(8)) + ".example.com"
	case "ipv4":
		return fmt.Sprintf("192.0.2.%d", r(255))
	case "ipv6":
		return fmt.Sprintf("2001:db8::%x", r(65535))
	case "uuid":
		b := make([]byte, 16)
		for i := range b {
			b[i] = byte(r(256))
		}
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	case "byte":
		return base64.StdEncoding.EncodeToString([]byte(g.word(1 + r(12))))
	case "int32", "int64":
		return strconv.Itoa(r(1000))
	}
	return g.word(1 + r(12))
}

var patternCache sync.Map // pattern → *regexp.Regexp or nil

// compiled reads an ECMA-262 pattern as Go's regexp, which agrees on the
// patterns specs use in practice; nil when Go cannot read it.
func compiled(p string) *regexp.Regexp {
	if re, ok := patternCache.Load(p); ok {
		r, _ := re.(*regexp.Regexp)
		return r
	}
	re, err := regexp.Compile(p)
	if err != nil {
		re = nil
	}
	patternCache.Store(p, re)
	return re
}

func matches(p, s string) bool {
	re := compiled(p)
	return re == nil || re.MatchString(s)
}

// fromPattern makes a string the pattern matches, preferring letters and
// digits wherever a class allows them.
func (g *valueGen) fromPattern(p string, minLen uint64) string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return g.word(int(minLen) + 1)
	}
	var b strings.Builder
	g.emit(&b, re.Simplify(), minLen)
	return b.String()
}

const preferred = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func (g *valueGen) emit(b *strings.Builder, re *syntax.Regexp, minLen uint64) {
	reps := func(lo, hi int) int {
		if hi < 0 || hi > lo+3 {
			hi = lo + 3
		}
		if g.minimal || hi <= lo {
			return lo
		}
		return lo + g.rnd.IntN(hi-lo+1)
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(g.pickRune(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteString(g.word(1))
	case syntax.OpCapture:
		g.emit(b, re.Sub[0], minLen)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		n := reps(lo, hi)
		if uint64(b.Len()) < minLen && (hi < 0 || hi > n) {
			n = max(n, int(minLen)-b.Len())
			if hi >= 0 && n > hi {
				n = hi
			}
		}
		for range n {
			g.emit(b, re.Sub[0], minLen)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			g.emit(b, s, minLen)
		}
	case syntax.OpAlternate:
		i := 0
		if !g.minimal {
			i = g.rnd.IntN(len(re.Sub))
		}
		g.emit(b, re.Sub[i], minLen)
	}
}

// pickRune picks from a class given as rune ranges, a preferred character
// when the class holds one.
func (g *valueGen) pickRune(ranges []rune) rune {
	var ok []rune
	for _, c := range preferred {
		for i := 0; i+1 < len(ranges); i += 2 {
			if c >= ranges[i] && c <= ranges[i+1] {
				ok = append(ok, c)
				break
			}
		}
	}
	if len(ok) > 0 {
		if g.minimal {
			return ok[0]
		}
		return ok[g.rnd.IntN(len(ok))]
	}
	if len(ranges) < 2 {
		return 'a'
	}
	return ranges[0]
}

// escapePointer escapes a property name as an RFC 6901 reference token.
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
