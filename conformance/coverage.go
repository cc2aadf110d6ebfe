package conformance

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Coverage collects, as exchanges are judged, what of the spec they
// reached: each documented response header, property, enum value and
// parameter is one bit, set by the judgement where it reads that part
// (the body scanner marks a property as it meets it), so coverage costs no
// second pass over a body. Give one to an exchange (Exchange.Coverage) and
// every Validate of that exchange marks it; Report turns it into a
// CoverageReport. A Coverage is not safe for concurrent use: give each
// goroutine its own and Merge them.
type Coverage struct {
	plan      *covPlan
	bits      []uint64
	exchanges []int // per operation: responses judged
	requests  []int // per operation: requests judged
	responses []int // per documented response
	statuses  [][]statusCount
	unmatched int
}

type statusCount struct {
	status, n int
}

// NewCoverage returns an empty collector for the engine's spec.
func (e *Engine) NewCoverage() *Coverage {
	return e.cov.newCoverage()
}

func (p *covPlan) newCoverage() *Coverage {
	if p.growing {
		p.mu.RLock()
		defer p.mu.RUnlock()
	}
	return &Coverage{
		plan:      p,
		bits:      make([]uint64, (p.items+63)/64),
		exchanges: make([]int, len(p.ops)),
		requests:  make([]int, len(p.ops)),
		responses: make([]int, p.responses),
		statuses:  make([][]statusCount, len(p.ops)),
	}
}

// mark sets the bit of one documented part; bit 0 stands for parts that
// are not tracked (an undeclared property), so callers need no branch.
func (c *Coverage) mark(i int32) {
	if c != nil {
		w := int(i >> 6)
		if w >= len(c.bits) {
			c.bits = append(c.bits, make([]uint64, w+1-len(c.bits))...)
		}
		c.bits[w] |= 1 << (uint32(i) & 63)
	}
}

func (c *Coverage) has(i int32) bool {
	w := int(i >> 6)
	return i > 0 && w < len(c.bits) && c.bits[w]&(1<<(uint32(i)&63)) != 0
}

// response counts one response of op judged, with its documented
// response r (nil for an undocumented status).
func (c *Coverage) response(op *operation, status int, r *response) {
	if c == nil {
		return
	}
	c.exchanges[op.cov]++
	if r != nil {
		if int(r.cov) >= len(c.responses) {
			c.responses = append(c.responses, make([]int, int(r.cov)+1-len(c.responses))...)
		}
		c.responses[r.cov]++
	}
	sc := c.statuses[op.cov]
	for i := range sc {
		if sc[i].status == status {
			sc[i].n++
			return
		}
	}
	c.statuses[op.cov] = append(sc, statusCount{status, 1})
}

func (c *Coverage) request(op *operation) {
	if c != nil {
		c.requests[op.cov]++
	}
}

func (c *Coverage) unknown() {
	if c != nil {
		c.unmatched++
	}
}

// NoOperation counts an exchange that matched no operation of the spec
// and whose response the engine was not asked to judge (ValidateResponse
// counts the others itself).
func (c *Coverage) NoOperation() { c.unknown() }

// Merge adds what o collected; both must come from the same engine.
func (c *Coverage) Merge(o *Coverage) {
	if o == nil || o.plan != c.plan {
		return
	}
	c.grow(len(o.bits), len(o.responses))
	for i, w := range o.bits {
		c.bits[i] |= w
	}
	for i := range o.exchanges {
		c.exchanges[i] += o.exchanges[i]
		c.requests[i] += o.requests[i]
		for _, sc := range o.statuses[i] {
			found := false
			for j := range c.statuses[i] {
				if c.statuses[i][j].status == sc.status {
					c.statuses[i][j].n += sc.n
					found = true
				}
			}
			if !found {
				c.statuses[i] = append(c.statuses[i], sc)
			}
		}
	}
	for i, n := range o.responses {
		c.responses[i] += n
	}
	c.unmatched += o.unmatched
}

// grow makes room for bits words and responses slots.
func (c *Coverage) grow(bits, responses int) {
	if bits > len(c.bits) {
		c.bits = append(c.bits, make([]uint64, bits-len(c.bits))...)
	}
	if responses > len(c.responses) {
		c.responses = append(c.responses, make([]int, responses-len(c.responses))...)
	}
}

