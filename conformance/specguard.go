package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrSpecHostile matches (errors.Is) the error New returns for a document
// whose loading would cost far more than its size: a *SpecError of kind
// SpecAliases (YAML aliases that expand to many times the document) or
// SpecRefCycle ($refs that lead only to each other).
var ErrSpecHostile = errors.New("spec: refused")

// maxAliasGrowth bounds what YAML aliases may add to a document: the
// expanded tree may hold at most this many times the nodes written, plus
// aliasSlack. A document that shares a few parameters by anchor stays far
// below it; a "billion laughs" under any alias count is refused before
// anything expands it.
const (
	maxAliasGrowth = 2
	aliasSlack     = 10_000
)

// guardSpec looks at a document before kin-openapi loads it, in time linear
// in its size, and refuses what would make that load explode. It also
// shortens chains of $refs that point at $refs, which kin-openapi follows
// from every link to the end (quadratic in the chain), and refuses a loop of
// $refs with no schema in it, which kin-openapi loads as a schema that
// admits everything. It returns the document to load: data itself, or a
// rewritten copy when a chain was shortened.
func guardSpec(data []byte) ([]byte, error) {
	if !bytes.Contains(data, []byte("$ref")) && !mayHaveAliases(data) {
		return data, nil
	}
	if looksJSON(data) {
		// JSON has no aliases, and encoding/json reads it several times
		// faster than a YAML parser.
		var root any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&root); err != nil {
			return data, nil // the loader says why, in its words
		}
		changed, err := collapseRefChains(anyTree{root})
		if err != nil || !changed {
			return data, err
		}
		if out, err := json.Marshal(root); err == nil {
			return out, nil
		}
		return data, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return data, nil // the loader says why, in its words
	}
	written, expanded := expandedSize(&root)
	if expanded > maxAliasGrowth*written+aliasSlack {
		return nil, specError(SpecAliases, nil, "refused: YAML aliases expand the document's %d nodes to %d (at most %d× plus %d are loaded)",
			written, expanded, maxAliasGrowth, aliasSlack)
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	changed, err := collapseRefChains(nodeTree{doc, map[*yaml.Node]map[string]*yaml.Node{}})
	if err != nil || !changed {
		return data, err
	}
	if out, err := yaml.Marshal(&root); err == nil {
		return out, nil
	}
	return data, nil
}

func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// mayHaveAliases reports whether data holds both an anchor and an alias
// mark; false positives (an & or * in prose) only cost a parse.
func mayHaveAliases(data []byte) bool {
	return bytes.Contains(data, []byte("&")) && bytes.Contains(data, []byte("*"))
}

// expandedSize counts the nodes written in the tree and the nodes it holds
// once every alias is expanded, each anchored node's expansion computed once
// (so a bomb is measured without being expanded).
func expandedSize(root *yaml.Node) (written, expanded int) {
	memo := map[*yaml.Node]int{}
	const capped = 1 << 40 // stops the sums from overflowing; far past any bound
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if n == nil {
			return 0
		}
		if v, ok := memo[n]; ok {
			return v
		}
		memo[n] = capped // an alias to its own ancestor expands forever
		total := 1
		if n.Kind == yaml.AliasNode {
			total = size(n.Alias)
		} else {
			written++
			for _, c := range n.Content {
				total = min(total+size(c), capped)
			}
		}
		memo[n] = total
		return total
	}
	return written, size(root)
}

// refTree is a parsed document as collapseRefChains sees it.
type refTree interface {
	// sites lists every $ref whose value is a string: its value and how to
	// change it.
	sites() []refSite
	// refAt is the $ref held by the node a local pointer names, ok=false
	// when that node is not a $ref (or cannot be found).
	refAt(ptr string) (ref string, ok bool)
}

type refSite struct {
	ref string
	set func(string)
}

