package conformance

import (
	"bytes"
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlToJSON converts a YAML document to JSON bytes once, so that it can
// be indexed and compiled lazily as a JSON document is. It returns
// errNotIndexed for anything whose reading it is not sure matches
// kin-openapi's (a merge key, a timestamp, a YAML 1.1 boolean word, a key
// that is not a string or a plain integer, aliases past the guard's bound):
// such a document is loaded whole, and its loader and guard decide.
func yamlToJSON(data []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, errNotIndexed
	}
	if mayHaveAliases(data) {
		written, expanded := expandedSize(&root)
		if expanded > maxAliasGrowth*written+aliasSlack {
			return nil, errNotIndexed
		}
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) != 1 {
			return nil, errNotIndexed
		}
		doc = doc.Content[0]
	}
	var buf bytes.Buffer
	buf.Grow(len(data))
	if err := writeYAMLJSON(&buf, doc, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// yaml11Words are plain scalars YAML 1.1 reads as booleans and YAML 1.2
// as strings: which one a reader takes is not certain.
var yaml11Words = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true}

func writeYAMLJSON(buf *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > maxIndexDepth {
		return errNotIndexed
	}
	switch n.Kind {
	case yaml.AliasNode:
		return writeYAMLJSON(buf, n.Alias, depth+1)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return errNotIndexed
			}
			switch k.ShortTag() {
			case "!!str":
				if k.Style == 0 && yaml11Words[strings.ToLower(k.Value)] {
					return errNotIndexed
				}
			case "!!int":
				if !plainDecimal(k.Value) {
					return errNotIndexed
				}
			default:
				return errNotIndexed // a merge key, a null, a boolean, ... as a key
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, k.Value)
			buf.WriteByte(':')
			if err := writeYAMLJSON(buf, v, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeYAMLJSON(buf, c, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			if n.Style == 0 && yaml11Words[strings.ToLower(n.Value)] {
				return errNotIndexed
			}
			writeJSONString(buf, n.Value)
			return nil
		case "!!null":
			buf.WriteString("null")
			return nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return errNotIndexed
			}
			if b {
				buf.WriteString("true")
			} else {
				buf.WriteString("false")
			}
			return nil
		case "!!int", "!!float":
			if plainDecimal(n.Value) {
				buf.WriteString(n.Value)
				return nil
			}
			var v any
			if err := n.Decode(&v); err != nil {
				return errNotIndexed
			}
			out, err := json.Marshal(v)
			if err != nil {
				return errNotIndexed // .inf, .nan
			}
			buf.Write(out)
			return nil
		}
	}
	return errNotIndexed
}

// plainDecimal: a JSON integer as written ("-12", "200"), no sign, base or
// separator YAML reads its own way.
func plainDecimal(s string) bool {
	t := strings.TrimPrefix(s, "-")
	if t == "" || len(t) > 15 || (len(t) > 1 && t[0] == '0') {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

func writeJSONString(buf *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	buf.Write(enc)
}