// Report lists every documented part of the spec with what was seen of it.
// Of a lazily compiled spec it compiles the operations not compiled yet.
func (c *Coverage) Report() *CoverageReport {
	p := c.plan
	if p.growing {
		p.complete()
		p.mu.Lock()
		sort.SliceStable(p.schemas, func(i, j int) bool { return p.schemas[i].pointer < p.schemas[j].pointer })
		p.mu.Unlock()
		p.mu.RLock()
		defer p.mu.RUnlock()
	}
	c.grow(int(p.items+63)/64, int(p.responses))
	r := &CoverageReport{Operations: make([]OperationCoverage, 0, len(p.ops)), Schemas: []SchemaCoverage{}, Unmatched: c.unmatched}
	for i, op := range p.ops {
		oc := OperationCoverage{Operation: op.ID, Method: op.Method, Path: op.PathTemplate,
			Exchanges: c.exchanges[i], Requests: c.requests[i],
			Statuses:  StatusCoverage{Documented: []string{}, Judged: []string{}},
			Responses: []ResponseCoverage{}}
		for _, k := range op.covKeys {
			oc.Statuses.Documented = append(oc.Statuses.Documented, k.key)
			rc := ResponseCoverage{Status: k.key, Exchanges: c.responses[k.r.cov], Body: k.body}
			var doc, seen []string
			for _, h := range k.r.headers {
				doc = append(doc, h.name)
				if c.has(h.cov) {
					seen = append(seen, h.name)
				}
			}
			rc.Headers = newSeen(doc, seen)
			oc.Responses = append(oc.Responses, rc)
		}
		for _, sc := range c.statuses[i] {
			s := strconv.Itoa(sc.status)
			oc.Statuses.Judged = append(oc.Statuses.Judged, s)
			if oc.Statuses.Exchanges == nil {
				oc.Statuses.Exchanges = map[string]int{}
			}
			oc.Statuses.Exchanges[s] = sc.n
		}
		sortStatuses(oc.Statuses.Judged)
		if op.req != nil {
			for j := range op.req.params {
				ps := &op.req.params[j]
				pc := ParameterCoverage{Name: ps.name, In: ps.in, Exercised: c.has(ps.cov)}
				if cs := p.enumSchema(ps.node); cs != nil {
					e := c.seen(cs.enum, cs.enumBase)
					pc.Enum = &e
				}
				oc.Parameters = append(oc.Parameters, pc)
			}
			oc.RequestBody = op.covReqBody
		}
		r.Operations = append(r.Operations, oc)
	}
	for _, cs := range p.schemas {
		sc := SchemaCoverage{Schema: cs.pointer}
		if len(cs.props) > 0 {
			s := c.seen(cs.props, cs.propBase)
			sc.Properties = &s
		}
		if len(cs.enum) > 0 {
			s := c.seen(cs.enum, cs.enumBase)
			sc.Enum = &s
		}
		r.Schemas = append(r.Schemas, sc)
	}
	r.Total()
	return r
}

func (c *Coverage) seen(names []string, base int32) Seen {
	var seen []string
	for i, n := range names {
		if c.has(base + int32(i)) {
			seen = append(seen, n)
		}
	}
	return newSeen(append([]string(nil), names...), seen)
}

// Judged is the report's Judged for q, on what was collected so far.
func (c *Coverage) Judged(q Requirement) bool {
	for i, op := range c.plan.ops {
		if op.ID != q.Operation {
			continue
		}
		if q.Status == "" {
			return c.exchanges[i] > 0
		}
		for _, sc := range c.statuses[i] {
			if statusMatches(q.Status, strconv.Itoa(sc.status)) {
				return true
			}
		}
	}
	return false
}

// covPlan numbers the documented parts of a spec: the bit of each part and
// the slot of each response. An eagerly compiled spec's is made at New and
// immutable afterwards; a lazily compiled one's grows as operations are
// compiled.
type covPlan struct {
	items     int32 // bits in use; bit 0 is the sink of untracked parts
	responses int32
	ops       []*operation
	schemas   []*covSchema
	bySrc     map[*openapi3.Schema]*covSchema
	names     map[*openapi3.Schema]string
	visited   map[*schemaNode]bool

	// growing: the operations of a lazily compiled document are numbered
	// as they are compiled, under mu; complete compiles the rest, for a
	// report that lists every documented part.
	growing  bool
	mu       sync.RWMutex
	complete func()
}

// covSchema is one schema with documented properties or enum values.
type covSchema struct {
	pointer  string
	props    []string
	propBase int32 // props[i]'s bit is propBase+i
	enum     []string
	enumBase int32
	enumIdx  map[string]int32 // by enumKey
}

// covKey is one documented response of an operation.
type covKey struct {
	key  string
	r    *response
	body []string
}

