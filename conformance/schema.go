package conformance

import (
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// JSON types a compiled schema admits, as a bit set; zero admits any.
const (
	tString uint8 = 1 << iota
	tNumber
	tInteger
	tBoolean
	tArray
	tObject
	tNull // OpenAPI 3.1: "null" in the type list
)

// addlMode says what a schema makes of properties it does not declare.
type addlMode uint8

const (
	addlUndocumented addlMode = iota // not mentioned: allowed, reported as drift
	addlAllowed                      // additionalProperties: true, or a free-form object
	addlSchema                       // additionalProperties: {schema}
	addlForbidden                    // additionalProperties: false
)

type formatKind uint8

const (
	fmtNone formatKind = iota
	fmtDateTime
	fmtDate
	fmtURI
	fmtByte
	fmtInt32
	fmtInt64
)

// schemaNode is a schema compiled for the single-pass validator. A node the
// fast path cannot judge exactly (allOf, oneOf, pattern, ...) is marked
// slow: its value is decoded and handed to the judge (judge.go) instead.
type schemaNode struct {
	src     *openapi3.Schema
	slowWhy []string // the slowKeywords that made it slow

	// The flags and small enums sit together, so that a node takes little
	// padding.
	slow             bool
	types            uint8
	nullable         bool
	format           formatKind
	hasMin, hasMax   bool
	exclMin, exclMax bool
	addl             addlMode
	// constant: enum holds a JSON Schema 2020-12 const (a string), and a
	// value other than it breaks the schema (an error, not drift).
	constant bool
	// documents: the schema names properties or items (properties,
	// required, additionalProperties, items, a combinator), so it counts
	// when deciding which properties of a value are undocumented.
	documents bool

	typeName string // "string", "integer or null": the expected text of body.type

	enum         map[string]struct{}
	enumExpected string
	minLen       uint64
	maxLen       int64          // -1: none
	pattern      *regexp.Regexp // ECMA-262 read as in the judge; nil: none or one that does not compile (a spec note)

	min, max float64

	minItems uint64
	maxItems int64 // -1: none
	items    *schemaNode

	props    propTable
	required []*property
	addlNode *schemaNode
	// words is how many 64-bit words the properties' seen bits take.
	words int

	// enumAny is an enum with values other than strings (or beside a type
	// other than string): judged before the type, as kin-openapi does.
	enumAny *anyEnum
	// comb holds allOf, anyOf and oneOf (combine.go); the node's other
	// fields are the schema's own keywords beside them.
	comb *combinator

	// covEnum is the Coverage bit of each enum value (see covPlan).
	covEnum map[string]int32
}

type property struct {
	name      string
	bit       uint64
	word      int         // which word of seen bits holds bit
	node      *schemaNode // nil: any value
	forbidden bool        // required, but not declared under additionalProperties: false
	cov       int32       // its bit in a Coverage; 0 when not declared
}

func (n *schemaNode) allows(t uint8) bool { return n.types == 0 || n.types&t != 0 }

// integerOnly mirrors kin-openapi: a fraction is refused only when integer
// is allowed and number is not.
func (n *schemaNode) integerOnly() bool {
	return n.types&tInteger != 0 && n.types&tNumber == 0
}

// needsString says whether a string's content matters, so the scanner can
// skip unquoting it otherwise.
func (n *schemaNode) needsString() bool {
	return n.enum != nil || n.format != fmtNone || n.minLen > 0 || n.maxLen >= 0 || n.pattern != nil
}

func (n *schemaNode) needsNumber() bool {
	return n.integerOnly() || n.hasMin || n.hasMax || n.format == fmtInt32 || n.format == fmtInt64
}

type schemaCompiler struct {
	memo    map[*openapi3.Schema]*schemaNode
	dialect dialect
	// judgeCombinators leaves every allOf, anyOf and oneOf to the judge,
	// as before the single pass tried branches: the yardstick its tests
	// compare with.
	judgeCombinators bool
}

func newSchemaCompiler(d dialect) *schemaCompiler {
	return &schemaCompiler{memo: map[*openapi3.Schema]*schemaNode{}, dialect: d}
}

func (c *schemaCompiler) ref(r *openapi3.SchemaRef) *schemaNode {
	if r == nil || r.Value == nil {
		return nil
	}
	return c.compile(r.Value)
}

// compile turns s into a node, sharing nodes between $ref uses and closing
// cycles through the memo.
func (c *schemaCompiler) compile(s *openapi3.Schema) *schemaNode {
	if n := c.memo[s]; n != nil {
		return n
	}
	n := &schemaNode{src: s, maxLen: -1, maxItems: -1}
	c.memo[s] = n
	n.documents = documentsNames(s)
	why := slowReasons(s)
	if c.dialect.v31 {
		why = append(why, slowReasons31(s, c.dialect)...)
	}
	if (c.judgeCombinators || c.dialect.v31) && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 {
		// JSON Schema 2020-12 reads null and the keywords beside a
		// combinator its own way: the judge's eval31 does.
		why = append(why, "allOf, anyOf or oneOf")
	}
	if c.dialect.v31 && len(s.Enum) > 0 && !stringEnum(s) && !nullStringEnum(s) {
		why = append(why, "enum of other values than strings")
	}
	if len(why) > 0 {
		n.slow, n.slowWhy = true, why
		return n
	}
	n.nullable = s.Nullable
	if s.Type != nil {
		for _, t := range *s.Type {
			switch t {
			case openapi3.TypeString:
				n.types |= tString
			case openapi3.TypeNumber:
				n.types |= tNumber
			case openapi3.TypeInteger:
				n.types |= tInteger
			case openapi3.TypeBoolean:
				n.types |= tBoolean
			case openapi3.TypeArray:
				n.types |= tArray
			case openapi3.TypeObject:
				n.types |= tObject
			case openapi3.TypeNull:
				n.nullable = true
				n.types |= tNull
			}
		}
	}
	n.typeName = typeName(s, n.nullable)
	if cs, ok := s.Const.(string); ok && c.dialect.v31 {
		// A string const: the value must be that string, so of type
		// string (an enum of one, reported as const).
		n.types, n.nullable = tString, false
		n.typeName = "string"
		n.constant = true
		n.enum = map[string]struct{}{cs: {}}
		n.enumExpected = "const " + jsonText(cs)
	} else if len(s.Enum) > 0 && !stringEnum(s) && !(c.dialect.v31 && nullStringEnum(s)) {
		n.enumAny = newAnyEnum(s.Enum)
		n.enumExpected = enumExpected(s.Enum)
	} else if len(s.Enum) > 0 {
		n.enum = make(map[string]struct{}, len(s.Enum))
		vals := make([]string, 0, len(s.Enum))
		for _, v := range s.Enum {
			str, ok := v.(string) // strings, and null beside type null (nullStringEnum)
			if !ok {
				continue
			}
			n.enum[str] = struct{}{}
			vals = append(vals, str)
		}
		n.enumExpected = enumList(vals)
		if len(vals) < len(s.Enum) {
			n.enumExpected = enumExpected(s.Enum)
		}
	}
	switch s.Format {
	case "date-time":
		n.format = fmtDateTime
	case "date":
		n.format = fmtDate
	case "uri":
		n.format = fmtURI
	case "byte":
		n.format = fmtByte
	case "int32":
		n.format = fmtInt32
	case "int64":
		n.format = fmtInt64
	}
	if c.dialect.formatsAnnotate {
		n.format = fmtNone
	}
	if n.format == fmtInt32 || n.format == fmtInt64 {
		if !n.allows(tInteger) || n.types&tNumber != 0 && n.types&tInteger == 0 {
			n.format = fmtNone // kin checks integer formats on integer schemas only
		}
	} else if n.format != fmtNone && !n.allows(tString) {
		n.format = fmtNone
	}
	n.minLen = s.MinLength
	if s.Pattern != "" {
		if re, err := ecmaRegexp(s.Pattern); err == nil {
			n.pattern = re
		}
	}
	if s.MaxLength != nil {
		n.maxLen = int64(*s.MaxLength)
	}
	if s.Min != nil {
		n.hasMin, n.min, n.exclMin = true, *s.Min, s.ExclusiveMin.IsTrue()
	} else if s.ExclusiveMin.Value != nil {
		n.hasMin, n.min, n.exclMin = true, *s.ExclusiveMin.Value, true
	}
	if s.Max != nil {
		n.hasMax, n.max, n.exclMax = true, *s.Max, s.ExclusiveMax.IsTrue()
	} else if s.ExclusiveMax.Value != nil {
		n.hasMax, n.max, n.exclMax = true, *s.ExclusiveMax.Value, true
	}
	n.minItems = s.MinItems
	if s.MaxItems != nil {
		n.maxItems = int64(*s.MaxItems)
	}
	n.items = c.ref(s.Items)
	c.compileObject(n, s)
	if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 {
		n.comb = c.combinator(s)
		n.finishCombinator()
		if n.comb.documentedTwice(s) {
			// Which properties are undocumented takes the judge's
			// union of the schemas: the branches cannot decide it.
			n.slow, n.slowWhy, n.comb = true, []string{"allOf of several schemas naming properties"}, nil
		}
	}
	return n
}

func (c *schemaCompiler) compileObject(n *schemaNode, s *openapi3.Schema) {
	u := s.UnevaluatedProperties
	if !c.dialect.v31 {
		u = openapi3.BoolSchema{} // a 2020-12 keyword: nothing in 3.0
	}
	switch {
	case u.Has != nil && !*u.Has:
		// fastUnevaluated: only properties evaluates, so
		// unevaluatedProperties reads as additionalProperties.
		n.addl = addlForbidden
	case u.Schema != nil && u.Schema.Value != nil:
		n.addl = addlSchema
		n.addlNode = c.ref(u.Schema)
	case u.Has != nil:
		n.addl = addlAllowed
	}
	switch {
	case n.addl != addlUndocumented:
	case s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has:
		n.addl = addlForbidden
	case s.AdditionalProperties.Schema != nil && s.AdditionalProperties.Schema.Value != nil:
		n.addl = addlSchema
		n.addlNode = c.ref(s.AdditionalProperties.Schema)
	case s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has:
		n.addl = addlAllowed
	case len(s.Properties) == 0:
		// A free-form object documents no property names: nothing in it
		// can be undocumented.
		n.addl = addlAllowed
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	all := make([]*property, 0, len(names)+len(s.Required))
	byName := make(map[string]*property, cap(all))
	for i, name := range names {
		p := &property{name: name, bit: 1 << uint(i%64), word: i / 64, node: c.ref(s.Properties[name])}
		all = append(all, p)
		byName[name] = p
	}
	for _, name := range s.Required {
		p := byName[name]
		if p == nil {
			// Required but not declared: present is documented enough,
			// and judged by additionalProperties when it has a schema;
			// additionalProperties: false forbids it all the same.
			i := len(all)
			p = &property{name: name, bit: 1 << uint(i%64), word: i / 64, node: n.addlNode, forbidden: n.addl == addlForbidden}
			all = append(all, p)
			byName[name] = p
		}
		n.required = append(n.required, p)
	}
	n.props = newPropTable(all)
	n.words = (len(all) + 63) / 64
}

// slowKeyword is one reason the single pass leaves a schema to the judge
// of whole values: a keyword (or a shape of one) whose exact semantics the
// judge implements and the pass does not.
type slowKeyword struct {
	name string
	in   func(s *openapi3.Schema) bool
}

// slowKeywords decides at compile time which schemas the single pass
// leaves aside: combinators, regular expressions and the rarer keywords.
// A schema that uses none of them is judged in the one pass over the body.
var slowKeywords = []slowKeyword{
	// allOf, anyOf, oneOf and discriminator are not among them: the
	// single pass tries the branches (combine.go).
	{"not", func(s *openapi3.Schema) bool { return s.Not != nil }},
	// A pattern is not among them: the single pass runs it (schemaNode.pattern).
	{"multipleOf", func(s *openapi3.Schema) bool { return s.MultipleOf != nil }},
	{"uniqueItems", func(s *openapi3.Schema) bool { return s.UniqueItems }},
	{"minProperties", func(s *openapi3.Schema) bool { return s.MinProps != 0 }},
	{"maxProperties", func(s *openapi3.Schema) bool { return s.MaxProps != nil }},
	// A numeric exclusiveMinimum or exclusiveMaximum (OpenAPI 3.1) is
	// judged in the single pass, unless minimum or maximum is beside it.
	{"exclusiveMinimum beside minimum", func(s *openapi3.Schema) bool { return s.ExclusiveMin.Value != nil && s.Min != nil }},
	{"exclusiveMaximum beside maximum", func(s *openapi3.Schema) bool { return s.ExclusiveMax.Value != nil && s.Max != nil }},
	// JSON Schema 2020-12 (OpenAPI 3.1). The single pass judges a string
	// const, unevaluatedProperties where nothing but properties evaluates
	// (it then reads as additionalProperties) and the schema true.
	{"const other than a string", func(s *openapi3.Schema) bool { return s.Const != nil && !fastConst(s) }},
	{"boolean schema false", func(s *openapi3.Schema) bool { return s.Always != nil && !*s.Always }},
	{"prefixItems", func(s *openapi3.Schema) bool { return len(s.PrefixItems) > 0 }},
	{"contains", func(s *openapi3.Schema) bool { return s.Contains != nil }},
	{"patternProperties", func(s *openapi3.Schema) bool { return len(s.PatternProperties) > 0 }},
	{"propertyNames", func(s *openapi3.Schema) bool { return s.PropertyNames != nil }},
	{"if, then, else", func(s *openapi3.Schema) bool { return s.If != nil }},
	{"dependentRequired", func(s *openapi3.Schema) bool { return len(s.DependentRequired) > 0 }},
	{"dependentSchemas", func(s *openapi3.Schema) bool { return len(s.DependentSchemas) > 0 }},
	{"unevaluatedItems", func(s *openapi3.Schema) bool {
		return s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil
	}},
	{"unevaluatedProperties beside allOf, anyOf, oneOf or additionalProperties", func(s *openapi3.Schema) bool {
		return (s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil) && !fastUnevaluated(s)
	}},
	{"type: []", func(s *openapi3.Schema) bool { return s.Type != nil && len(*s.Type) == 0 }},
	{"enum of arrays or objects", func(s *openapi3.Schema) bool {
		for _, v := range s.Enum {
			if !enumScalar(v) {
				return true
			}
		}
		return false
	}},
	{"writeOnly property", func(s *openapi3.Schema) bool {
		for _, p := range s.Properties {
			if p.Value != nil && p.Value.WriteOnly {
				return true
			}
		}
		return false
	}},
	{"format registered with kin-openapi", func(s *openapi3.Schema) bool {
		switch s.Format {
		case "", "date-time", "date", "uri", "byte", "int32", "int64":
			return false
		}
		_, str := openapi3.SchemaStringFormats[s.Format]
		_, num := openapi3.SchemaNumberFormats[s.Format]
		_, integer := openapi3.SchemaIntegerFormats[s.Format]
		return str || num || integer
	}},
}

// fastConst: a string const the single pass compares, where the type
// admits a string.
func fastConst(s *openapi3.Schema) bool {
	_, ok := s.Const.(string)
	return ok && s.Type.Permits(openapi3.TypeString) && len(s.Enum) == 0
}

// fastUnevaluated: nothing but properties evaluates the object's
// properties (no in-place applicator, no additionalProperties or
// patternProperties), so unevaluatedProperties means what
// additionalProperties would.
func fastUnevaluated(s *openapi3.Schema) bool {
	return len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.If == nil && len(s.DependentSchemas) == 0 &&
		len(s.PatternProperties) == 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil
}

// slowReasons names the slowKeywords s uses; none means the single pass
// judges s itself.
func slowReasons(s *openapi3.Schema) []string {
	var why []string
	for _, k := range slowKeywords {
		if k.in(s) {
			why = append(why, k.name)
		}
	}
	return why
}

func typeName(s *openapi3.Schema, nullable bool) string {
	var names []string
	if s.Type != nil {
		for _, t := range *s.Type {
			if t != openapi3.TypeNull {
				names = append(names, t)
			}
		}
	}
	nullable = nullable || s.Type.Includes(openapi3.TypeNull)
	if len(names) == 0 && !nullable {
		names = append(names, "any value")
	}
	if nullable {
		names = append(names, "null")
	}
	return strings.Join(names, " or ")
}

func stringOnly(t *openapi3.Types) bool {
	if t == nil {
		return false
	}
	for _, name := range *t {
		if name != openapi3.TypeString && name != openapi3.TypeNull {
			return false
		}
	}
	return t.Includes(openapi3.TypeString)
}

// propTable finds a property by name without hashing the whole key: a
// small open table indexed by length and the first and last bytes, checked
// by comparing the name.
type propTable struct {
	slots []*property
	mask  int
}

func propSlot(key []byte) int {
	if len(key) == 0 {
		return 0
	}
	return len(key)*131 + int(key[0])*31 + int(key[len(key)-1])
}

func newPropTable(props []*property) propTable {
	if len(props) == 0 {
		return propTable{}
	}
	size := 4
	for size < 2*len(props) {
		size *= 2
	}
	t := propTable{slots: make([]*property, size), mask: size - 1}
	for _, p := range props {
		i := propSlot([]byte(p.name)) & t.mask
		for t.slots[i] != nil {
			i = (i + 1) & t.mask
		}
		t.slots[i] = p
	}
	return t
}

func (t propTable) get(key []byte) *property {
	if t.slots == nil {
		return nil
	}
	for i := propSlot(key) & t.mask; ; i = (i + 1) & t.mask {
		p := t.slots[i]
		if p == nil || p.name == string(key) {
			return p
		}
	}
}
