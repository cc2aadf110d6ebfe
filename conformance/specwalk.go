package conformance

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// docChecker finds the defects kin-openapi's validation is told to leave
// alone, judged the engine's way (ECMA-262 patterns, bounded work): a
// pattern that does not compile, and an example or default that breaks its
// schema.
type docChecker struct {
	notes   []Finding
	seen    map[*openapi3.Schema]bool
	dialect dialect
}

func checkDocument(doc *openapi3.T, d dialect) []Finding {
	c := &docChecker{seen: map[*openapi3.Schema]bool{}, dialect: d}
	if comp := doc.Components; comp != nil {
		for _, name := range sortedKeys(comp.Schemas) {
			c.schema("components.schemas."+name, comp.Schemas[name])
		}
		for _, name := range sortedKeys(comp.Parameters) {
			if p := comp.Parameters[name]; p != nil {
				c.parameter("components.parameters."+name, p.Value, false)
			}
		}
		for _, name := range sortedKeys(comp.Headers) {
			if h := comp.Headers[name]; h != nil && h.Value != nil {
				c.parameter("components.headers."+name, &h.Value.Parameter, false)
			}
		}
		for _, name := range sortedKeys(comp.RequestBodies) {
			if rb := comp.RequestBodies[name]; rb != nil && rb.Value != nil {
				c.content("components.requestBodies."+name, rb.Value.Content, true)
			}
		}
		for _, name := range sortedKeys(comp.Responses) {
			if r := comp.Responses[name]; r != nil {
				c.response("components.responses."+name, r.Value)
			}
		}
	}
	if doc.Paths != nil {
		for _, path := range sortedKeys(doc.Paths.Map()) {
			item := doc.Paths.Value(path)
			for _, p := range item.Parameters {
				if p != nil {
					c.parameter("paths "+path, p.Value, true)
				}
			}
			ops := item.Operations()
			for _, method := range sortedKeys(ops) {
				op := ops[method]
				where := "paths " + path + " " + strings.ToUpper(method)
				for _, p := range op.Parameters {
					if p != nil {
						c.parameter(where, p.Value, true)
					}
				}
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					c.content(where+" requestBody", op.RequestBody.Value.Content, true)
				}
				if op.Responses != nil {
					resps := op.Responses.Map()
					for _, code := range sortedKeys(resps) {
						c.response(where+" "+code, resps[code].Value)
					}
				}
			}
		}
	}
	return c.notes
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (c *docChecker) response(where string, r *openapi3.Response) {
	if r == nil {
		return
	}
	c.content(where, r.Content, false)
	for _, name := range sortedKeys(r.Headers) {
		if h := r.Headers[name]; h != nil && h.Value != nil {
			c.parameter(where+" header "+name, &h.Value.Parameter, false)
		}
	}
}

func (c *docChecker) content(where string, content openapi3.Content, request bool) {
	for _, name := range sortedKeys(content) {
		mt := content[name]
		if mt == nil || mt.Schema == nil {
			continue
		}
		w := where + " " + name
		c.schema(w+" schema", mt.Schema)
		c.examples(w, mt.Schema.Value, mt.Example, mt.Examples, request)
	}
}

// parameter checks a parameter's or header's schema and examples; a
// parameter of an operation is request data.
func (c *docChecker) parameter(where string, p *openapi3.Parameter, request bool) {
	if p == nil {
		return
	}
	if p.Name != "" {
		where += " parameter " + p.Name
	}
	if p.Schema != nil {
		c.schema(where, p.Schema)
		c.examples(where, p.Schema.Value, p.Example, p.Examples, request)
	}
	c.content(where, p.Content, request)
}

func (c *docChecker) examples(where string, s *openapi3.Schema, example any, examples openapi3.Examples, request bool) {
	if s == nil {
		return
	}
	if example != nil {
		c.judgeValue(RuleSpecExample, where+": example", s, example, request)
	}
	for _, name := range sortedKeys(examples) {
		if ex := examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			c.judgeValue(RuleSpecExample, where+": example "+strconv.Quote(name), s, ex.Value.Value, request)
		}
	}
}

// schema walks a schema and everything below it once.
func (c *docChecker) schema(where string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || c.seen[ref.Value] {
		return
	}
	s := ref.Value
	c.seen[s] = true
	if s.Pattern != "" {
		if _, err := ecmaRegexp(s.Pattern); err != nil {
			c.notes = append(c.notes, specNote(RuleSpecPattern, where, err.Error()+"; it is not checked"))
		}
	}
	if s.Default != nil {
		c.judgeValue(RuleSpecDefault, where+": default", s, s.Default, false)
	}
	if s.Example != nil {
		c.judgeValue(RuleSpecExample, where+": example", s, s.Example, false)
	}
	for _, name := range sortedKeys(s.Properties) {
		c.schema(where+"."+name, s.Properties[name])
	}
	c.schema(where+"[]", s.Items)
	c.schema(where+".additionalProperties", s.AdditionalProperties.Schema)
	c.schema(where+".not", s.Not)
	for kw, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "anyOf": s.AnyOf, "oneOf": s.OneOf} {
		for i, br := range list {
			c.schema(where+"."+kw+"["+strconv.Itoa(i)+"]", br)
		}
	}
}

// judgeValue notes a value of the document (an example, a default) that
// breaks its schema, with the first place it does.
func (c *docChecker) judgeValue(rule Rule, where string, s *openapi3.Schema, v any, request bool) {
	raw, err := json.Marshal(v)
	if err != nil {
		return
	}
	var decoded any
	if json.Unmarshal(raw, &decoded) != nil {
		return
	}
	j := newJudge(len(raw), request, c.dialect)
	j.neither = strings.HasPrefix(where, "components.schemas.")
	issues := j.visit(s, j.tree(decoded))
	if len(issues) == 0 {
		return
	}
	f := judgeIssue(issues[0], "", false)
	msg := f.message
	if f.pointer != "" {
		msg = "at " + f.pointer + ": " + msg
	}
	if len(issues) > 1 {
		msg += " (and " + strconv.Itoa(len(issues)-1) + " more)"
	}
	c.notes = append(c.notes, specNote(rule, where, msg))
}
