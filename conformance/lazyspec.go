package conformance

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// lazySpec holds an indexed document whose operations are compiled on
// first use: an operation's parameters, request body and responses are
// decoded from their bytes with kin-openapi's types, the components they
// reach through $ref decoded once and shared, and the result compiled as
// an eagerly loaded document's operations are. One mutex serializes the
// compiling; a compiled operation is read without it.
type lazySpec struct {
	mu sync.Mutex
	ix *specIndex
	sc *schemaCompiler
	// doc carries what compileRequest reads of the whole document: the
	// top-level security and the security schemes.
	doc *openapi3.T

	comps map[string]any // by component reference: *openapi3.Schema, *openapi3.Parameter, ...
	bad   map[string]error
	items map[string]*openapi3.PathItem // by template: the path item's parameters
	// names names each schema decoded by the JSON pointer of its
	// definition, for coverage reports.
	names map[*openapi3.Schema]string
	notes []Finding // what compiling the operations found, as compile notes it
	// left counts the operations not compiled yet; when none is left,
	// what only compiling reads is let go (release).
	left int
}

func newLazySpec(ix *specIndex, d dialect, judgeComb bool) (*lazySpec, error) {
	l := &lazySpec{ix: ix, sc: newSchemaCompiler(d), comps: map[string]any{}, bad: map[string]error{},
		items: map[string]*openapi3.PathItem{}, names: map[*openapi3.Schema]string{}}
	l.sc.judgeCombinators = judgeComb
	l.doc = &openapi3.T{OpenAPI: ix.openapi, Components: &openapi3.Components{SecuritySchemes: openapi3.SecuritySchemes{}}}
	if ix.security.ok() {
		if err := l.decode(ix.security, &l.doc.Security); err != nil {
			return nil, fmt.Errorf("spec: security: %w", err)
		}
	}
	for name := range ix.components["securitySchemes"] {
		ss := &openapi3.SecuritySchemeRef{}
		v, err := l.component("securitySchemes", componentRef("securitySchemes", name))
		if err != nil {
			return nil, fmt.Errorf("spec: components securitySchemes %s: %w", name, err)
		}
		ss.Value = v.(*openapi3.SecurityScheme)
		l.doc.Components.SecuritySchemes[name] = ss
	}
	return l, nil
}

// decode reads the bytes at at into v with kin-openapi's own decoding.
func (l *lazySpec) decode(at span, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot decode: %v", r)
		}
	}()
	if err := json.Unmarshal(l.ix.data[at.start:at.end], v); err != nil {
		return fmt.Errorf("%s", firstLine(err.Error()))
	}
	return nil
}

// decodeWith runs dec on the bytes at at, a panic or error its message.
func (l *lazySpec) decodeWith(at span, dec func(raw []byte) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot decode: %v", r)
		}
	}()
	if err := dec(l.ix.data[at.start:at.end]); err != nil {
		return fmt.Errorf("%s", firstLine(err.Error()))
	}
	return nil
}

// component decodes the component ref leads to (through components that
// are references themselves), once, and resolves what it references.
func (l *lazySpec) component(kind, ref string) (any, error) {
	k, name, err := l.ix.final(ref)
	if err != nil || k != kind {
		return nil, fmt.Errorf("cannot resolve $ref %q", ref)
	}
	key := componentRef(k, name)
	if v, ok := l.comps[key]; ok {
		return v, nil
	}
	if err := l.bad[key]; err != nil {
		return nil, err
	}
	at := l.ix.components[k][name].at
	var v any
	switch k {
	case "schemas":
		var r *openapi3.SchemaRef
		if err = l.decodeWith(at, func(raw []byte) (err error) { r, err = decodeSchemaRef(raw); return err }); err == nil {
			if r.Value == nil {
				r.Value = &openapi3.Schema{}
			}
			v = r.Value
			l.comps[key] = v // before resolving: cycles end here
			err = l.schema(r.Value, key)
		}
	case "parameters":
		var r *openapi3.ParameterRef
		if err = l.decodeWith(at, func(raw []byte) (err error) { r, err = decodeParameterRef(raw); return err }); err == nil {
			p := r.Value
			if p == nil {
				p = &openapi3.Parameter{}
			}
			v = p
			l.comps[key] = v
			err = l.parameter(p, key)
		}
	case "responses":
		var r *openapi3.ResponseRef
		if err = l.decodeWith(at, func(raw []byte) (err error) { r, err = decodeResponseRef(raw); return err }); err == nil {
			resp := r.Value
			if resp == nil {
				resp = &openapi3.Response{}
			}
			v = resp
			l.comps[key] = v
			err = l.response(resp, key)
		}
	case "requestBodies":
		var r *openapi3.RequestBodyRef
		if err = l.decodeWith(at, func(raw []byte) (err error) { r, err = decodeRequestBodyRef(raw); return err }); err == nil {
			b := r.Value
			if b == nil {
				b = &openapi3.RequestBody{}
			}
			v = b
			l.comps[key] = v
			err = l.content(b.Content, key)
		}
	case "headers":
		var r *openapi3.HeaderRef
		if err = l.decodeWith(at, func(raw []byte) (err error) { r, err = decodeHeaderRef(raw); return err }); err == nil {
			h := r.Value
			if h == nil {
				h = &openapi3.Header{}
			}
			v = h
			l.comps[key] = v
			err = l.parameter(&h.Parameter, key)
		}
	case "securitySchemes":
		s := &openapi3.SecurityScheme{}
		v = s
		err = l.decode(at, s)
	default:
		return nil, fmt.Errorf("cannot resolve $ref %q", ref)
	}
	if err != nil {
		delete(l.comps, key)
		err = fmt.Errorf("components %s %s: %w", k, name, err)
		l.bad[key] = err
		return nil, err
	}
	l.comps[key] = v
	return v, nil
}