// buildCoverage numbers ops (in report order) and every schema their
// bodies, parameters and headers reach.
func buildCoverage(doc *openapi3.T, ops []*operation) *covPlan {
	p := newCovPlan(ops, false)
	p.names = schemaPointers(doc)
	for _, op := range ops {
		p.addOp(op)
	}
	sort.SliceStable(p.schemas, func(i, j int) bool { return p.schemas[i].pointer < p.schemas[j].pointer })
	p.names, p.visited = nil, nil
	return p
}

// newCovPlan gives each of ops its slot; growing says the operations are
// numbered as they are compiled (addOp), while exchanges are judged.
func newCovPlan(ops []*operation, growing bool) *covPlan {
	p := &covPlan{items: 1, bySrc: map[*openapi3.Schema]*covSchema{}, visited: map[*schemaNode]bool{}, growing: growing}
	for i, op := range ops {
		op.cov = int32(i)
		p.ops = append(p.ops, op)
	}
	return p
}

// addOp numbers the documented responses of op, its parameters and every
// schema they reach.
func (p *covPlan) addOp(op *operation) {
	if p.growing {
		p.mu.Lock()
		defer p.mu.Unlock()
	}
	for _, key := range documentedKeys(op) {
		r := op.keyResponse(key)
		if r == nil {
			continue
		}
		r.cov = p.responses
		p.responses++
		k := covKey{key: key, r: r}
		for j := range r.headers {
			h := &r.headers[j]
			h.cov = p.bit()
			p.addNode(h.node, op.ID+" "+key+" header "+h.name)
		}
		k.body = p.addMedia(r.media, op.ID+" "+key)
		op.covKeys = append(op.covKeys, k)
	}
	if op.req != nil {
		for j := range op.req.params {
			ps := &op.req.params[j]
			ps.cov = p.bit()
			p.addNode(ps.node, op.ID+" "+ps.where)
		}
		if op.req.body != nil {
			op.covReqBody = p.addMedia(op.req.body.content.media, op.ID+" request")
		}
	}
}

// lookup is bySrc[s], safe beside a growing plan's addOp.
func (p *covPlan) lookup(s *openapi3.Schema) *covSchema {
	if p.growing {
		p.mu.RLock()
		defer p.mu.RUnlock()
	}
	return p.bySrc[s]
}

func (p *covPlan) bit() int32 {
	p.items++
	return p.items - 1
}