// collapseRefChains points every local $ref that starts a chain of two or
// more $refs at the chain's end, and reports whether it changed anything (a
// single hop is left as written: the loader follows it at no cost). A chain
// that comes back to where it started is an error: no schema is ever
// reached.
func collapseRefChains(t refTree) (bool, error) {
	const (
		visiting = iota + 1
		done
	)
	type end struct {
		to   string
		hops int
	}
	state := map[string]int{}
	final := map[string]end{}
	var follow func(ptr string, path []string) (end, error)
	follow = func(ptr string, path []string) (end, error) {
		switch state[ptr] {
		case done:
			return final[ptr], nil
		case visiting:
			loop := append(path[indexOf(path, ptr):], ptr)
			if len(loop) > 6 {
				loop = append(loop[:3:3], fmt.Sprintf("… %d more", len(loop)-5), loop[len(loop)-2], loop[len(loop)-1])
			}
			return end{}, specError(SpecRefCycle, nil, "refused: circular $ref with no schema in the loop: %s", strings.Join(loop, " → "))
		}
		state[ptr] = visiting
		result := end{to: ptr}
		if next, ok := t.refAt(ptr); ok && strings.HasPrefix(next, "#") {
			r, err := follow(next, append(path, ptr))
			if err != nil {
				return end{}, err
			}
			result = end{to: r.to, hops: r.hops + 1}
		}
		state[ptr], final[ptr] = done, result
		return result, nil
	}
	changed := false
	for _, s := range t.sites() {
		if !strings.HasPrefix(s.ref, "#") {
			continue
		}
		e, err := follow(s.ref, nil)
		if err != nil {
			return false, err
		}
		if e.hops >= 2 {
			s.set(e.to)
			changed = true
		}
	}
	return changed, nil
}

// pointerTokens splits a local reference ("#/a/b") into its unescaped
// tokens; ok=false for one that is not a JSON pointer.
func pointerTokens(ref string) ([]string, bool) {
	frag := strings.TrimPrefix(ref, "#")
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	if frag == "" {
		return nil, true
	}
	if frag[0] != '/' {
		return nil, false
	}
	toks := strings.Split(frag[1:], "/")
	for i, tok := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	return toks, true
}

// anyTree is a JSON document decoded into maps and slices.
type anyTree struct{ root any }

func (t anyTree) sites() []refSite {
	var out []refSite
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				out = append(out, refSite{r, func(s string) { v["$ref"] = s }})
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(t.root)
	return out
}

func (t anyTree) refAt(ptr string) (string, bool) {
	toks, ok := pointerTokens(ptr)
	if !ok {
		return "", false
	}
	n := t.root
	for _, tok := range toks {
		switch v := n.(type) {
		case map[string]any:
			if _, isRef := v["$ref"]; isRef {
				return "", false // through a $ref: left to the loader
			}
			n = v[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return "", false
			}
			n = v[i]
		default:
			return "", false
		}
	}
	m, _ := n.(map[string]any)
	r, ok := m["$ref"].(string)
	return r, ok
}

// nodeTree is a YAML document, aliases unexpanded.
type nodeTree struct {
	root *yaml.Node
	// keys indexes the mappings that pointers pass through, so that
	// resolving every $ref of a document stays linear in it.
	keys map[*yaml.Node]map[string]*yaml.Node
}

func (t nodeTree) child(n *yaml.Node, key string) *yaml.Node {
	idx, ok := t.keys[n]
	if !ok {
		idx = make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if _, dup := idx[n.Content[i].Value]; !dup {
				idx[n.Content[i].Value] = n.Content[i+1]
			}
		}
		t.keys[n] = idx
	}
	return idx[key]
}

func (t nodeTree) sites() []refSite {
	var out []refSite
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Kind == yaml.AliasNode {
			walk(n.Alias)
			return
		}
		if v := refValue(n); v != nil {
			out = append(out, refSite{v.Value, func(s string) { v.Value, v.Style, v.Tag = s, yaml.SingleQuotedStyle, "!!str" }})
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(t.root)
	return out
}

func (t nodeTree) refAt(ptr string) (string, bool) {
	toks, ok := pointerTokens(ptr)
	if !ok {
		return "", false
	}
	n := deref(t.root)
	for _, tok := range toks {
		if refValue(n) != nil {
			return "", false // through a $ref: left to the loader
		}
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			next = t.child(n, tok)
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return "", false
		}
		n = deref(next)
	}
	if v := refValue(n); v != nil {
		return v.Value, true
	}
	return "", false
}

func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

func indexOf(path []string, s string) int {
	for i, p := range path {
		if p == s {
			return i
		}
	}
	return 0
}

// refValue is the value node of n's $ref key when n is a mapping holding
// one as a string.
func refValue(n *yaml.Node) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Value == "$ref" && v.Kind == yaml.ScalarNode {
			return v
		}
	}
	return nil
}
