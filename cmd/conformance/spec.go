package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/api"
)

const specHelp = `usage: conformance spec [--format yaml|json] [--output FILE]

Prints the embedded OpenAPI description of the Webex webhooks API that the
tool judges by: yaml is api/openapi.yaml byte for byte, json the same
document with its keys in the same order. --output writes it to FILE
instead, whole or not at all: a temporary file beside FILE is renamed over
it once complete, so a failed run leaves FILE as it was.

A client project takes its copy from the tool, as a tool dependency that
go mod tidy keeps:

    go get -tool github.com/webex-conformance/webhooks/cmd/conformance
    go tool conformance spec --output api/webex.yaml

Exit status: 0, 2 usage error or a FILE that could not be written.
`

// cmdSpec implements `conformance spec`.
func cmdSpec(_ context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "spec")
	format := fs.String("format", "yaml", "print the spec as `FORMAT`: yaml or json")
	output := fs.String("output", "", "write the spec to `FILE` (whole or not at all) instead of stdout")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	var doc []byte
	switch *format {
	case "yaml":
		doc = api.Spec
	case "json":
		var err error
		if doc, err = yamlToJSON(api.Spec); err != nil {
			return usageErr(e, "spec: the embedded spec as JSON: %s", runOneLine(err.Error()))
		}
	default:
		return usageErr(e, "spec: --format %q: expected yaml or json", *format)
	}
	if *output == "" || *output == "-" {
		_, _ = e.stdout.Write(doc)
		return exitOK
	}
	if err := writeFileAtomic(*output, func(w io.Writer) error {
		_, err := w.Write(doc)
		return err
	}); err != nil {
		return usageErr(e, "spec: writing %s: %s", *output, runOneLine(err.Error()))
	}
	return exitOK
}

// yamlToJSON converts a YAML document to indented JSON, keeping the order of
// mapping keys (a generic map would sort them).
func yamlToJSON(doc []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	if root.Kind != yaml.DocumentNode {
		return nil, errors.New("expected one YAML document")
	}
	var b bytes.Buffer
	if err := writeJSONNode(&b, &root, 0); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// maxYAMLDepth bounds the recursion over aliases and nesting.
const maxYAMLDepth = 200

func writeJSONNode(b *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > maxYAMLDepth {
		return errors.New("nested too deeply (or an alias refers to itself)")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return errors.New("expected one YAML document")
		}
		return writeJSONNode(b, n.Content[0], depth+1)
	case yaml.AliasNode:
		return writeJSONNode(b, n.Alias, depth+1)
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSONNode(b, c, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return fmt.Errorf("line %d: only scalar mapping keys can be JSON", k.Line)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSONValue(b, k.Value); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := writeJSONNode(b, v, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return fmt.Errorf("line %d: %s has no JSON form", n.Line, n.Value)
		}
		if err := writeJSONValue(b, v); err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		return nil
	}
	return fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// writeJSONValue writes v as JSON, leaving <, > and & as they are.
func writeJSONValue(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}