func (p *covPlan) addMedia(media []mediaSpec, fallback string) []string {
	var out []string
	for i := range media {
		m := &media[i]
		if m.body == nil {
			continue
		}
		name := p.name(m.body.src, fallback+" "+m.name)
		p.addNode(m.body, name)
		if !contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (p *covPlan) name(s *openapi3.Schema, fallback string) string {
	if n, ok := p.names[s]; ok {
		return n
	}
	return fallback
}

// addNode numbers the properties and enum values of n and of every node
// below it, and points the compiled nodes at their bits.
func (p *covPlan) addNode(n *schemaNode, fallback string) {
	if n == nil || p.visited[n] {
		return
	}
	p.visited[n] = true
	name := p.name(n.src, fallback)
	if n.slow {
		p.addTree(n.src, name, map[*openapi3.Schema]bool{})
		return
	}
	if cs := p.schema(n.src, name); cs != nil {
		for _, prop := range n.props.slots {
			if prop != nil {
				prop.cov = cs.propBit(prop.name)
			}
		}
		if n.enum != nil || n.enumAny != nil {
			n.covEnum = cs.enumIdx
		}
	}
	p.addNode(n.items, name+"/items")
	p.addNode(n.addlNode, name+"/additionalProperties")
	for _, prop := range n.props.slots {
		if prop != nil {
			p.addNode(prop.node, name+"/properties/"+escapePointer(prop.name))
		}
	}
	if cb := n.comb; cb != nil {
		for i, b := range cb.allOf {
			p.addNode(b, name+"/allOf/"+strconv.Itoa(i))
		}
		for i, b := range cb.anyOf {
			p.addNode(b.node, name+"/anyOf/"+strconv.Itoa(i))
		}
		for i, b := range cb.oneOf {
			p.addNode(b.node, name+"/oneOf/"+strconv.Itoa(i))
		}
	}
}

// addTree numbers a schema the judge of whole values reads, and the
// schemas below it, which the judge marks by their source.
func (p *covPlan) addTree(s *openapi3.Schema, name string, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	name = p.name(s, name)
	p.schema(s, name)
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if r := s.Properties[k]; r != nil {
			p.addTree(r.Value, name+"/properties/"+escapePointer(k), seen)
		}
	}
	sub := func(r *openapi3.SchemaRef, suffix string) {
		if r != nil {
			p.addTree(r.Value, name+suffix, seen)
		}
	}
	sub(s.Items, "/items")
	sub(s.AdditionalProperties.Schema, "/additionalProperties")
	sub(s.Not, "/not")
	for kw, list := range map[string]openapi3.SchemaRefs{"/allOf/": s.AllOf, "/anyOf/": s.AnyOf, "/oneOf/": s.OneOf} {
		for i, r := range list {
			sub(r, kw+strconv.Itoa(i))
		}
	}
}

// schema returns the entry of s, made on first use; nil when s documents
// no property and no enum value.
func (p *covPlan) schema(s *openapi3.Schema, name string) *covSchema {
	if s == nil {
		return nil
	}
	if cs, ok := p.bySrc[s]; ok {
		return cs
	}
	if len(s.Properties) == 0 && len(s.Enum) == 0 {
		p.bySrc[s] = nil
		return nil
	}
	cs := &covSchema{pointer: name}
	if len(s.Properties) > 0 {
		for k := range s.Properties {
			cs.props = append(cs.props, k)
		}
		sort.Strings(cs.props)
		cs.propBase = p.items
		for range cs.props {
			p.bit()
		}
	}
	if len(s.Enum) > 0 {
		cs.enumBase = p.items
		cs.enumIdx = make(map[string]int32, len(s.Enum))
		for _, v := range s.Enum {
			k := enumKey(v)
			if _, dup := cs.enumIdx[k]; dup {
				continue
			}
			cs.enum = append(cs.enum, k)
			cs.enumIdx[k] = p.bit()
		}
	}
	p.bySrc[s] = cs
	p.schemas = append(p.schemas, cs)
	return cs
}

// enumSchema is the entry holding the enum of a parameter's values (its
// items' for an array), or nil.
func (p *covPlan) enumSchema(n *schemaNode) *covSchema {
	if n == nil {
		return nil
	}
	if n.items != nil && n.enum == nil {
		n = n.items
	}
	if cs := p.bySrc[n.src]; cs != nil && len(cs.enum) > 0 {
		return cs
	}
	return nil
}

// enumKey is how an enum value is named in a coverage report: a string as
// itself, anything else as JSON.
func enumKey(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// markProperty and markEnum are the marks of the judge of whole values,
// which knows schemas by their source.
func (c *Coverage) markProperty(s *openapi3.Schema, name string) {
	if cs := c.plan.lookup(s); cs != nil {
		c.mark(cs.propBit(name))
	}
}

// propBit is the bit of property name, 0 when s does not document it.
func (cs *covSchema) propBit(name string) int32 {
	if i, ok := slices.BinarySearch(cs.props, name); ok {
		return cs.propBase + int32(i)
	}
	return 0
}

func (c *Coverage) markEnum(s *openapi3.Schema, v any) {
	if cs := c.plan.lookup(s); cs != nil && cs.enumIdx != nil {
		c.mark(cs.enumIdx[enumKey(v)])
	}
}

// documentedKeys lists an operation's response keys as the spec writes
// them, codes in order, then ranges, then default.
func documentedKeys(op *operation) []string {
	if op.statuses == "" {
		return nil
	}
	keys := strings.Split(op.statuses, ", ")
	sortStatuses(keys)
	return keys
}

// keyResponse is the compiled response of a documented key.
func (o *operation) keyResponse(key string) *response {
	switch {
	case key == "default":
		return o.fallback
	case len(key) == 3 && (key[1] == 'X' || key[1] == 'x'):
		return o.byRange[key[0]-'0']
	}
	n, err := strconv.Atoi(key)
	if err != nil {
		return nil
	}
	return o.byStatus[n]
}

// paramPresent says whether a request carries a parameter the fast path
// does not read itself.
func paramPresent(p *paramSpec, r *Request, h http.Header, pathOK bool) bool {
	switch p.in {
	case openapi3.ParameterInQuery:
		if r.URL == nil {
			return false
		}
		var vals [2]string
		got, _ := queryValues(r.URL.RawQuery, p.name, vals[:0])
		return len(got) > 0
	case openapi3.ParameterInHeader:
		return len(h[p.key]) > 0
	case openapi3.ParameterInCookie:
		var vals [2]string
		return len(cookieValues(h, p.name, vals[:0])) > 0
	case openapi3.ParameterInPath:
		return pathOK
	}
	return false
}

// schemaPointers names every schema of the document by the JSON pointer
// of its first definition: the components first, so that a schema used
// through $ref is known by its component's name.
func schemaPointers(doc *openapi3.T) map[*openapi3.Schema]string {
	names := map[*openapi3.Schema]string{}
	var visit func(r *openapi3.SchemaRef, ptr string)
	visit = func(r *openapi3.SchemaRef, ptr string) {
		if r == nil || r.Value == nil || r.Ref != "" {
			return // a reference: the schema is named where it is defined
		}
		s := r.Value
		if _, ok := names[s]; ok {
			return
		}
		names[s] = ptr
		for _, k := range sortedKeys(s.Properties) {
			visit(s.Properties[k], ptr+"/properties/"+escapePointer(k))
		}
		visit(s.Items, ptr+"/items")
		visit(s.AdditionalProperties.Schema, ptr+"/additionalProperties")
		visit(s.Not, ptr+"/not")
		for i, b := range s.AllOf {
			visit(b, ptr+"/allOf/"+strconv.Itoa(i))
		}
		for i, b := range s.AnyOf {
			visit(b, ptr+"/anyOf/"+strconv.Itoa(i))
		}
		for i, b := range s.OneOf {
			visit(b, ptr+"/oneOf/"+strconv.Itoa(i))
		}
	}
	content := func(c openapi3.Content, ptr string) {
		for _, k := range sortedKeys(c) {
			if mt := c[k]; mt != nil {
				visit(mt.Schema, ptr+"/content/"+escapePointer(k)+"/schema")
			}
		}
	}
	param := func(p *openapi3.Parameter, ptr string) {
		if p != nil {
			visit(p.Schema, ptr+"/schema")
			content(p.Content, ptr)
		}
	}
	header := func(h *openapi3.Header, ptr string) {
		if h != nil {
			param(&h.Parameter, ptr)
		}
	}
	resp := func(r *openapi3.Response, ptr string) {
		if r == nil {
			return
		}
		for _, k := range sortedKeys(r.Headers) {
			if h := r.Headers[k]; h != nil {
				header(h.Value, ptr+"/headers/"+escapePointer(k))
			}
		}
		content(r.Content, ptr)
	}
	if c := doc.Components; c != nil {
		for _, k := range sortedKeys(c.Schemas) {
			visit(c.Schemas[k], "#/components/schemas/"+escapePointer(k))
		}
		for _, k := range sortedKeys(c.Parameters) {
			if p := c.Parameters[k]; p != nil {
				param(p.Value, "#/components/parameters/"+escapePointer(k))
			}
		}
		for _, k := range sortedKeys(c.Headers) {
			if h := c.Headers[k]; h != nil {
				header(h.Value, "#/components/headers/"+escapePointer(k))
			}
		}
		for _, k := range sortedKeys(c.RequestBodies) {
			if b := c.RequestBodies[k]; b != nil && b.Value != nil {
				content(b.Value.Content, "#/components/requestBodies/"+escapePointer(k))
			}
		}
		for _, k := range sortedKeys(c.Responses) {
			if r := c.Responses[k]; r != nil {
				resp(r.Value, "#/components/responses/"+escapePointer(k))
			}
		}
	}
	if doc.Paths == nil {
		return names
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, tmpl := range paths {
		item := doc.Paths.Value(tmpl)
		if item == nil {
			continue
		}
		base := "#/paths/" + escapePointer(tmpl)
		for i, p := range item.Parameters {
			if p != nil {
				param(p.Value, base+"/parameters/"+strconv.Itoa(i))
			}
		}
		ops := item.Operations()
		for _, m := range sortedKeys(ops) {
			op := ops[m]
			ptr := base + "/" + strings.ToLower(m)
			for i, p := range op.Parameters {
				if p != nil {
					param(p.Value, ptr+"/parameters/"+strconv.Itoa(i))
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(op.RequestBody.Value.Content, ptr+"/requestBody")
			}
			if op.Responses != nil {
				rm := op.Responses.Map()
				for _, code := range sortedKeys(rm) {
					if r := rm[code]; r != nil {
						resp(r.Value, ptr+"/responses/"+escapePointer(code))
					}
				}
			}
		}
	}
	return names
}

func escapePointer(s string) string {
	var b strings.Builder
	writePointerToken(&b, s)
	return b.String()
}

// sortedOps lists the operations by path, then method: the order of a
// coverage report.
func (e *Engine) sortedOps() []*operation {
	ops := make([]*operation, 0, len(e.ops))
	for _, op := range e.ops {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].PathTemplate != ops[j].PathTemplate {
			return ops[i].PathTemplate < ops[j].PathTemplate
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}
