package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// specIndex is what judging needs of a JSON document before any operation
// is compiled, read in one pass over its bytes: the version, the info, the
// servers, every path with its operations and their operationIds, and
// where each component sits. The operations' contents stay bytes until an
// exchange first needs them (lazyspec.go).
type specIndex struct {
	data        []byte
	openapi     string
	title       string
	infoVersion string
	servers     []indexServer
	security    span // the top-level security requirements; zero when none
	paths       []indexPath
	// components by kind ("schemas", "parameters", ...) and name.
	components map[string]map[string]component
}

type span struct{ start, end int }

func (s span) ok() bool { return s.end > s.start }

type indexServer struct {
	url  string
	vars map[string]string // variable defaults
}

type indexPath struct {
	template string
	params   span // the path item's parameters
	ops      []indexOp
}

type indexOp struct {
	method string // upper case
	id     string // operationId as written; "" when none
	at     span
	params span // its parameters
}

// component is one entry of components: its value, and when that value
// is a reference, where it points.
type component struct {
	at  span
	ref string
}

// errNotIndexed says the document uses something the index does not read
// (a path item $ref, a reference to another place than a component, a
// method key in upper case, ...): such a document is loaded whole, as
// kin-openapi reads it.
var errNotIndexed = errors.New("spec: not indexed")

// maxIndexDepth bounds the nesting the index walks; a deeper document is
// loaded whole, whose loader says what it makes of it.
const maxIndexDepth = 512

var methodKeys = map[string]string{
	"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
	"head": "HEAD", "patch": "PATCH", "trace": "TRACE", "connect": "CONNECT",
}

// componentKinds are the components the engine resolves references to.
var componentKinds = map[string]bool{
	"schemas": true, "parameters": true, "responses": true, "requestBodies": true, "headers": true,
	"securitySchemes": true, "examples": true, "links": true, "callbacks": true,
}

// indexSpec reads data, a JSON OpenAPI 3.0 document, into an index. Any
// error means the document is to be loaded whole.
func indexSpec(data []byte) (*specIndex, error) {
	w := &jwalk{data: data}
	ix := &specIndex{data: data, components: map[string]map[string]component{}}
	i := w.ws(0)
	if i >= len(data) || data[i] != '{' {
		return nil, errNotIndexed
	}
	seen := map[string]bool{}
	end, err := w.members(i, func(key string, at int) (int, error) {
		if seen[key] {
			return 0, errNotIndexed // a key given twice: left to the loader's reading
		}
		seen[key] = true
		switch key {
		case "paths":
			return ix.readPaths(w, at)
		case "components":
			return ix.readComponents(w, at)
		case "webhooks", "jsonSchemaDialect":
			return 0, errNotIndexed // OpenAPI 3.1
		}
		v, err := w.value(at)
		if err != nil {
			return 0, err
		}
		switch key {
		case "openapi":
			s, ok := w.str(v)
			if !ok {
				return 0, errNotIndexed
			}
			ix.openapi = s
		case "info":
			err = w.object(v, func(k string, v span) error {
				switch k {
				case "title":
					ix.title, _ = w.str(v)
				case "version":
					ix.infoVersion, _ = w.str(v)
				}
				return nil
			})
		case "servers":
			err = ix.readServers(w, v)
		case "security":
			ix.security = v
		}
		return v.end, err
	})
	if err != nil {
		return nil, err
	}
	if w.ws(end) != len(data) {
		return nil, errNotIndexed
	}
	if !strings.HasPrefix(ix.openapi, "3.0") {
		return nil, errNotIndexed
	}
	if err := ix.checkRefs(); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *specIndex) readServers(w *jwalk, v span) error {
	if w.byteAt(v.start) != '[' {
		return errNotIndexed
	}
	return w.elements(v, func(e span) error {
		var srv indexServer
		if w.byteAt(e.start) != '{' {
			return errNotIndexed
		}
		err := w.object(e, func(k string, v span) error {
			switch k {
			case "url":
				s, ok := w.str(v)
				if !ok {
					return errNotIndexed
				}
				srv.url = s
			case "variables":
				return w.object(v, func(name string, v span) error {
					return w.object(v, func(k string, v span) error {
						if k == "default" {
							s, ok := w.str(v)
							if !ok {
								return errNotIndexed
							}
							if srv.vars == nil {
								srv.vars = map[string]string{}
							}
							srv.vars[name] = s
						}
						return nil
					})
				})
			}
			return nil
		})
		ix.servers = append(ix.servers, srv)
		return err
	})
}

