package conformance

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// dialect is how the engine reads a document's schemas.
type dialect struct {
	// v31: JSON Schema 2020-12 as OpenAPI 3.1 uses it. Every keyword
	// applies on its own (type, const and enum all must hold; null is one
	// more type; nullable means nothing), and the 2020-12 keywords (const,
	// prefixItems, contains, if/then/else, dependentRequired, ...) apply.
	v31 bool
	// formatsAnnotate reads format, contentEncoding and contentMediaType
	// as annotations, as JSON Schema 2020-12 does by default; without it
	// the engine asserts them (WithFormatAnnotations).
	formatsAnnotate bool
}

// slowReasons31 names what makes a schema of a 3.1 document slow beyond
// slowKeywords.
func slowReasons31(s *openapi3.Schema, d dialect) []string {
	var why []string
	if len(s.Enum) > 0 && s.Type.Includes(openapi3.TypeNull) && !nullStringEnum(s) {
		// null passes the type and must still be in the enum.
		why = append(why, "enum beside type null")
	}
	if s.Enum != nil && len(s.Enum) == 0 {
		why = append(why, "enum: []") // admits no value
	}
	if !d.formatsAnnotate && (s.ContentEncoding != "" || s.ContentMediaType != "") {
		why = append(why, "contentEncoding, contentMediaType")
	}
	return why
}

// nullStringEnum: an enum of strings and null beside the types string and
// null alone (type: [string, "null"], enum: [a, b, null]): the single pass
// checks the strings, and null passes both the type and the enum.
func nullStringEnum(s *openapi3.Schema) bool {
	hasNull := false
	for _, v := range s.Enum {
		switch v.(type) {
		case string:
		case nil:
			hasNull = true
		default:
			return false
		}
	}
	return hasNull && stringOnly(s.Type) && s.Type.Includes(openapi3.TypeNull)
}

// eval31 judges n by s as JSON Schema 2020-12 does. A failed type, const,
// enum, not or combinator stops the judgement of s, as in eval: the value
// is wrong either way, and the first reason is the one worth reading.
func (j *judge) eval31(s *openapi3.Schema, n *jnode) []issue {
	if s.Always != nil {
		if !*s.Always {
			return j.fail(s, n, "false", "the schema false admits no value")
		}
		return nil
	}
	if !typeAdmits31(s.Type, n) {
		return j.wrongType(s, n)
	}
	if s.Const != nil && !jsonEqual(s.Const, n.v) {
		return j.fail(s, n, "const", "value is not the constant the schema requires")
	}
	if s.Enum != nil {
		if !inJSONEnum(s.Enum, n.v) {
			return j.fail(s, n, "enum", "value is not one of the documented enum values")
		}
		if j.cov != nil {
			j.cov.markEnum(s, n.v)
		}
	}
	if s.Not != nil && s.Not.Value != nil && j.valid(s.Not.Value, n) {
		return j.fail(s, n, "not", "the value matches the schema of not")
	}
	if out, _ := j.combinators(s, n); len(out) > 0 {
		return out
	}
	var out []issue
	if s.If != nil && s.If.Value != nil {
		if j.valid(s.If.Value, n) {
			if s.Then != nil && s.Then.Value != nil {
				out = append(out, withVia(j.visit(s.Then.Value, n), "then")...)
			}
		} else if s.Else != nil && s.Else.Value != nil {
			out = append(out, withVia(j.visit(s.Else.Value, n), "else")...)
		}
	}
	switch n.kind {
	case jNumber:
		out = append(out, j.number(s, n)...)
	case jString:
		out = append(out, j.string(s, n)...)
		out = j.content(s, n, out)
	case jArray:
		out = append(out, j.array(s, n)...)
	case jObject:
		out = append(out, j.object(s, n)...)
	}
	return out
}

// typeAdmits31: a value of n's kind is one of the types; integer admits a
// number with no fraction (1.0 too), as 2020-12 says.
func typeAdmits31(t *openapi3.Types, n *jnode) bool {
	if t == nil || len(*t) == 0 {
		return true
	}
	for _, name := range *t {
		switch name {
		case openapi3.TypeNull:
			if n.kind == jNull {
				return true
			}
		case openapi3.TypeBoolean:
			if n.kind == jBool {
				return true
			}
		case openapi3.TypeString:
			if n.kind == jString {
				return true
			}
		case openapi3.TypeNumber:
			if n.kind == jNumber {
				return true
			}
		case openapi3.TypeInteger:
			if n.kind == jNumber && n.num == math.Trunc(n.num) {
				return true
			}
		case openapi3.TypeArray:
			if n.kind == jArray {
				return true
			}
		case openapi3.TypeObject:
			if n.kind == jObject {
				return true
			}
		}
	}
	return false
}

