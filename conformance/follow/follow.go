package follow

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/conformance"
)

// options say what the added descriptions tell about the observation.
type options struct {
	observed string
	target   string
	probes   []string
}

// Option configures Follow.
type Option func(*options)

// WithObserved is when the report was made, as it should read in a
// description (e.g. "2026-12-01"); without it the date is left out.
func WithObserved(date string) Option { return func(o *options) { o.observed = date } }

// WithTarget is the API the report judged; without it the target is left
// out of the descriptions.
func WithTarget(target string) Option { return func(o *options) { o.target = target } }

// WithProbes are values the run sent on purpose as invalid (the report's
// probes). A finding on one is never followed: a target that accepted it
// is the run's behavior.* error, not the API's vocabulary.
func WithProbes(values ...string) Option {
	return func(o *options) { o.probes = append(o.probes, values...) }
}

// Change kinds.
const (
	KindEnumValue = "enum value"
	KindProperty  = "property"
)

// Change is one addition to the document.
type Change struct {
	Kind string
	// Schema is the JSON pointer of the schema that was amended, e.g.
	// /components/schemas/WebhookResource.
	Schema string
	// Value is the enum value (as YAML writes it) or the property name.
	Value string
	// Type is the JSON type declared for a property.
	Type string
	// Findings are the findings this change follows.
	Findings []conformance.Finding
}

// Unfollowed is a finding that a person has to look at.
type Unfollowed struct {
	Finding conformance.Finding
	Reason  string
}

// Result is the amended document and what was done to it.
type Result struct {
	// Spec is the amended document; the input itself when nothing changed.
	Spec    []byte
	Changes []Change
	// Already counts the drift findings the document documents already
	// (followed before).
	Already     int
	NeedsPerson []Unfollowed
	// Probes are the findings on a value the run sent on purpose as
	// invalid (WithProbes), left out.
	Probes []Unfollowed
}

// Follow amends spec, an OpenAPI 3.0 or 3.1 document in YAML (a 3.1
// document in 3.1 form: type lists with "null", examples), for the drift in
// findings. It fails only when spec is not YAML or the amendment would not
// be; a finding it cannot follow is reported in NeedsPerson.
func Follow(spec []byte, findings []conformance.Finding, opts ...Option) (*Result, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	d, err := parseDoc(spec)
	if err != nil {
		return nil, err
	}
	res := &Result{Spec: spec}
	p := &planner{doc: d, opts: o, res: res, enums: map[*yaml.Node]*enumGroup{}, props: map[*yaml.Node]*propGroup{}}
	for _, f := range findings {
		p.add(f)
	}
	ins, err := p.render()
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return res, nil
	}
	out := applyInsertions(spec, ins)
	if err := p.verify(out); err != nil {
		return nil, err
	}
	if err := p.verifyExact(spec, out); err != nil {
		return nil, err
	}
	res.Spec = out
	return res, nil
}

// doc is the parsed document with what the splicing needs.
type doc struct {
	src   []byte
	root  *yaml.Node // the top-level mapping
	lines []int      // byte offset of the start of each line
	eol   string
	// v31: an OpenAPI 3.1 document, amended in 3.1 form (type lists with
	// "null", examples).
	v31 bool
}

func parseDoc(src []byte) (*doc, error) {
	var top yaml.Node
	if err := yaml.Unmarshal(src, &top); err != nil {
		return nil, fmt.Errorf("the spec is not YAML: %w", err)
	}
	if top.Kind != yaml.DocumentNode || len(top.Content) != 1 || top.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the spec is not a YAML mapping")
	}
	d := &doc{src: src, root: top.Content[0], lines: []int{0}, eol: "\n"}
	for i, c := range src {
		if c == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	if bytes.Contains(src, []byte("\r\n")) {
		d.eol = "\r\n"
	}
	if v := get(d.root, "openapi"); v != nil && strings.HasPrefix(v.Value, "3.1") {
		d.v31 = true
	}
	return d, nil
}

// located is a node and its JSON pointer in the document.
type located struct {
	node *yaml.Node
	ptr  string
}