func (ix *specIndex) readPaths(w *jwalk, at int) (int, error) {
	if w.byteAt(at) != '{' {
		return 0, errNotIndexed
	}
	return w.members(at, func(tmpl string, at int) (int, error) {
		if strings.HasPrefix(tmpl, "x-") {
			return w.skip(at) // an extension, as kin-openapi reads it
		}
		if w.byteAt(at) != '{' {
			return 0, errNotIndexed
		}
		p := indexPath{template: tmpl}
		end, err := w.members(at, func(k string, at int) (int, error) {
			if m, ok := methodKeys[k]; ok && w.byteAt(at) == '{' {
				op := indexOp{method: m}
				end, err := w.members(at, func(k string, at int) (int, error) {
					v, err := w.value(at)
					if err == nil && k == "operationId" {
						s, ok := w.str(v)
						if !ok {
							return 0, errNotIndexed
						}
						op.id = s
					}
					if k == "parameters" {
						op.params = v
					}
					return v.end, err
				})
				op.at = span{at, end}
				p.ops = append(p.ops, op)
				return end, err
			}
			v, err := w.value(at)
			if err != nil {
				return 0, err
			}
			if _, ok := methodKeys[k]; ok {
				if w.byteAt(at) == 'n' {
					return v.end, nil // null: no operation
				}
				return 0, errNotIndexed
			}
			switch {
			case k == "parameters":
				p.params = v
			case k == "$ref", methodKeys[strings.ToLower(k)] != "":
				return 0, errNotIndexed
			}
			return v.end, nil
		})
		ix.paths = append(ix.paths, p)
		return end, err
	})
}

func (ix *specIndex) readComponents(w *jwalk, at int) (int, error) {
	if w.byteAt(at) != '{' {
		return 0, errNotIndexed
	}
	return w.members(at, func(kind string, at int) (int, error) {
		if !componentKinds[kind] {
			return w.skip(at)
		}
		if w.byteAt(at) != '{' {
			return 0, errNotIndexed
		}
		byName := map[string]component{}
		ix.components[kind] = byName
		return w.members(at, func(name string, at int) (int, error) {
			v, err := w.value(at)
			if err != nil {
				return 0, err
			}
			c := component{at: v}
			if w.byteAt(at) == '{' {
				err := w.object(v, func(k string, v span) error {
					if k == "$ref" {
						s, ok := w.str(v)
						if !ok {
							return errNotIndexed
						}
						c.ref = s
					}
					return nil
				})
				if err != nil {
					return 0, err
				}
			}
			byName[name] = c
			return v.end, nil
		})
	})
}

// checkRefs finds every $ref of the document and checks that it names a
// component the index holds; a chain of components that are references
// must end in one that is not. Anything else is loaded whole. Values that
// are data (examples, defaults, enums, extensions) are not looked into:
// a "$ref" there is a value, as kin-openapi reads it.
func (ix *specIndex) checkRefs() error {
	if !bytes.Contains(ix.data, []byte(`"$ref"`)) {
		return nil
	}
	w := &jwalk{data: ix.data}
	_, err := ix.refs(w, w.ws(0), false)
	return err
}

// dataKeys hold values, not OpenAPI objects.
var dataKeys = map[string]bool{"example": true, "default": true, "enum": true, "const": true, "value": true}

// nameKeys hold maps whose keys are names (of properties, paths, media
// types, ...), not keywords.
var nameKeys = map[string]bool{
	"properties": true, "patternProperties": true, "paths": true, "components": true, "schemas": true,
	"responses": true, "content": true, "headers": true, "callbacks": true, "links": true,
	"securitySchemes": true, "requestBodies": true, "variables": true, "mapping": true, "encoding": true,
	"definitions": true, "$defs": true, "dependentSchemas": true, "scopes": true, "webhooks": true, "pathItems": true,
}