// schemaRef resolves r, defined at ptr.
func (l *lazySpec) schemaRef(r *openapi3.SchemaRef, ptr string) error {
	if r == nil {
		return nil
	}
	if r.Ref != "" {
		v, err := l.component("schemas", r.Ref)
		if err != nil {
			return err
		}
		// A chain of references is known by its last link, as the
		// guard of an eagerly loaded document rewrites it.
		if k, name, _ := l.ix.final(r.Ref); k != "" {
			r.Ref = componentRef(k, name)
		}
		r.Value = v.(*openapi3.Schema)
		return nil
	}
	if r.Value == nil {
		return nil
	}
	return l.schema(r.Value, ptr)
}

// schema names s and resolves the schemas below it.
func (l *lazySpec) schema(s *openapi3.Schema, ptr string) error {
	if _, ok := l.names[s]; ok {
		return nil
	}
	l.names[s] = ptr
	for _, k := range sortedKeys(s.Properties) {
		if err := l.schemaRef(s.Properties[k], ptr+"/properties/"+escapePointer(k)); err != nil {
			return err
		}
	}
	for _, sub := range []struct {
		r   *openapi3.SchemaRef
		ptr string
	}{{s.Items, "/items"}, {s.AdditionalProperties.Schema, "/additionalProperties"}, {s.Not, "/not"}} {
		if err := l.schemaRef(sub.r, ptr+sub.ptr); err != nil {
			return err
		}
	}
	for kw, list := range map[string]openapi3.SchemaRefs{"/allOf/": s.AllOf, "/anyOf/": s.AnyOf, "/oneOf/": s.OneOf} {
		for i, r := range list {
			if err := l.schemaRef(r, ptr+kw+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *lazySpec) content(c openapi3.Content, ptr string) error {
	for _, k := range sortedKeys(c) {
		if mt := c[k]; mt != nil {
			if err := l.schemaRef(mt.Schema, ptr+"/content/"+escapePointer(k)+"/schema"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *lazySpec) parameter(p *openapi3.Parameter, ptr string) error {
	if err := l.schemaRef(p.Schema, ptr+"/schema"); err != nil {
		return err
	}
	return l.content(p.Content, ptr)
}

func (l *lazySpec) parameters(list openapi3.Parameters, ptr string) error {
	for i, r := range list {
		if r == nil {
			continue
		}
		if r.Ref != "" {
			v, err := l.component("parameters", r.Ref)
			if err != nil {
				return err
			}
			r.Value = v.(*openapi3.Parameter)
			continue
		}
		if r.Value != nil {
			if err := l.parameter(r.Value, ptr+"/parameters/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *lazySpec) response(r *openapi3.Response, ptr string) error {
	for _, k := range sortedKeys(r.Headers) {
		h := r.Headers[k]
		if h == nil {
			continue
		}
		if h.Ref != "" {
			v, err := l.component("headers", h.Ref)
			if err != nil {
				return err
			}
			h.Value = v.(*openapi3.Header)
			continue
		}
		if h.Value != nil {
			if err := l.parameter(&h.Value.Parameter, ptr+"/headers/"+escapePointer(k)); err != nil {
				return err
			}
		}
	}
	return l.content(r.Content, ptr)
}

// operation decodes and resolves the operation of path p at index i, and
// its path item's parameters.
func (l *lazySpec) operation(p *indexPath, i int) (*openapi3.PathItem, *openapi3.Operation, error) {
	item := l.items[p.template]
	base := "#/paths/" + escapePointer(p.template)
	if item == nil {
		item = &openapi3.PathItem{}
		if p.params.ok() {
			if err := l.decodeWith(p.params, func(raw []byte) (err error) { item.Parameters, err = decodeParameters(raw); return err }); err != nil {
				return nil, nil, fmt.Errorf("parameters: %w", err)
			}
			if err := l.parameters(item.Parameters, base); err != nil {
				return nil, nil, err
			}
		}
		l.items[p.template] = item
	}
	ix := p.ops[i]
	var op *openapi3.Operation
	if err := l.decodeWith(ix.at, func(raw []byte) (err error) { op, err = decodeOperation(raw); return err }); err != nil {
		return nil, nil, err
	}
	ptr := base + "/" + strings.ToLower(ix.method)
	if err := l.parameters(op.Parameters, ptr); err != nil {
		return nil, nil, err
	}
	if rb := op.RequestBody; rb != nil {
		if rb.Ref != "" {
			v, err := l.component("requestBodies", rb.Ref)
			if err != nil {
				return nil, nil, err
			}
			rb.Value = v.(*openapi3.RequestBody)
		} else if rb.Value != nil {
			if err := l.content(rb.Value.Content, ptr+"/requestBody"); err != nil {
				return nil, nil, err
			}
		}
	}
	if op.Responses != nil {
		rm := op.Responses.Map()
		for _, code := range sortedKeys(rm) {
			r := rm[code]
			if r == nil {
				continue
			}
			if r.Ref != "" {
				v, err := l.component("responses", r.Ref)
				if err != nil {
					return nil, nil, err
				}
				r.Value = v.(*openapi3.Response)
				continue
			}
			if r.Value != nil {
				if err := l.response(r.Value, ptr+"/responses/"+escapePointer(code)); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	return item, op, nil
}

// ready compiles o on its first use; later calls cost an atomic load.
func (e *Engine) ready(o *operation) {
	if e.lazy != nil {
		o.once.Do(func() { e.lazy.compile(e, o) })
	}
}

// readyAll compiles every operation not compiled yet.
func (e *Engine) readyAll() {
	if e.lazy == nil {
		return
	}
	for _, o := range e.cov.ops {
		e.ready(o)
	}
}

func (l *lazySpec) compile(e *Engine, o *operation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer l.compiled(e)
	p := &l.ix.paths[o.path]
	item, op, err := l.operation(p, o.index)
	if err != nil {
		o.broken = "the operation's description cannot be read (" + err.Error() + "); its exchanges are not judged"
		l.notes = append(l.notes, specNote(RuleSpecInvalid, o.Method+" "+o.PathTemplate, o.broken))
		e.cov.addOp(o)
		return
	}
	l.notes = compileOperation(o, l.doc, item, op, l.sc, e.routes.bases, l.notes)
	e.cov.addOp(o)
}

// compiled counts one more operation compiled; after the last one, the
// decoded components, the schemas' pointers and the compiler's memo are
// read no more, and are let go: the compiled nodes keep what judging and
// coverage read.
func (l *lazySpec) compiled(e *Engine) {
	if l.left--; l.left > 0 {
		return
	}
	l.comps, l.bad, l.items, l.names = nil, nil, nil, nil
	l.sc.memo = nil
	e.cov.mu.Lock()
	e.cov.names, e.cov.visited = nil, nil
	e.cov.mu.Unlock()
}

// Unjudged says why the exchanges of operation id cannot be judged: its
// description could not be read (the document is compiled one operation
// at a time, on first use; WithEagerCompile refuses such a document in
// New instead). It is empty for an operation that can be judged, and for
// an id the spec does not declare.
func (e *Engine) Unjudged(id string) string {
	op := e.ops[id]
	if op == nil {
		return ""
	}
	e.ready(op)
	return op.broken
}

// brokenFinding is what an exchange of an operation whose description
// cannot be read gets.
func (o *operation) brokenFinding(status int) Finding {
	f := NewFinding(RuleSpecInvalid, "", o.broken, "", "")
	f.Operation, f.Status = o.ID, status
	return f
}

// indexOperations makes the engine's operations, router and coverage plan
// from the index, each operation to be compiled on first use.
func (e *Engine) indexOperations(ix *specIndex) {
	var bases []string
	for _, srv := range ix.servers {
		s := &openapi3.Server{URL: srv.url, Variables: map[string]*openapi3.ServerVariable{}}
		for name, def := range srv.vars {
			s.Variables[name] = &openapi3.ServerVariable{Default: def}
		}
		bases = e.addBase(bases, s)
	}
	if len(bases) == 0 {
		bases = []string{"/"}
	}
	e.routes = newRouter(bases)
	e.ops = map[string]*operation{}
	order := make([]int, len(ix.paths))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return ix.paths[order[a]].template < ix.paths[order[b]].template })
	for _, pi := range order {
		p := &ix.paths[pi]
		ops := make([]int, len(p.ops))
		for i := range ops {
			ops[i] = i
		}
		sort.Slice(ops, func(a, b int) bool { return p.ops[ops[a]].method < p.ops[ops[b]].method })
		for _, i := range ops {
			io := p.ops[i]
			o := &operation{Operation: Operation{Method: io.method, PathTemplate: p.template}, byStatus: map[int]*response{}, path: pi, index: i}
			o.ID = e.operationID(io.id, io.method, p.template)
			e.ops[o.ID] = o
			e.routes.add(p.template, io.method, o)
			e.lazy.left++
		}
	}
	e.cov = newCovPlan(e.sortedOps(), true)
	e.cov.names = e.lazy.names
	e.cov.complete = e.readyAll
}

// wholeDoc is the document for what needs all of it (callbacks, request
// contracts); of a lazily compiled document kin-openapi cannot load, what
// the index holds.
func (e *Engine) wholeDoc() *openapi3.T {
	if doc, err := e.document(); err == nil {
		return doc
	}
	return e.lazy.doc
}
