package generate

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// dropOmitted removes the properties a WithValues function said to leave
// out.
func dropOmitted(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if _, ok := e.(omit); ok {
				delete(x, k)
				continue
			}
			x[k] = dropOmitted(e)
		}
	case []any:
		for i, e := range x {
			x[i] = dropOmitted(e)
		}
	case omit:
		return nil
	}
	return v
}

func tokens(pointer string) []string {
	if pointer == "" {
		return nil
	}
	parts := strings.Split(pointer[1:], "/")
	for i, p := range parts {
		if strings.Contains(p, "~") {
			parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
		}
	}
	return parts
}

// schemaAt is the schema of the value at the tokens under s; nil when the
// schema does not say.
func schemaAt(s *openapi3.Schema, toks []string) *openapi3.Schema {
	for _, t := range toks {
		if s == nil {
			return nil
		}
		v := fold(s)
		if v.mainType() == "array" {
			s = v.items
			continue
		}
		s = v.props[t]
	}
	return s
}

// setPointer sets (or removes) the value at pointer in root, making the
// containers on the way from their schemas as needed; it returns the new
// root.
func setPointer(root any, s *openapi3.Schema, pointer string, value any, remove bool, vg *valueGen) any {
	toks := tokens(pointer)
	if len(toks) == 0 {
		if remove {
			return nil
		}
		return clone(value)
	}
	var set func(cur any, depth int) any
	set = func(cur any, depth int) any {
		tok := toks[depth]
		last := depth == len(toks)-1
		parentSchema := schemaAt(s, toks[:depth])
		isArray := parentSchema != nil && fold(parentSchema).mainType() == "array"
		if isArray {
			arr, _ := cur.([]any)
			i, _ := strconv.Atoi(tok)
			for len(arr) <= i {
				arr = append(arr, dropOmitted(vg.value(schemaAt(s, toks[:depth+1]), "", depth+1)))
			}
			if last {
				if remove {
					return append(arr[:i:i], arr[i+1:]...)
				}
				arr[i] = clone(value)
				return arr
			}
			arr[i] = set(arr[i], depth+1)
			return arr
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			obj = map[string]any{}
		}
		if last {
			if remove {
				delete(obj, tok)
			} else {
				obj[tok] = clone(value)
			}
			return obj
		}
		next, ok := obj[tok]
		if !ok {
			next = dropOmitted(vg.value(schemaAt(s, toks[:depth+1]), "", depth+1))
		}
		obj[tok] = set(next, depth+1)
		return obj
	}
	return set(root, 0)
}

// clone copies a JSON value deeply.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	case []byte:
		return append([]byte(nil), x...)
	}
	return v
}

func (in *input) clone() *input {
	out := *in
	out.set = append([]bool(nil), in.set...)
	out.vals = make([][]string, len(in.vals))
	for i, v := range in.vals {
		out.vals[i] = append([]string(nil), v...)
	}
	out.body = clone(in.body)
	if in.raw != nil {
		out.raw = append([]byte(nil), in.raw...)
	}
	if in.ids != nil {
		out.ids = make(map[string]bool, len(in.ids))
		for k, v := range in.ids {
			out.ids[k] = v
		}
	}
	return &out
}