func (ix *specIndex) refs(w *jwalk, at int, names bool) (int, error) {
	switch w.byteAt(at) {
	case '{':
		return w.members(at, func(k string, at int) (int, error) {
			switch {
			case names:
				return ix.refs(w, at, false)
			case k == "$ref":
				v, err := w.value(at)
				if err != nil {
					return 0, err
				}
				if ref, ok := w.str(v); ok {
					if _, _, err := ix.final(ref); err != nil {
						return 0, err
					}
				}
				return v.end, nil
			case dataKeys[k] || strings.HasPrefix(k, "x-"):
				return w.skip(at)
			case k == "examples":
				if w.byteAt(at) == '{' {
					return ix.refs(w, at, true) // Example Objects by name
				}
				return w.skip(at) // JSON Schema's examples: values
			case nameKeys[k]:
				return ix.refs(w, at, true)
			}
			return ix.refs(w, at, false)
		})
	case '[':
		return w.elementsFrom(at, func(at int) (int, error) { return ix.refs(w, at, false) })
	}
	return w.skip(at)
}

// final follows ref through components that are references themselves
// and returns the component it ends at, with the reference that names it.
func (ix *specIndex) final(ref string) (kind, name string, err error) {
	for hops := 0; hops <= 64; hops++ {
		k, n, ok := splitComponentRef(ref)
		if !ok {
			return "", "", fmt.Errorf("%w: ref %s", errNotIndexed, ref)
		}
		c, ok := ix.components[k][n]
		if !ok {
			return "", "", fmt.Errorf("%w: ref %s", errNotIndexed, ref)
		}
		if c.ref == "" {
			return k, n, nil
		}
		ref = c.ref
	}
	return "", "", errNotIndexed // a long chain or a loop: the guard and loader judge it
}

// splitComponentRef reads "#/components/KIND/NAME".
func splitComponentRef(ref string) (kind, name string, ok bool) {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return "", "", false
	}
	kind, name, ok = strings.Cut(rest, "/")
	if !ok || !componentKinds[kind] || name == "" || strings.Contains(name, "/") {
		return "", "", false
	}
	if strings.Contains(name, "%") {
		dec, err := url.PathUnescape(name)
		if err != nil {
			return "", "", false
		}
		name = dec
	}
	name = strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~")
	return kind, name, true
}

