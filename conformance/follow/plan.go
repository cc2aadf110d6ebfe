package follow

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/internal/redact"
)

// planner gathers the additions per amended schema, so that several
// findings that land in one enum or one object make one edit.
type planner struct {
	doc       *doc
	opts      options
	res       *Result
	enums     map[*yaml.Node]*enumGroup
	enumOrder []*enumGroup
	props     map[*yaml.Node]*propGroup
	propOrder []*propGroup
}

type enumGroup struct {
	schema located
	values []*enumValue
}

type enumValue struct {
	literal  string // as YAML writes it
	findings []conformance.Finding
}

type propGroup struct {
	schema located
	props  []*newProp
}

type newProp struct {
	name     string
	types    []string // JSON types seen, "null" included
	findings []conformance.Finding
}

func (p *planner) person(f conformance.Finding, format string, a ...any) {
	p.res.NeedsPerson = append(p.res.NeedsPerson, Unfollowed{Finding: f, Reason: fmt.Sprintf(format, a...)})
}

// isProbe reports whether a finding's value is one the run sent on purpose
// as invalid; Actual holds it as JSON for body findings, as sent for
// headers.
func (p *planner) isProbe(f conformance.Finding) bool {
	if len(p.opts.probes) == 0 || f.Actual == "" {
		return false
	}
	value := f.Actual
	var s string
	if json.Unmarshal([]byte(value), &s) == nil {
		value = s
	}
	return slices.Contains(p.opts.probes, value)
}

func (p *planner) add(f conformance.Finding) {
	switch {
	case f.Severity == conformance.SeverityInfo:
		return
	case p.isProbe(f):
		p.res.Probes = append(p.res.Probes, Unfollowed{Finding: f,
			Reason: "a value the run sent on purpose as invalid: a target that accepts it is the run's behavior.* error, not the API's vocabulary"})
		return
	case f.Severity == conformance.SeverityError:
		p.person(f, "an error, not drift: the API breaks the spec, and whether the API or the spec is wrong is a person's call")
		return
	case f.Rule == conformance.RuleRequestBodyUndocumented:
		p.person(f, "a property a client sent, not one the API answered: whether the API accepts it is a person's call")
		return
	case f.Rule != conformance.RuleBodyEnum && f.Rule != conformance.RuleHeaderEnum && f.Rule != conformance.RuleBodyUndocumented:
		p.person(f, "no automatic amendment for %s", f.Rule)
		return
	case f.Operation == "" || f.Status == 0:
		p.person(f, "the finding names no operation and status")
		return
	}
	op, err := p.doc.operation(f.Operation)
	if err != nil {
		p.person(f, "%v", err)
		return
	}
	resp, err := p.doc.response(op, f.Status)
	if err != nil {
		p.person(f, "%v", err)
		return
	}
	if f.Rule == conformance.RuleHeaderEnum {
		name, ok := strings.CutPrefix(f.Pointer, "header:")
		if !ok {
			p.person(f, "a header finding without a header: pointer")
			return
		}
		s, err := p.doc.headerSchema(resp, name)
		if err == nil {
			err = p.addEnum(f, s, f.Actual, false)
		}
		if err != nil {
			p.person(f, "%v", err)
		}
		return
	}
	body, err := p.doc.bodySchema(resp)
	if err != nil {
		p.person(f, "%v", err)
		return
	}
	segs, err := splitPointer(f.Pointer)
	if err != nil {
		p.person(f, "%v", err)
		return
	}
	if f.Rule == conformance.RuleBodyEnum {
		s, err := p.doc.walk(body, segs)
		if err == nil {
			err = p.addEnum(f, s, f.Actual, true)
		}
		if err != nil {
			p.person(f, "%v", err)
		}
		return
	}
	if len(segs) == 0 {
		p.person(f, "an undocumented property needs a pointer to it")
		return
	}
	parent, err := p.doc.walk(body, segs[:len(segs)-1])
	if err == nil {
		err = p.addProperty(f, parent, segs[len(segs)-1])
	}
	if err != nil {
		p.person(f, "%v", err)
	}
}

