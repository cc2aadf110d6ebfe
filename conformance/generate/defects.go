package generate

import (
	"math"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// place says where a defect goes.
type place uint8

const (
	inParam place = iota // a parameter's text (or its absence)
	inBody               // a value in the JSON body, at a pointer
	inMedia              // the Content-Type of the body
	inRaw                // the body's bytes, as they are sent
)

// defect is one way a request can break its operation's contract, as the
// spec says it: a value its schema refuses, a required part left out, a
// media type it does not document, a body that is no JSON.
type defect struct {
	place place
	param *param // inParam
	// pointer is the body's JSON pointer of the value (inBody); "" is
	// the whole body.
	pointer string
	// what says how the value breaks the contract: "below minimum 1".
	what string
	// remove leaves the value (parameter, property, body) out.
	remove bool
	// value is the bad value: a parameter's text, a JSON value, a media
	// type or the raw body.
	value any
}

// where names the defect's location as findings do: "query:max",
// "/name", "header:Content-Type", "body".
func (d *defect) where() string {
	switch d.place {
	case inParam:
		return d.param.pointer()
	case inMedia:
		return "header:Content-Type"
	case inRaw:
		return "body"
	}
	if d.pointer == "" {
		return "body"
	}
	return d.pointer
}

// describe says what was sent and why it is invalid: `query parameter max
// = "0" (below minimum 1)`.
func (d *defect) describe() string {
	var loc string
	switch d.place {
	case inParam:
		loc = d.param.in + " parameter " + d.param.name
	case inMedia:
		loc = "Content-Type"
	case inRaw:
		loc = "the body"
	default:
		if d.pointer == "" {
			loc = "the body"
		} else {
			loc = "body property " + d.pointer
		}
	}
	if d.remove {
		return loc + " left out (" + d.what + ")"
	}
	return loc + " = " + d.shown() + " (" + d.what + ")"
}

// shown is the bad value as text, shortened.
func (d *defect) shown() string {
	var s string
	switch v := d.value.(type) {
	case string:
		if d.place == inBody {
			s = strconv.Quote(v)
		} else {
			s = strconv.Quote(v)
		}
	case []byte:
		s = strconv.Quote(string(v))
	default:
		b, _ := marshal(v)
		s = string(b)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// paramDefects lists the ways p's value can be wrong.
func paramDefects(p *param) []defect {
	var out []defect
	add := func(what string, value string) {
		out = append(out, defect{place: inParam, param: p, what: what, value: value})
	}
	if p.required && p.in != openapi3.ParameterInPath {
		out = append(out, defect{place: inParam, param: p, what: "required", remove: true})
	}
	if p.schema == nil {
		return out
	}
	v := fold(p.schema)
	switch v.mainType() {
	case "integer":
		add("not an integer", "abc")
		add("not an integer", "1.5")
	case "number":
		add("not a number", "abc")
	case "boolean":
		add("not a boolean", "maybe")
	case "array":
		if v.maxItems != nil && *v.maxItems < 50 {
			items := make([]string, *v.maxItems+1)
			for i := range items {
				items[i] = "1"
			}
			if v.items != nil {
				g := &valueGen{minimal: true}
				for i := range items {
					items[i] = paramText(g.value(v.items, "", 1))
				}
			}
			add("more than maxItems "+strconv.FormatUint(*v.maxItems, 10), strings.Join(items, ","))
		}
		return out
	case "object":
		return out
	}
	for _, d := range scalarDefects(v) {
		if p.in == openapi3.ParameterInPath && d.value == "" {
			continue // an empty segment is another path, not a bad value
		}
		s, ok := d.value.(string)
		if !ok {
			s = paramText(d.value)
		}
		add(d.what, s)
	}
	return out
}

// scalarDefects lists bad values for a string or number schema: enum,
// bounds, lengths, pattern and format, each as the JSON value to send.
func scalarDefects(v *view) []defect {
	var out []defect
	add := func(what string, value any) { out = append(out, defect{what: what, value: value}) }
	if len(v.enum) > 0 {
		if _, isStr := v.enum[0].(string); isStr || v.mainType() == "string" {
			add("not one of the enum values", notInEnum(v.enum))
		} else if n, ok := v.enum[0].(float64); ok {
			add("not one of the enum values", n+1234567)
		}
		return out
	}
	t := v.mainType()
	if t == "integer" || t == "number" {
		if v.min != nil {
			x := *v.min
			if !v.exclMin {
				x--
				if t == "number" && *v.min != math.Trunc(*v.min) {
					x = *v.min - 0.5
				}
			}
			add("below minimum "+trimFloat(*v.min), numberValue(t, x))
		}
		if v.max != nil {
			x := *v.max
			if !v.exclMax {
				x++
			}
			add("above maximum "+trimFloat(*v.max), numberValue(t, x))
		}
		if v.multipleOf != nil && *v.multipleOf > 0 {
			base := 0.0
			if v.min != nil {
				base = math.Ceil(*v.min / *v.multipleOf) * *v.multipleOf
			}
			if x := base + *v.multipleOf/2; (v.max == nil || x <= *v.max) && x != math.Trunc(x) == (t == "number") {
				add("not a multiple of "+trimFloat(*v.multipleOf), numberValue(t, x))
			}
		}
		return out
	}
	if t != "string" && t != "" {
		return out
	}
	if v.minLen > 0 {
		add("shorter than minLength "+strconv.FormatUint(v.minLen, 10), strings.Repeat("a", int(v.minLen)-1))
	}
	if v.maxLen != nil && *v.maxLen < 1<<16 {
		add("longer than maxLength "+strconv.FormatUint(*v.maxLen, 10), strings.Repeat("a", int(*v.maxLen)+1))
	}
	if v.pattern != "" {
		for _, s := range []string{"", "!", "~ ~", "0", "a", "\u00e9"} {
			if !matches(v.pattern, s) && uint64(len(s)) >= v.minLen {
				add("does not match pattern "+v.pattern, s)
				break
			}
		}
	}
	switch v.format {
	case "date-time", "date", "time", "uri", "url", "email", "uuid", "ipv4", "ipv6", "hostname", "byte", "int32", "int64":
		bad := "not a " + v.format
		if v.format == "uri" || v.format == "url" {
			bad = "no uri"
		}
		if v.format == "int32" || v.format == "int64" {
			bad = "99999999999999999999"
		}
		add("not a valid "+v.format, bad)
	}
	return out
}

func numberValue(t string, x float64) any {
	if t == "integer" {
		return int64(x)
	}
	return x
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// notInEnum is a string none of the enum's values is.
func notInEnum(enum []any) string {
	s := "invalid"
	if first, ok := enum[0].(string); ok && first != "" {
		s = first + "-invalid"
	}
	for {
		clash := false
		for _, e := range enum {
			if e == s {
				clash = true
			}
		}
		if !clash {
			return s
		}
		s += "x"
	}
}

// bodyDefects lists the ways the JSON value of s at pointer can be wrong,
// down to depth levels of properties and items.
func bodyDefects(s *openapi3.Schema, pointer string, depth int, out []defect) []defect {
	if s == nil || depth > 4 {
		return out
	}
	v := fold(s)
	add := func(what string, value any) {
		out = append(out, defect{place: inBody, pointer: pointer, what: what, value: value})
	}
	t := v.mainType()
	if t != "" && !v.nullable && !contains(v.types, "null") {
		add("null where the schema takes "+t, nil)
	}
	switch t {
	case "string":
		add("not a string", 12345)
	case "integer":
		add("not an integer", "12")
		add("not an integer", 1.5)
	case "number":
		add("not a number", "12")
	case "boolean":
		add("not a boolean", "true")
	case "array":
		add("not an array", "x")
	case "object":
		add("not an object", "x")
	}
	for _, d := range scalarDefects(v) {
		add(d.what, d.value)
	}
	switch t {
	case "array":
		if v.minItems > 0 {
			add("fewer than minItems "+strconv.FormatUint(v.minItems, 10), []any{})
		}
		if v.maxItems != nil && *v.maxItems < 100 && v.items != nil {
			g := &valueGen{minimal: true}
			items := make([]any, *v.maxItems+1)
			for i := range items {
				items[i] = g.value(v.items, "", 1)
			}
			if !v.unique {
				add("more than maxItems "+strconv.FormatUint(*v.maxItems, 10), items)
			}
		}
		if v.items != nil {
			out = bodyDefects(v.items, pointer+"/0", depth+1, out)
		}
	case "object":
		for _, name := range v.required {
			out = append(out, defect{place: inBody, pointer: pointer + "/" + escapePointer(name), what: "required", remove: true})
		}
		if v.noAddl {
			name := "unexpectedProperty"
			for v.props[name] != nil {
				name += "X"
			}
			out = append(out, defect{place: inBody, pointer: pointer + "/" + name, what: "additionalProperties: false", value: "x"})
		}
		for _, name := range v.sortedProps() {
			ps := v.props[name]
			if ps.ReadOnly {
				continue
			}
			out = bodyDefects(ps, pointer+"/"+escapePointer(name), depth+1, out)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
