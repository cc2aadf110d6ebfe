package generate

import (
	"context"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// Shrink looks for a smaller request that fails as r did: it leaves out,
// one at a time, each optional parameter and body property that is not
// the defect, then puts the smallest valid value in place of each value
// left, keeping every step the engine still calls valid (or invalid by
// the same defect) and after which still reports true. still sends a
// candidate and says whether it fails the same way; it is called at most
// budget times. Shrink returns the smallest failing request and how many
// candidates were sent.
func (g *Generator) Shrink(ctx context.Context, r *Request, budget int, still func(*Request) (bool, error)) (*Request, int, error) {
	cur, sent := r, 0
	for {
		improved := false
		for _, cand := range g.candidates(cur) {
			if sent >= budget || ctx.Err() != nil {
				return cur, sent, ctx.Err()
			}
			next := g.build(cur.op, cand, cur.def, cur.Seq)
			if cur.Valid && !g.accepts(next) || !cur.Valid && !g.refuses(next) {
				continue
			}
			sent++
			ok, err := still(next)
			if err != nil {
				return cur, sent, err
			}
			if ok {
				cur, improved = next, true
				break
			}
		}
		if !improved {
			return cur, sent, nil
		}
	}
}

// candidates are r's input with one thing less or smaller, the biggest
// cuts first.
func (g *Generator) candidates(r *Request) []*input {
	m, in := r.op, r.in
	var out []*input
	defParam := (*param)(nil)
	defPtr := ""
	bodyDefect := false
	if d := r.def; d != nil {
		switch d.place {
		case inParam:
			defParam = d.param
		case inBody:
			defPtr, bodyDefect = d.pointer, true
		default:
			bodyDefect = true
			defPtr = "\x00" // the whole body is the defect: keep it as is
		}
	}
	for i, p := range m.params {
		if in.set[i] && !p.required && p != defParam {
			c := in.clone()
			c.set[i], c.vals[i] = false, nil
			out = append(out, c)
		}
	}
	if in.hasBody && in.raw == nil && defPtr != "\x00" {
		for _, ptr := range optionalPointers(in.body, m.body, "") {
			if onPath(ptr, defPtr, bodyDefect) {
				continue
			}
			c := in.clone()
			c.body = setPointer(c.body, m.body, ptr, nil, true, g.gen(m, nil, true))
			out = append(out, c)
		}
	}
	vg := g.gen(m, nil, true)
	for i, p := range m.params {
		if !in.set[i] || p == defParam || in.ids[p.name] {
			continue
		}
		v := g.paramValue(vg, m, p)
		if equal(v, in.vals[i]) {
			continue
		}
		c := in.clone()
		c.vals[i] = v
		out = append(out, c)
	}
	if in.hasBody && in.raw == nil && defPtr != "\x00" {
		for _, ptr := range leafPointers(in.body, "") {
			if onPath(ptr, defPtr, bodyDefect) {
				continue
			}
			s := schemaAt(m.body, tokens(ptr))
			if s == nil {
				continue
			}
			min := dropOmitted(vg.value(s, ptr, len(tokens(ptr))))
			if cur, ok := getPointer(in.body, ptr); ok && sameJSON(cur, min) {
				continue
			}
			c := in.clone()
			c.body = setPointer(c.body, m.body, ptr, min, false, vg)
			out = append(out, c)
		}
	}
	return out
}

// onPath says whether the value at ptr holds the defect, or is it.
func onPath(ptr, def string, bodyDefect bool) bool {
	if !bodyDefect {
		return false
	}
	return ptr == def || len(def) > len(ptr) && def[:len(ptr)] == ptr && def[len(ptr)] == '/' || len(ptr) > len(def) && ptr[:len(def)] == def && (def == "" || ptr[len(def)] == '/')
}

// optionalPointers lists the present properties of v that its schema does
// not require, outermost first.
func optionalPointers(v any, s *openapi3.Schema, at string) []string {
	obj, ok := v.(map[string]any)
	if !ok || s == nil {
		return nil
	}
	f := fold(s)
	keys := sortedKeys(obj)
	var out, deeper []string
	for _, k := range keys {
		ptr := at + "/" + escapePointer(k)
		if !f.isRequired(k) {
			out = append(out, ptr)
		}
		deeper = append(deeper, optionalPointers(obj[k], f.props[k], ptr)...)
	}
	return append(out, deeper...)
}

// leafPointers lists the pointers of v's values that are not objects.
func leafPointers(v any, at string) []string {
	obj, ok := v.(map[string]any)
	if !ok {
		if at == "" {
			return nil
		}
		return []string{at}
	}
	var out []string
	for _, k := range sortedKeys(obj) {
		out = append(out, leafPointers(obj[k], at+"/"+escapePointer(k))...)
	}
	return out
}

func getPointer(v any, ptr string) (any, bool) {
	for _, t := range tokens(ptr) {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[t]; !ok {
			return nil, false
		}
	}
	return v, true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sameJSON(a, b any) bool {
	x, _ := marshal(a)
	y, _ := marshal(b)
	return string(x) == string(y)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