// content asserts contentEncoding (base64, base64url) and contentMediaType
// (a JSON media type) of a string, unless formats are annotations.
func (j *judge) content(s *openapi3.Schema, n *jnode, out []issue) []issue {
	if j.dialect.formatsAnnotate || s.ContentEncoding == "" && s.ContentMediaType == "" {
		return out
	}
	raw := []byte(n.str)
	switch strings.ToLower(s.ContentEncoding) {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(n.str)
		if err != nil {
			return append(out, j.fail(s, n, "contentEncoding", "not base64 (RFC 4648 section 4)")...)
		}
		raw = b
	case "base64url":
		b, err := base64.URLEncoding.DecodeString(n.str)
		if err != nil {
			return append(out, j.fail(s, n, "contentEncoding", "not base64url (RFC 4648 section 5)")...)
		}
		raw = b
	}
	if mt := strings.ToLower(strings.TrimSpace(s.ContentMediaType)); mt != "" && isJSONMedia(strings.TrimSpace(strings.Split(mt, ";")[0])) && !json.Valid(raw) {
		out = append(out, j.fail(s, n, "contentMediaType", "the content is not "+s.ContentMediaType)...)
	}
	return out
}

// keyApplicators31 applies patternProperties and propertyNames to the
// property k of an object; matched says a pattern matched k.
func (j *judge) keyApplicators31(s *openapi3.Schema, k string, v *jnode, out []issue) ([]issue, bool) {
	matched := false
	for _, pattern := range sortedKeys(s.PatternProperties) {
		ps := s.PatternProperties[pattern]
		re, err := ecmaRegexp(pattern)
		if err != nil || !re.MatchString(k) {
			continue
		}
		matched = true
		if ps != nil && ps.Value != nil {
			out = appendUnder(out, k, j.visit(ps.Value, v))
		}
	}
	if s.PropertyNames != nil && s.PropertyNames.Value != nil {
		name := j.tree(k)
		for _, is := range j.visit(s.PropertyNames.Value, name) {
			is.path = []string{k}
			is.reason = "the property name " + strconv.Quote(k) + ": " + is.reason + " (propertyNames)"
			out = append(out, is)
		}
	}
	return out, matched
}

// objectApplicators31 applies dependentRequired, dependentSchemas and
// unevaluatedProperties.
func (j *judge) objectApplicators31(s *openapi3.Schema, n *jnode, out []issue) []issue {
	for _, k := range sortedKeys(s.DependentRequired) {
		if n.get(k) == nil {
			continue
		}
		for _, dep := range s.DependentRequired[k] {
			if n.get(dep) == nil {
				out = append(out, issue{path: []string{dep}, keyword: "dependentRequired", schema: s, reason: "property " + strconv.Quote(dep) + " is missing, required when " + strconv.Quote(k) + " is present"})
			}
		}
	}
	for _, k := range sortedKeys(s.DependentSchemas) {
		if ds := s.DependentSchemas[k]; ds != nil && ds.Value != nil && n.get(k) != nil {
			out = append(out, withVia(j.visit(ds.Value, n), "dependentSchemas "+strconv.Quote(k))...)
		}
	}
	u := s.UnevaluatedProperties
	if u.Has == nil && u.Schema == nil {
		return out
	}
	seen := map[string]bool{}
	j.evaluatedProps(s, n, seen, nil)
	for i, k := range n.keys {
		if seen[k] {
			continue
		}
		switch {
		case u.Has != nil && !*u.Has:
			out = append(out, issue{path: []string{k}, keyword: "unevaluatedProperties", schema: s, value: n.vals[i], reason: "property " + strconv.Quote(k) + " is forbidden by unevaluatedProperties: false"})
		case u.Schema != nil && u.Schema.Value != nil:
			out = appendUnder(out, k, j.visit(u.Schema.Value, n.vals[i]))
		}
	}
	return out
}