func (p *planner) addEnum(f conformance.Finding, at located, actual string, isJSON bool) error {
	s, err := p.doc.enumSchema(at, 0)
	if err != nil {
		return err
	}
	seq := get(s.node, "enum")
	if seq.Kind != yaml.SequenceNode {
		return fmt.Errorf("the enum at %s/enum is not a list", s.ptr)
	}
	lit, value, err := enumLiteral(actual, isJSON, get(s.node, "type"))
	if err != nil {
		return err
	}
	for _, item := range seq.Content {
		if item.Kind == yaml.ScalarNode && item.Value == value {
			p.res.Already++
			return nil
		}
	}
	g := p.enums[s.node]
	if g == nil {
		g = &enumGroup{schema: s}
		p.enums[s.node] = g
		p.enumOrder = append(p.enumOrder, g)
	}
	for _, v := range g.values {
		if v.literal == lit {
			v.findings = append(v.findings, f)
			return nil
		}
	}
	g.values = append(g.values, &enumValue{literal: lit, findings: []conformance.Finding{f}})
	return nil
}

// enumLiteral turns a finding's actual value into the YAML scalar to add
// and the value its node will hold. A body value is JSON; a header value
// is the raw text, a string unless its schema says otherwise.
func enumLiteral(actual string, isJSON bool, typ *yaml.Node) (literal, value string, err error) {
	if actual == "[redacted]" {
		return "", "", fmt.Errorf("the value was redacted")
	}
	if !isJSON {
		if typ == nil || typ.Value == "string" {
			return yamlString(actual), actual, nil
		}
		isJSON = true
	}
	var v any
	if err := json.Unmarshal([]byte(actual), &v); err != nil {
		return "", "", fmt.Errorf("the report holds no whole value (%s): shortened, or not JSON", actual)
	}
	switch v := v.(type) {
	case string:
		return yamlString(v), v, nil
	case float64, bool:
		return actual, actual, nil
	}
	return "", "", fmt.Errorf("a %s cannot be an enum value here", jsonType(actual))
}

var plainSafe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// yamlSpecial are the plain words a YAML 1.1 or 1.2 reader takes for
// something other than a string.
var yamlSpecial = map[string]bool{
	"true": true, "false": true, "null": true, "yes": true, "no": true, "on": true, "off": true, "y": true, "n": true,
	"nan": true, ".nan": true, ".inf": true,
}

// yamlString writes s as a YAML string scalar that reads back as s in a
// block or a flow context: plain when it is a simple word, else double
// quoted with Go's escapes (all of which YAML's double quotes accept).
func yamlString(s string) string {
	if plainSafe.MatchString(s) && !yamlSpecial[strings.ToLower(s)] {
		return s
	}
	return strconv.Quote(s)
}

func (p *planner) addProperty(f conformance.Finding, parent located, name string) error {
	if name == "$ref" {
		return fmt.Errorf("a property named $ref cannot be declared without changing what the schema means")
	}
	typ := jsonType(f.Actual)
	if typ == "" {
		return fmt.Errorf("the report does not show the value's type (%s)", f.Actual)
	}
	s, err := p.doc.objectSchema(parent)
	if err != nil {
		return err
	}
	if props := get(s.node, "properties"); props != nil && get(props, name) != nil {
		p.res.Already++
		return nil
	}
	g := p.props[s.node]
	if g == nil {
		g = &propGroup{schema: s}
		p.props[s.node] = g
		p.propOrder = append(p.propOrder, g)
	}
	for _, np := range g.props {
		if np.name == name {
			np.findings = append(np.findings, f)
			if !slices.Contains(np.types, typ) {
				np.types = append(np.types, typ)
			}
			return nil
		}
	}
	g.props = append(g.props, &newProp{name: name, types: []string{typ}, findings: []conformance.Finding{f}})
	return nil
}

// jsonType is the JSON type of a (possibly shortened) JSON value, as an
// OpenAPI 3.0 type; "" when it cannot be told.
func jsonType(actual string) string {
	if actual == "" || actual == "[redacted]" {
		return ""
	}
	switch c := actual[0]; {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		if strings.ContainsAny(actual, ".eE") {
			return "number"
		}
		return "integer"
	}
	return ""
}

// declaredType is the OpenAPI type of a property seen with these JSON
// types: null only makes it nullable, integer and number make a number;
// in OpenAPI 3.1 a property seen only as null is of type "null".
func declaredType(types []string, v31 bool) (typ string, nullable bool, err error) {
	var rest []string
	for _, t := range types {
		if t == "null" {
			nullable = true
			continue
		}
		rest = append(rest, t)
	}
	if slices.Contains(rest, "integer") && slices.Contains(rest, "number") {
		rest = slices.DeleteFunc(rest, func(t string) bool { return t == "integer" })
	}
	switch len(rest) {
	case 0:
		if v31 {
			return `"null"`, false, nil
		}
		// OpenAPI 3.0 has no type that is only null, and nullable needs a
		// type beside it.
		return "", false, errors.New("only null was seen, so its type cannot be told")
	case 1:
		return rest[0], nullable, nil
	}
	return "", false, fmt.Errorf("seen as %s", strings.Join(rest, " and "))
}