func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// child is a mapping's value by key, or a sequence's item by index.
func child(l located, key string) located {
	ptr := l.ptr + "/" + escapePointer(key)
	if l.node != nil && l.node.Kind == yaml.SequenceNode {
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(l.node.Content) {
			return located{nil, ptr}
		}
		return located{l.node.Content[i], ptr}
	}
	return located{get(l.node, key), ptr}
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// resolve follows $ref until it reaches a node that is not a reference.
func (d *doc) resolve(l located) (located, error) {
	for range 32 {
		ref := get(l.node, "$ref")
		if ref == nil {
			return l, nil
		}
		target, ok := strings.CutPrefix(ref.Value, "#")
		if !ok {
			return l, fmt.Errorf("%s refers outside the document (%s)", l.ptr, ref.Value)
		}
		if u, err := url.PathUnescape(target); err == nil {
			target = u
		}
		next := located{d.root, ""}
		for _, seg := range strings.Split(strings.TrimPrefix(target, "/"), "/") {
			next = child(next, unescapePointer(seg))
			if next.node == nil {
				return l, fmt.Errorf("%s refers to %s, which does not exist", l.ptr, ref.Value)
			}
		}
		l = next
	}
	return l, fmt.Errorf("%s: $ref chain too long", l.ptr)
}

// operation finds the operation with the given operationId.
func (d *doc) operation(id string) (located, error) {
	paths := located{get(d.root, "paths"), "/paths"}
	if paths.node == nil || paths.node.Kind != yaml.MappingNode {
		return located{}, errors.New("the spec has no paths")
	}
	for i := 0; i+1 < len(paths.node.Content); i += 2 {
		item, err := d.resolve(located{paths.node.Content[i+1], paths.ptr + "/" + escapePointer(paths.node.Content[i].Value)})
		if err != nil {
			continue
		}
		for j := 0; j+1 < len(item.node.Content); j += 2 {
			op := item.node.Content[j+1]
			if oid := get(op, "operationId"); oid != nil && oid.Value == id {
				return located{op, item.ptr + "/" + escapePointer(item.node.Content[j].Value)}, nil
			}
		}
	}
	return located{}, fmt.Errorf("no operation %q in the spec", id)
}

// response finds the response an operation documents for status: the
// code itself, else its range (2XX), else default, as the engine does.
func (d *doc) response(op located, status int) (located, error) {
	rs := child(op, "responses")
	code := strconv.Itoa(status)
	for _, key := range []string{code, code[:1] + "XX", code[:1] + "xx", "default"} {
		if r := child(rs, key); r.node != nil {
			return d.resolve(r)
		}
	}
	return located{}, fmt.Errorf("%s documents no response %d", op.ptr, status)
}

// bodySchema is the schema of the JSON content of a response.
func (d *doc) bodySchema(resp located) (located, error) {
	content := child(resp, "content")
	if content.node != nil {
		for i := 0; i+1 < len(content.node.Content); i += 2 {
			media, _, _ := strings.Cut(strings.ToLower(content.node.Content[i].Value), ";")
			media = strings.TrimSpace(media)
			if media == "application/json" || strings.HasSuffix(media, "+json") {
				s := child(child(content, content.node.Content[i].Value), "schema")
				if s.node != nil {
					return s, nil
				}
			}
		}
	}
	return located{}, fmt.Errorf("%s has no JSON schema", resp.ptr)
}

// headerSchema is the schema of a documented response header; header
// names are matched without regard to case.
func (d *doc) headerSchema(resp located, name string) (located, error) {
	hs := child(resp, "headers")
	if hs.node != nil {
		for i := 0; i+1 < len(hs.node.Content); i += 2 {
			if strings.EqualFold(hs.node.Content[i].Value, name) {
				h, err := d.resolve(child(hs, hs.node.Content[i].Value))
				if err != nil {
					return located{}, err
				}
				if s := child(h, "schema"); s.node != nil {
					return s, nil
				}
			}
		}
	}
	return located{}, fmt.Errorf("%s documents no header %s with a schema", resp.ptr, name)
}

var arrayIndex = regexp.MustCompile(`^(\d+|\*)$`)

// walk follows body pointer segments through a schema: properties, items
// (for an index or a folded *), allOf/oneOf/anyOf branches and
// additionalProperties.
func (d *doc) walk(s located, segs []string) (located, error) {
	for _, seg := range segs {
		next, err := d.step(s, seg, 0)
		if err != nil {
			return located{}, err
		}
		s = next
	}
	return s, nil
}

func (d *doc) step(s located, seg string, depth int) (located, error) {
	if depth > 16 {
		return located{}, fmt.Errorf("%s: schemas nest too deep", s.ptr)
	}
	r, err := d.resolve(s)
	if err != nil {
		return located{}, err
	}
	if p := child(child(r, "properties"), seg); p.node != nil {
		return p, nil
	}
	if it := child(r, "items"); it.node != nil && arrayIndex.MatchString(seg) {
		return it, nil
	}
	for _, comb := range []string{"allOf", "oneOf", "anyOf"} {
		bs := child(r, comb)
		if bs.node == nil || bs.node.Kind != yaml.SequenceNode {
			continue
		}
		for i := range bs.node.Content {
			if got, err := d.step(child(bs, strconv.Itoa(i)), seg, depth+1); err == nil {
				return got, nil
			}
		}
	}
	if ap := child(r, "additionalProperties"); ap.node != nil && ap.node.Kind == yaml.MappingNode {
		return ap, nil
	}
	return located{}, fmt.Errorf("the schema at %s declares no %q", r.ptr, seg)
}

// enumSchema finds the schema whose enum a value belongs in: the schema
// itself, or the allOf/oneOf/anyOf branch that carries the enum.
func (d *doc) enumSchema(s located, depth int) (located, error) {
	r, err := d.resolve(s)
	if err != nil {
		return located{}, err
	}
	if get(r.node, "enum") != nil {
		return r, nil
	}
	if depth < 16 {
		for _, comb := range []string{"allOf", "oneOf", "anyOf"} {
			bs := child(r, comb)
			if bs.node == nil || bs.node.Kind != yaml.SequenceNode {
				continue
			}
			for i := range bs.node.Content {
				if got, err := d.enumSchema(child(bs, strconv.Itoa(i)), depth+1); err == nil {
					return got, nil
				}
			}
		}
	}
	return located{}, fmt.Errorf("the schema at %s has no enum", r.ptr)
}

// objectSchema finds the schema that should declare a new property of an
// object: the object's schema when it declares properties or nothing
// combines it, else the first allOf branch that declares properties.
func (d *doc) objectSchema(s located) (located, error) {
	r, err := d.resolve(s)
	if err != nil {
		return located{}, err
	}
	if get(r.node, "properties") != nil {
		return r, nil
	}
	if t := get(r.node, "type"); t != nil && t.Value != "object" {
		return located{}, fmt.Errorf("the schema at %s is of type %s, not an object", r.ptr, t.Value)
	}
	// A branch written out in place belongs to this object alone; a
	// branch by $ref is shared, so it is amended only when no inline
	// branch declares properties.
	if bs := child(r, "allOf"); bs.node != nil && bs.node.Kind == yaml.SequenceNode {
		var shared *located
		for i := range bs.node.Content {
			branch := child(bs, strconv.Itoa(i))
			b, err := d.resolve(branch)
			if err != nil || get(b.node, "properties") == nil {
				continue
			}
			if get(branch.node, "$ref") == nil {
				return b, nil
			}
			if shared == nil {
				shared = &b
			}
		}
		if shared != nil {
			return *shared, nil
		}
	}
	if get(r.node, "oneOf") != nil || get(r.node, "anyOf") != nil {
		return located{}, fmt.Errorf("the object at %s is a oneOf/anyOf: which branch declares the property is a person's choice", r.ptr)
	}
	return r, nil
}

func splitPointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("pointer %q is not an RFC 6901 JSON pointer", p)
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		segs[i] = unescapePointer(s)
	}
	return segs, nil
}

// place is where a finding was observed, as a description tells it.
func place(f conformance.Finding) string {
	ptr := f.Pointer
	if ptr == "" {
		ptr = "/"
	}
	return fmt.Sprintf("%s %d at %s", f.Operation, f.Status, conformance.FoldPointer(ptr))
}