func componentRef(kind, name string) string {
	return "#/components/" + kind + "/" + strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// jwalk walks JSON bytes, checking the grammar of what it skips
// (strings, numbers, literals, nesting) so that an index is only built for
// a well-formed document.
type jwalk struct {
	data  []byte
	depth int
	key   []byte
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func (w *jwalk) ws(i int) int { return skipWS(w.data, i) }

// skip returns the end of the value starting at i (no white space before it).
func (w *jwalk) skip(i int) (int, error) {
	data := w.data
	if i >= len(data) {
		return 0, errNotIndexed
	}
	switch c := data[i]; {
	case c == '"':
		n, _, err := jsonlex.String(data[i:])
		if err != nil {
			return 0, errNotIndexed
		}
		return i + n, nil
	case c == '{':
		return w.members(i, nil)
	case c == '[':
		return w.elementsFrom(i, nil)
	case c == 't':
		return w.literal(i, "true")
	case c == 'f':
		return w.literal(i, "false")
	case c == 'n':
		return w.literal(i, "null")
	case c == '-' || c >= '0' && c <= '9':
		n, _, err := jsonlex.Number(data[i:])
		if err != nil {
			return 0, errNotIndexed
		}
		return i + n, nil
	}
	return 0, errNotIndexed
}

func (w *jwalk) literal(i int, word string) (int, error) {
	n, err := jsonlex.Literal(w.data[i:], word)
	if err != nil {
		return 0, errNotIndexed
	}
	return i + n, nil
}

// members walks the object opening at i, calling fn (when not nil) with
// each key and the span of its value, and returns the object's end.
func (w *jwalk) members(i int, fn func(key string, at int) (int, error)) (int, error) {
	data := w.data
	if w.depth++; w.depth > maxIndexDepth {
		return 0, errNotIndexed
	}
	defer func() { w.depth-- }()
	i = w.ws(i + 1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return 0, errNotIndexed
		}
		n, esc, err := jsonlex.String(data[i:])
		if err != nil {
			return 0, errNotIndexed
		}
		var key string
		if fn != nil {
			raw := data[i+1 : i+n-1]
			if esc {
				w.key = jsonlex.AppendUnquoted(w.key[:0], raw)
				raw = w.key
			}
			key = string(raw)
		}
		i = w.ws(i + n)
		if i >= len(data) || data[i] != ':' {
			return 0, errNotIndexed
		}
		i = w.ws(i + 1)
		var end int
		if fn != nil {
			end, err = fn(key, i)
		} else {
			end, err = w.skip(i)
		}
		if err != nil {
			return 0, err
		}
		i = w.ws(end)
		if i >= len(data) {
			return 0, errNotIndexed
		}
		switch data[i] {
		case ',':
			i = w.ws(i + 1)
		case '}':
			return i + 1, nil
		default:
			return 0, errNotIndexed
		}
	}
}

func (w *jwalk) elementsFrom(i int, fn func(at int) (int, error)) (int, error) {
	data := w.data
	if w.depth++; w.depth > maxIndexDepth {
		return 0, errNotIndexed
	}
	defer func() { w.depth-- }()
	i = w.ws(i + 1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for {
		var end int
		var err error
		if fn != nil {
			end, err = fn(i)
		} else {
			end, err = w.skip(i)
		}
		if err != nil {
			return 0, err
		}
		i = w.ws(end)
		if i >= len(data) {
			return 0, errNotIndexed
		}
		switch data[i] {
		case ',':
			i = w.ws(i + 1)
		case ']':
			return i + 1, nil
		default:
			return 0, errNotIndexed
		}
	}
}

// value is the span of the value at at.
func (w *jwalk) value(at int) (span, error) {
	end, err := w.skip(at)
	return span{at, end}, err
}

// object calls fn for each member of the object at v, whose values it
// has walked; a value of another kind is not indexed.
func (w *jwalk) object(v span, fn func(key string, v span) error) error {
	if w.byteAt(v.start) != '{' {
		return errNotIndexed
	}
	_, err := w.members(v.start, func(key string, at int) (int, error) {
		v, err := w.value(at)
		if err != nil {
			return 0, err
		}
		return v.end, fn(key, v)
	})
	return err
}

func (w *jwalk) elements(v span, fn func(v span) error) error {
	_, err := w.elementsFrom(v.start, func(at int) (int, error) {
		v, err := w.value(at)
		if err != nil {
			return 0, err
		}
		return v.end, fn(v)
	})
	return err
}

// str reads the string at v.
func (w *jwalk) str(v span) (string, bool) {
	b := w.data[v.start:v.end]
	if len(b) < 2 || b[0] != '"' {
		return "", false
	}
	raw := b[1 : len(b)-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		return string(jsonlex.AppendUnquoted(nil, raw)), true
	}
	return string(raw), true
}

// requestHeaders lists the request headers the request rules may read:
// Authorization, Content-Type, Cookie, every header parameter and the
// header of every apiKey security scheme, canonical and sorted.
func (ix *specIndex) requestHeaders() []string {
	seen := map[string]bool{"Authorization": true, "Content-Type": true, "Cookie": true}
	type named struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	read := func(at span) (n named) {
		_ = json.Unmarshal(ix.data[at.start:at.end], &n)
		return n
	}
	params := func(at span) {
		if !at.ok() {
			return
		}
		var list []json.RawMessage
		if json.Unmarshal(ix.data[at.start:at.end], &list) != nil {
			return
		}
		for _, raw := range list {
			var p named
			if json.Unmarshal(raw, &p) != nil {
				continue
			}
			if p.Ref != "" {
				k, name, err := ix.final(p.Ref)
				if err != nil || k != "parameters" {
					continue
				}
				p = read(ix.components[k][name].at)
			}
			if p.In == "header" && p.Name != "" {
				seen[http.CanonicalHeaderKey(p.Name)] = true
			}
		}
	}
	for i := range ix.paths {
		params(ix.paths[i].params)
		for _, op := range ix.paths[i].ops {
			params(op.params)
		}
	}
	for _, c := range ix.components["securitySchemes"] {
		var ss struct {
			Type string `json:"type"`
			In   string `json:"in"`
			Name string `json:"name"`
		}
		if c.ref == "" && json.Unmarshal(ix.data[c.at.start:c.at.end], &ss) == nil && ss.Type == "apiKey" && ss.In == "header" && ss.Name != "" {
			seen[http.CanonicalHeaderKey(ss.Name)] = true
		}
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// byteAt is data[i], or 0 past the end.
func (w *jwalk) byteAt(i int) byte {
	if i < len(w.data) {
		return w.data[i]
	}
	return 0
}