// scalarExample is the first value seen that is a JSON scalar other than
// null (redacted and shortened values are not), for an OpenAPI 3.1
// examples list; "" when there is none.
func scalarExample(findings []conformance.Finding) string {
	for _, f := range findings {
		a := f.Actual
		if a == "" || a == "null" || a[0] == '{' || a[0] == '[' || !json.Valid([]byte(a)) || strings.Contains(a, redact.Marker) {
			continue
		}
		return a
	}
	return ""
}

// description says when and where a property was seen.
func (p *planner) description(np *newProp) string {
	var places []string
	for _, f := range np.findings {
		if pl := place(f); !slices.Contains(places, pl) {
			places = append(places, pl)
		}
	}
	var b strings.Builder
	b.WriteString("Not documented until the API sent it: seen")
	if p.opts.observed != "" {
		b.WriteString(" on " + p.opts.observed)
	}
	if p.opts.target != "" {
		b.WriteString(" against " + p.opts.target)
	}
	b.WriteString(" in " + joinAnd(places) + ".")
	b.WriteString(" The type is the one seen; its meaning is not documented yet.")
	return b.String()
}

func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// enumComment says where an enum value was seen.
func (p *planner) enumComment(v *enumValue) string {
	c := "seen"
	if p.opts.observed != "" {
		c += " " + p.opts.observed
	}
	var places []string
	for _, f := range v.findings {
		if pl := place(f); !slices.Contains(places, pl) {
			places = append(places, pl)
		}
	}
	c += " in " + places[0]
	switch n := len(places) - 1; n {
	case 0:
	case 1:
		c += " and 1 more place"
	default:
		c += fmt.Sprintf(" and %d more places", n)
	}
	return c
}

// render turns the planned additions into insertions into the source.
func (p *planner) render() ([]insertion, error) {
	var ins []insertion
	for _, g := range p.enumOrder {
		in, err := p.doc.enumInsertion(g, p.enumComment)
		if err != nil {
			for _, v := range g.values {
				for _, f := range v.findings {
					p.person(f, "%v", err)
				}
			}
			continue
		}
		ins = append(ins, in)
		for _, v := range g.values {
			p.res.Changes = append(p.res.Changes, Change{Kind: KindEnumValue, Schema: g.schema.ptr, Value: v.literal, Findings: v.findings})
		}
	}
	for _, g := range p.propOrder {
		var ok []renderedProp
		for _, np := range g.props {
			typ, nullable, err := declaredType(np.types, p.doc.v31)
			if err != nil {
				for _, f := range np.findings {
					p.person(f, "property %q: %v", np.name, err)
				}
				continue
			}
			rp := renderedProp{prop: np, typ: typ, nullable: nullable, description: p.description(np)}
			if p.doc.v31 {
				rp.example = scalarExample(np.findings)
			}
			ok = append(ok, rp)
		}
		if len(ok) == 0 {
			continue
		}
		in, err := p.doc.propInsertion(g.schema, ok)
		if err != nil {
			for _, rp := range ok {
				for _, f := range rp.prop.findings {
					p.person(f, "%v", err)
				}
			}
			continue
		}
		ins = append(ins, in)
		for _, rp := range ok {
			t := rp.typ
			switch {
			case rp.nullable && p.doc.v31:
				t = "[" + t + `, "null"]`
			case rp.nullable:
				t += ", nullable"
			}
			p.res.Changes = append(p.res.Changes, Change{Kind: KindProperty, Schema: g.schema.ptr, Value: rp.prop.name, Type: t, Findings: rp.prop.findings})
		}
	}
	return ins, nil
}

// verify reads the amended document back and checks that every change is
// where it was meant to be, so a splice gone wrong is an error, not a
// broken spec.
func (p *planner) verify(out []byte) error {
	d, err := parseDoc(out)
	if err != nil {
		return fmt.Errorf("internal error: the amended spec does not parse: %w", err)
	}
	for _, c := range p.res.Changes {
		s, err := d.pointer(c.Schema)
		if err != nil {
			return fmt.Errorf("internal error: the amended spec lost %s: %w", c.Schema, err)
		}
		switch c.Kind {
		case KindEnumValue:
			found := false
			for _, item := range get(s.node, "enum").Content {
				if lit := yamlString(item.Value); lit == c.Value || item.Value == c.Value {
					found = true
				}
			}
			if !found {
				return fmt.Errorf("internal error: the amended spec has no %s in %s/enum", c.Value, c.Schema)
			}
		case KindProperty:
			if get(get(s.node, "properties"), c.Value) == nil {
				return fmt.Errorf("internal error: the amended spec does not declare %q in %s", c.Value, c.Schema)
			}
		}
	}
	return nil
}

