package conformance

import (
	"bytes"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v3"
)

// OpenAPI 3.1 documents are loaded by kin-openapi's loader, which reads every
// JSON Schema 2020-12 keyword into openapi3.Schema. Two things it does not
// keep as 3.1 means them are fixed here, before and after loading:
//
//   - `const: null` decodes to a nil Const, which reads as "no const": the
//     document is rewritten to say `enum: [null]` instead, which means the
//     same.
//   - `nullable` and a boolean `exclusiveMinimum`/`exclusiveMaximum` are
//     OpenAPI 3.0 keywords that mean nothing in a 3.1 document: each is
//     noted (spec.keyword) and dropped, so that the engine judges by JSON
//     Schema 2020-12 alone, as kin-openapi's 2020-12 validator does.

// constNullAsEnum rewrites every `const: null` of a schema as
// `enum: [null]` (or, beside an enum of its own, as one more allOf entry).
// Values that are data (example, examples, default, enum, const, x-...)
// are not looked into. The document comes back unchanged when it holds no
// `const: null` or does not parse (the loader then says why).
func constNullAsEnum(data []byte) []byte {
	if !bytes.Contains(data, []byte("const")) {
		return data
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return data
	}
	if !rewriteConstNull(&root, 0, false) {
		return data
	}
	out, err := yaml.Marshal(&root)
	if err != nil {
		return data
	}
	return out
}

// nameMaps are the keywords whose value maps names (of properties, of
// components, ...) to schemas and other objects: their keys are names,
// whatever they spell.
var nameMaps = map[string]bool{"properties": true, "patternProperties": true, "$defs": true, "definitions": true,
	"dependentSchemas": true, "schemas": true, "paths": true, "webhooks": true, "pathItems": true, "responses": true,
	"parameters": true, "headers": true, "requestBodies": true, "callbacks": true, "content": true}

// rewriteConstNull walks n (aliases are not followed: what they point at is
// walked where it is defined) and reports whether it changed anything;
// names says n's keys are names, not keywords.
func rewriteConstNull(n *yaml.Node, depth int, names bool) bool {
	if depth > 512 {
		return false
	}
	changed := false
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			changed = rewriteConstNull(c, depth+1, false) || changed
		}
	case yaml.MappingNode:
		constAt, enumAt, allOfAt := -1, -1, -1
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if names {
				changed = rewriteConstNull(v, depth+1, false) || changed
				continue
			}
			switch k.Value {
			case "const":
				if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
					constAt = i
				}
				continue
			case "enum":
				enumAt = i
				continue
			case "allOf":
				allOfAt = i
			case "example", "examples", "default":
				continue
			}
			if len(k.Value) > 2 && k.Value[:2] == "x-" {
				continue
			}
			changed = rewriteConstNull(v, depth+1, nameMaps[k.Value]) || changed
		}
		if constAt < 0 {
			return changed
		}
		nullList := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}}}
		switch {
		case enumAt < 0:
			n.Content[constAt].Value = "enum"
			n.Content[constAt+1] = nullList
		case allOfAt >= 0 && n.Content[allOfAt+1].Kind == yaml.SequenceNode:
			n.Content = append(n.Content[:constAt], n.Content[constAt+2:]...)
			if allOfAt > constAt {
				allOfAt -= 2
			}
			list := n.Content[allOfAt+1]
			list.Content = append(list.Content, enumNode(nullList))
		default:
			n.Content[constAt].Value = "allOf"
			n.Content[constAt+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{enumNode(nullList)}}
		}
		return true
	}
	return changed
}

func enumNode(list *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "enum"}, list}}
}

// drop30Keywords notes and drops the OpenAPI 3.0 keywords a 3.1 document
// holds: nullable, and boolean exclusiveMinimum and exclusiveMaximum.
func drop30Keywords(doc *openapi3.T, notes []Finding) []Finding {
	_ = doc.WalkSchemas(func(ptr string, ref *openapi3.SchemaRef) error {
		s := ref.Value
		if s.Nullable {
			notes = append(notes, specNote(RuleSpecKeyword, ptr, `nullable means nothing in OpenAPI 3.1 and is ignored; write "null" into the type list instead`))
			s.Nullable = false
		}
		for _, b := range []struct {
			name  string
			bound *openapi3.ExclusiveBound
		}{{"exclusiveMinimum", &s.ExclusiveMin}, {"exclusiveMaximum", &s.ExclusiveMax}} {
			if b.bound.Bool != nil {
				notes = append(notes, specNote(RuleSpecKeyword, ptr, "a boolean "+b.name+" means nothing in OpenAPI 3.1 and is ignored; "+b.name+" takes the bound itself, a number"))
				b.bound.Bool = nil
			}
		}
		return nil
	})
	return notes
}