// evaluatedProps adds the properties of n that s and the subschemas that
// apply in place (allOf, the anyOf and oneOf branches n matches, if with
// then or else, dependentSchemas) evaluate successfully, as 2020-12's
// annotations say: properties, patternProperties, additionalProperties
// and unevaluatedProperties.
func (j *judge) evaluatedProps(s *openapi3.Schema, n *jnode, seen map[string]bool, path []*openapi3.Schema) {
	if s == nil || slices.Contains(path, s) {
		return
	}
	path = append(path, s)
	if s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil ||
		len(path) > 1 && (s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil) {
		for _, k := range n.keys {
			seen[k] = true
		}
		return
	}
	for _, k := range n.keys {
		if _, ok := s.Properties[k]; ok {
			seen[k] = true
			continue
		}
		for pattern := range s.PatternProperties {
			if re, err := ecmaRegexp(pattern); err == nil && re.MatchString(k) {
				seen[k] = true
			}
		}
	}
	j.inPlace(s, n, func(sub *openapi3.Schema) { j.evaluatedProps(sub, n, seen, path) })
}

// inPlace calls f for each subschema of s that applies to n in place and
// that n satisfies.
func (j *judge) inPlace(s *openapi3.Schema, n *jnode, f func(*openapi3.Schema)) {
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, br := range list {
			if br != nil && br.Value != nil && j.valid(br.Value, n) {
				f(br.Value)
			}
		}
	}
	if s.If != nil && s.If.Value != nil {
		if j.valid(s.If.Value, n) {
			f(s.If.Value)
			if s.Then != nil && s.Then.Value != nil && j.valid(s.Then.Value, n) {
				f(s.Then.Value)
			}
		} else if s.Else != nil && s.Else.Value != nil && j.valid(s.Else.Value, n) {
			f(s.Else.Value)
		}
	}
	for k, ds := range s.DependentSchemas {
		if ds != nil && ds.Value != nil && n.kind == jObject && n.get(k) != nil && j.valid(ds.Value, n) {
			f(ds.Value)
		}
	}
}

// arrayApplicators31 applies prefixItems and contains (with minContains
// and maxContains); items is applied by array after the prefix.
func (j *judge) arrayApplicators31(s *openapi3.Schema, n *jnode, out []issue) []issue {
	for i, p := range s.PrefixItems {
		if i >= len(n.items) {
			break
		}
		if p != nil && p.Value != nil {
			out = appendUnder(out, strconv.Itoa(i), j.visit(p.Value, n.items[i]))
		}
	}
	if s.Contains == nil || s.Contains.Value == nil {
		return out
	}
	count := uint64(0)
	for _, it := range n.items {
		if j.valid(s.Contains.Value, it) {
			count++
		}
	}
	least := uint64(1)
	if s.MinContains != nil {
		least = *s.MinContains
	}
	if count < least {
		out = append(out, j.fail(s, n, "contains", "fewer than "+strconv.FormatUint(least, 10)+" items match the schema of contains")...)
	}
	if s.MaxContains != nil && count > *s.MaxContains {
		out = append(out, j.fail(s, n, "maxContains", "more than "+strconv.FormatUint(*s.MaxContains, 10)+" items match the schema of contains")...)
	}
	return out
}

// unevaluatedItems applies unevaluatedItems to the items no other keyword
// evaluated.
func (j *judge) unevaluatedItems(s *openapi3.Schema, n *jnode, out []issue) []issue {
	seen := make([]bool, len(n.items))
	j.evaluatedItems(s, n, seen, nil)
	u := s.UnevaluatedItems
	for i, it := range n.items {
		if seen[i] {
			continue
		}
		switch {
		case u.Has != nil && !*u.Has:
			out = append(out, issue{path: []string{strconv.Itoa(i)}, keyword: "unevaluatedItems", schema: s, value: it, reason: "item " + strconv.Itoa(i) + " is forbidden by unevaluatedItems: false"})
		case u.Schema != nil && u.Schema.Value != nil:
			out = appendUnder(out, strconv.Itoa(i), j.visit(u.Schema.Value, it))
		}
	}
	return out
}

// evaluatedItems marks the items s and its in-place subschemas evaluate:
// prefixItems, items, contains (the items it matches), unevaluatedItems.
func (j *judge) evaluatedItems(s *openapi3.Schema, n *jnode, seen []bool, path []*openapi3.Schema) {
	if s == nil || slices.Contains(path, s) {
		return
	}
	path = append(path, s)
	if s.Items != nil || len(path) > 1 && (s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil) {
		for i := range seen {
			seen[i] = true
		}
		return
	}
	for i := range min(len(s.PrefixItems), len(seen)) {
		seen[i] = true
	}
	if s.Contains != nil && s.Contains.Value != nil {
		for i, it := range n.items {
			if j.valid(s.Contains.Value, it) {
				seen[i] = true
			}
		}
	}
	j.inPlace(s, n, func(sub *openapi3.Schema) { j.evaluatedItems(sub, n, seen, path) })
}