// pointer finds a node by its JSON pointer.
func (d *doc) pointer(ptr string) (located, error) {
	segs, err := splitPointer(ptr)
	if err != nil {
		return located{}, err
	}
	l := located{d.root, ""}
	for _, s := range segs {
		l = child(l, s)
		if l.node == nil {
			return located{}, fmt.Errorf("no %s", ptr)
		}
	}
	return l, nil
}

// verifyExact re-reads both documents and refuses the amendment unless it
// is the original with exactly the intended changes: the enum values added
// to their enums, the properties declared with nothing but type, items,
// nullable and description. Whatever else a report could smuggle in (a
// line of its choosing in a comment, a key beside a property) is refused.
func (p *planner) verifyExact(orig, out []byte) error {
	var want, got any
	if err := yaml.Unmarshal(orig, &want); err != nil {
		return fmt.Errorf("internal error: the spec does not read back: %w", err)
	}
	if err := yaml.Unmarshal(out, &got); err != nil {
		return fmt.Errorf("refused: the amended spec does not read back: %w", err)
	}
	for _, c := range p.res.Changes {
		segs, err := splitPointer(c.Schema)
		if err != nil {
			return err
		}
		ws, gs := treeAt(want, segs), treeAt(got, segs)
		wm, ok1 := ws.(map[string]any)
		gm, ok2 := gs.(map[string]any)
		if !ok1 || !ok2 {
			return fmt.Errorf("refused: the amended spec has no schema at %s", c.Schema)
		}
		switch c.Kind {
		case KindEnumValue:
			var v any
			if err := yaml.Unmarshal([]byte(c.Value), &v); err != nil {
				return fmt.Errorf("refused: the enum value %s does not read back: %w", c.Value, err)
			}
			list, _ := wm["enum"].([]any)
			wm["enum"] = append(list, v)
		case KindProperty:
			gp, _ := gm["properties"].(map[string]any)
			prop, ok := gp[c.Value].(map[string]any)
			base := strings.TrimSuffix(c.Type, ", nullable")
			if strings.HasPrefix(base, "[") {
				base, _, _ = strings.Cut(strings.TrimPrefix(base, "["), ",")
			}
			if !ok || !plainProperty(prop, base) {
				return fmt.Errorf("refused: the property %q of %s is not declared as intended", c.Value, c.Schema)
			}
			wp, _ := wm["properties"].(map[string]any)
			if wp == nil {
				wp = map[string]any{}
				wm["properties"] = wp
			}
			wp[c.Value] = prop
		}
	}
	if !reflect.DeepEqual(want, got) {
		return errors.New("refused: the amended spec differs from the original by more than the intended changes")
	}
	return nil
}

// plainProperty reports whether a declared property holds what follow
// writes and nothing else: its type (in 3.1 possibly with "null"), items
// {} for an array, nullable, one example, a description.
func plainProperty(prop map[string]any, typ string) bool {
	typ = strings.Trim(typ, `"`)
	for k, v := range prop {
		switch k {
		case "type":
			switch t := v.(type) {
			case string:
				if t != typ {
					return false
				}
			case []any:
				if len(t) != 2 || t[0] != typ || t[1] != "null" {
					return false
				}
			default:
				return false
			}
		case "items":
			if m, ok := v.(map[string]any); !ok || len(m) != 0 {
				return false
			}
		case "nullable":
			if v != true {
				return false
			}
		case "examples":
			if l, ok := v.([]any); !ok || len(l) != 1 {
				return false
			}
		case "description":
			if _, ok := v.(string); !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// treeAt is the value a JSON pointer's segments name in a decoded
// document, nil when there is none.
func treeAt(v any, segs []string) any {
	for _, s := range segs {
		switch n := v.(type) {
		case map[string]any:
			v = n[s]
		case map[any]any:
			v = nil
			for k, x := range n {
				if fmt.Sprint(k) == s {
					v = x
				}
			}
		case []any:
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			v = n[i]
		default:
			return nil
		}
	}
	return v
}
