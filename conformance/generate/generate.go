package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webex-conformance/webhooks/conformance"
)

// Generator draws requests for the operations of an engine's spec: valid
// ones, which the API must accept, and invalid ones, which break one
// thing the spec says and which the API must refuse. It is deterministic:
// the same seed, spec and answers (see Observe) give the same requests.
// It is not safe for concurrent use.
type Generator struct {
	eng    *conformance.Engine
	base   string
	seed   uint64
	writes bool
	fill   func(op, where string) (any, bool)
	ops    []*opModel
	order  []*opModel
	n      int
	// ids holds, per collection path template, the ids the run may use in
	// the paths of its items: those it created (for every method) and
	// those it saw listed (for reads).
	ids map[string][]knownID
}

type knownID struct {
	id      string
	created bool
}

// Option configures New.
type Option func(*Generator)

// WithSeed makes the requests of the seed; the default is 1.
func WithSeed(seed uint64) Option { return func(g *Generator) { g.seed = seed } }

// WithWrites lets the generator draw requests for every method; without
// it only GET and HEAD operations are drawn.
func WithWrites(on bool) Option { return func(g *Generator) { g.writes = on } }

// WithValues gives the value of locations that mean more to the API than
// their schema says (a name the run can recognise, a URL that delivers
// nowhere): fill(operationId, where) is asked first for every valid value,
// where being a body pointer ("/name") or a parameter ("query:max"). Omit
// as the value leaves an optional property out. A value it gives must be
// valid by the spec; the generator checks that it is.
func WithValues(fill func(op, where string) (any, bool)) Option {
	return func(g *Generator) { g.fill = fill }
}

// Omit, given by a WithValues function, leaves an optional property out.
var Omit = omit{}

type omit struct{}

// Request is one generated request. Path is relative to the API's base
// URL and escaped; Query and Header hold the parameters (and the
// Content-Type of a body).
type Request struct {
	// Seq numbers the requests of a generator, from 0.
	Seq       int
	Operation string
	Method    string
	// PathTemplate is the operation's path in the spec.
	PathTemplate string
	Path         string
	Query        url.Values
	Header       http.Header
	Body         []byte
	// Valid says whether the request keeps its operation's contract.
	Valid bool
	// Defect says, for an invalid request, what breaks the contract:
	// `query parameter max = "0" (below minimum 1)`; Where is its
	// location as a finding's pointer ("query:max", "/name") and Value
	// the bad value.
	Defect, Where, Value string
	// MadeUpID says a path parameter holds an id the run did not see:
	// a 404 is then an answer, not a refusal.
	MadeUpID bool

	op  *opModel
	in  *input
	def *defect
}

// Name is a short title for a report: "generated #12: invalid
// createWebhook: body property /name = ..." .
func (r *Request) Name() string {
	if r.Valid {
		return fmt.Sprintf("generated #%d: valid %s", r.Seq+1, r.Operation)
	}
	return fmt.Sprintf("generated #%d: invalid %s: %s", r.Seq+1, r.Operation, r.Defect)
}

// param is one documented parameter.
type param struct {
	name, in string
	required bool
	schema   *openapi3.Schema
	style    string
	explode  bool
}

func (p *param) pointer() string {
	return p.in + ":" + p.name
}

// opModel is what the generator knows of one operation.
type opModel struct {
	doc     conformance.OperationDoc
	params  []*param
	body    *openapi3.Schema // the JSON body's schema; nil: none or not JSON
	media   string           // the JSON media type sent
	hasBody bool             // a JSON body is documented
	bodyReq bool
	defects []defect
	dead    []bool
	cursor  int
	// validDead says no valid request could be made (the spec's schemas
	// contradict themselves, or a parameter cannot be written).
	validDead bool
	// collection is the path template of the collection this operation's
	// item belongs to, and idParam the path parameter naming the item:
	// "/webhooks" and "webhookId" for "/webhooks/{webhookId}".
	collection, idParam string
}

// input is a request before it is written: each parameter's texts and
// the body's JSON value.
type input struct {
	set     []bool
	vals    [][]string
	body    any
	hasBody bool
	raw     []byte // sent instead of body when set
	media   string
	noBody  bool
	ids     map[string]bool // path parameters holding a known id
}

// New reads the operations of eng's spec.
func New(eng *conformance.Engine, opts ...Option) (*Generator, error) {
	g := &Generator{eng: eng, seed: 1, ids: map[string][]knownID{}}
	for _, o := range opts {
		o(g)
	}
	if bp := eng.BasePaths(); len(bp) > 0 && bp[0] != "/" {
		g.base = bp[0]
	}
	for _, d := range eng.Operations() {
		m := newOpModel(d)
		g.ops = append(g.ops, m)
		if g.writes || d.Method == http.MethodGet || d.Method == http.MethodHead {
			g.order = append(g.order, m)
		}
	}
	if len(g.order) == 0 {
		if g.writes {
			return nil, fmt.Errorf("the spec documents no operation")
		}
		return nil, fmt.Errorf("the spec documents no GET operation, and writes are not allowed")
	}
	// Every operation gets its share; the order is the seed's.
	rnd := rand.New(rand.NewPCG(g.seed, 0x9e3779b97f4a7c15))
	rnd.Shuffle(len(g.order), func(i, j int) { g.order[i], g.order[j] = g.order[j], g.order[i] })
	// Within each round, creates come first and deletes last, so that the
	// requests between them have items to work on.
	sort.SliceStable(g.order, func(i, j int) bool { return methodRank(g.order[i].doc.Method) < methodRank(g.order[j].doc.Method) })
	for _, m := range g.order {
		rnd.Shuffle(len(m.defects), func(i, j int) { m.defects[i], m.defects[j] = m.defects[j], m.defects[i] })
		m.dead = make([]bool, len(m.defects))
	}
	return g, nil
}

func methodRank(m string) int {
	switch m {
	case http.MethodPost:
		return 0
	case http.MethodDelete:
		return 2
	}
	return 1
}

func newOpModel(d conformance.OperationDoc) *opModel {
	m := &opModel{doc: d}
	for _, p := range d.Parameters {
		if p.In == openapi3.ParameterInHeader {
			switch http.CanonicalHeaderKey(p.Name) {
			case "Accept", "Content-Type", "Authorization":
				continue
			}
		}
		sm, err := p.SerializationMethod()
		if err != nil {
			continue
		}
		pm := &param{name: p.Name, in: p.In, required: p.Required || p.In == openapi3.ParameterInPath, style: sm.Style, explode: sm.Explode}
		if p.Schema != nil {
			pm.schema = p.Schema.Value
		}
		m.params = append(m.params, pm)
	}
	segs := strings.Split(d.PathTemplate, "/")
	if last := segs[len(segs)-1]; len(segs) > 1 && strings.HasPrefix(last, "{") && strings.HasSuffix(last, "}") && strings.Count(last, "{") == 1 {
		m.collection = strings.Join(segs[:len(segs)-1], "/")
		if m.collection == "" {
			m.collection = "/"
		}
		m.idParam = last[1 : len(last)-1]
	}
	for _, p := range m.params {
		m.defects = append(m.defects, paramDefects(p)...)
	}
	if rb := d.RequestBody; rb != nil {
		m.bodyReq = rb.Required
		for _, name := range sortedMedia(rb.Content) {
			if isJSON(name) {
				m.media, m.hasBody = name, true
				if mt := rb.Content[name]; mt != nil && mt.Schema != nil {
					m.body = mt.Schema.Value
				}
				break
			}
		}
		if m.hasBody {
			m.defects = append(m.defects,
				defect{place: inRaw, what: "malformed JSON"},
				defect{place: inMedia, what: "a media type the operation does not document", value: "text/plain"})
			if m.bodyReq {
				m.defects = append(m.defects, defect{place: inBody, what: "the body is required", remove: true})
			}
			m.defects = bodyDefects(m.body, "", 0, m.defects)
		} else if m.bodyReq {
			m.validDead = true // only media types it cannot write
		}
	}
	return m
}

func sortedMedia(c openapi3.Content) []string {
	names := make([]string, 0, len(c))
	for n := range c {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func isJSON(media string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(media), ";")
	mt = strings.TrimSpace(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// Next draws the next request; nil when no operation can give one.
func (g *Generator) Next() *Request {
	for range len(g.order) {
		i := g.n
		g.n++
		rnd := rand.New(rand.NewPCG(g.seed, uint64(i)+1))
		m := g.order[i%len(g.order)]
		valid := rnd.IntN(2) == 0
		if r := g.draw(m, rnd, valid, i); r != nil {
			return r
		}
		if r := g.draw(m, rnd, !valid, i); r != nil {
			return r
		}
	}
	return nil
}

// draw makes a valid or an invalid request for m; nil when it cannot.
func (g *Generator) draw(m *opModel, rnd *rand.Rand, valid bool, seq int) *Request {
	if valid {
		if m.validDead {
			return nil
		}
		for try := range 6 {
			in := g.validInput(m, rnd, try == 5)
			if r := g.build(m, in, nil, seq); g.accepts(r) {
				return r
			}
		}
		m.validDead = true
		return nil
	}
	for range len(m.defects) {
		k := m.cursor % len(m.defects)
		m.cursor++
		if m.dead[k] {
			continue
		}
		d := &m.defects[k]
		base := g.validInput(m, rnd, false)
		in := g.applyDefect(m, base, d, rnd)
		if r := g.build(m, in, d, seq); g.refuses(r) {
			return r
		}
		// The spec does not call this invalid (or it cannot be sent):
		// not a defect to test.
		m.dead[k] = true
	}
	return nil
}

func (g *Generator) gen(m *opModel, rnd *rand.Rand, minimal bool) *valueGen {
	vg := &valueGen{rnd: rnd, minimal: minimal}
	if g.fill != nil {
		op := m.doc.ID
		vg.fill = func(ptr string) (any, bool) { return g.fill(op, ptr) }
	}
	return vg
}

// validInput makes a valid input for m; minimal leaves out every optional
// part.
func (g *Generator) validInput(m *opModel, rnd *rand.Rand, minimal bool) *input {
	vg := g.gen(m, rnd, minimal)
	in := &input{set: make([]bool, len(m.params)), vals: make([][]string, len(m.params)), media: m.media}
	for i, p := range m.params {
		if !p.required && (minimal || rnd.IntN(2) == 0) {
			continue
		}
		if p.in == openapi3.ParameterInPath && p.name == m.idParam {
			if id, ok := g.knownID(m, rnd); ok {
				in.set[i], in.vals[i] = true, []string{id}
				if in.ids == nil {
					in.ids = map[string]bool{}
				}
				in.ids[p.name] = true
				continue
			}
		}
		in.set[i], in.vals[i] = true, g.paramValue(vg, m, p)
	}
	if m.hasBody && (m.bodyReq || minimal || rnd.IntN(4) != 0) {
		if m.bodyReq || !minimal {
			in.body, in.hasBody = vg.value(m.body, "", 0), true
			in.body = dropOmitted(in.body)
		}
	}
	return in
}

func (g *Generator) paramValue(vg *valueGen, m *opModel, p *param) []string {
	where := p.pointer()
	if vg.fill != nil {
		if v, ok := g.fill(m.doc.ID, where); ok {
			return []string{paramText(v)}
		}
	}
	saved := vg.fill
	vg.fill = nil
	v := vg.value(p.schema, "", 1)
	vg.fill = saved
	if arr, ok := v.([]any); ok && p.in == openapi3.ParameterInQuery && p.explode {
		out := make([]string, len(arr))
		for i, x := range arr {
			out[i] = paramText(x)
		}
		return out
	}
	return []string{paramTextStyle(v, p.style)}
}

// knownID picks an id the run may use in m's path: one it created, or for
// a read one it saw listed.
func (g *Generator) knownID(m *opModel, rnd *rand.Rand) (string, bool) {
	if m.collection == "" {
		return "", false
	}
	read := m.doc.Method == http.MethodGet || m.doc.Method == http.MethodHead
	var ok []string
	for _, k := range g.ids[m.collection] {
		if k.created || read {
			ok = append(ok, k.id)
		}
	}
	if len(ok) == 0 || m.doc.Method == http.MethodDelete && len(ok) < 2 {
		// A delete leaves the last item for the other operations.
		return "", false
	}
	return ok[rnd.IntN(len(ok))], true
}

func (g *Generator) applyDefect(m *opModel, in *input, d *defect, rnd *rand.Rand) *input {
	switch d.place {
	case inParam:
		for i, p := range m.params {
			if p != d.param {
				continue
			}
			if p.in == openapi3.ParameterInPath {
				delete(in.ids, p.name) // never a real id in a negative case
			}
			if d.remove {
				in.set[i], in.vals[i] = false, nil
			} else {
				in.set[i], in.vals[i] = true, []string{d.value.(string)}
			}
		}
	case inMedia:
		if !in.hasBody {
			in.body, in.hasBody = g.gen(m, rnd, true).value(m.body, "", 0), true
			in.body = dropOmitted(in.body)
		}
		in.media = d.value.(string)
	case inRaw:
		if !in.hasBody {
			in.body, in.hasBody = g.gen(m, rnd, true).value(m.body, "", 0), true
			in.body = dropOmitted(in.body)
		}
		b, _ := marshal(in.body)
		in.raw = b[:len(b)-1]
		if len(in.raw) == 0 {
			in.raw = []byte("{")
		}
		d.value = in.raw
	case inBody:
		if d.pointer == "" && d.remove {
			in.body, in.hasBody, in.noBody = nil, false, true
			break
		}
		if !in.hasBody {
			in.body, in.hasBody = g.gen(m, rnd, true).value(m.body, "", 0), true
			in.body = dropOmitted(in.body)
		}
		in.body = setPointer(in.body, m.body, d.pointer, d.value, d.remove, g.gen(m, rnd, true))
	}
	return in
}

// build writes in as a request.
func (g *Generator) build(m *opModel, in *input, d *defect, seq int) *Request {
	r := &Request{Seq: seq, Operation: m.doc.ID, Method: m.doc.Method, PathTemplate: m.doc.PathTemplate,
		Query: url.Values{}, Header: http.Header{}, Valid: d == nil, op: m, in: in, def: d}
	path := m.doc.PathTemplate
	var cookies []string
	for i, p := range m.params {
		if !in.set[i] {
			continue
		}
		vals := in.vals[i]
		switch p.in {
		case openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+p.name+"}", url.PathEscape(strings.Join(vals, ",")))
			if p.name == m.idParam && !in.ids[p.name] {
				r.MadeUpID = true
			}
		case openapi3.ParameterInQuery:
			r.Query[p.name] = append([]string(nil), vals...)
		case openapi3.ParameterInHeader:
			r.Header.Set(p.name, strings.Join(vals, ","))
		case openapi3.ParameterInCookie:
			cookies = append(cookies, p.name+"="+strings.Join(vals, ","))
		}
	}
	if strings.Contains(path, "{") {
		r.MadeUpID = true
	}
	if len(cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	r.Path = path
	switch {
	case in.raw != nil:
		r.Body = in.raw
	case in.hasBody:
		r.Body, _ = marshal(in.body)
	}
	if r.Body != nil {
		r.Header.Set("Content-Type", in.media)
	}
	if d != nil {
		r.Defect, r.Where, r.Value = d.describe(), d.where(), d.shown()
		if d.remove {
			r.Value = "absent"
		}
	}
	return r
}

// exchange is r as the engine judges a request.
func (g *Generator) exchange(r *Request) *conformance.Exchange {
	u := &url.URL{Path: g.base + r.Path, RawQuery: r.Query.Encode()}
	if p, err := url.PathUnescape(u.Path); err == nil {
		u.Path = p
		u.RawPath = g.base + r.Path
	}
	return &conformance.Exchange{
		Request:   conformance.Request{Method: r.Method, URL: u, Header: r.Header, Body: r.Body},
		Operation: r.Operation,
	}
}

// judged lists the engine's findings on r, leaving out the credentials:
// those are the sender's to add.
func (g *Generator) judged(r *Request) []conformance.Finding {
	fs := g.eng.ValidateRequest(g.exchange(r))
	out := fs[:0]
	for _, f := range fs {
		if f.Rule != conformance.RuleRequestSecurity {
			out = append(out, f)
		}
	}
	return out
}

// accepts says whether the engine finds r valid.
func (g *Generator) accepts(r *Request) bool { return len(g.judged(r)) == 0 }

// refuses says whether the engine finds r invalid by an error.
func (g *Generator) refuses(r *Request) bool {
	for _, f := range g.judged(r) {
		if f.Severity == conformance.SeverityError {
			return true
		}
	}
	return false
}

// Found says r broke the contract: an invalid request accepted. Its
// defect is not drawn again, so that the rest of the run looks elsewhere
// and a report names each acceptance once.
func (g *Generator) Found(r *Request) {
	if r == nil || r.def == nil {
		return
	}
	m := r.op
	for k := range m.defects {
		if &m.defects[k] == r.def {
			m.dead[k] = true
		}
	}
}

// Observe learns from an answer: the id of an item a create made (for the
// paths of later requests) or the ids of a listed collection (for later
// reads), and forgets an id deleted.
func (g *Generator) Observe(r *Request, status int, body []byte) {
	if status < 200 || status > 299 {
		return
	}
	m := r.op
	switch {
	case m.doc.Method == http.MethodPost && g.hasItems(m.doc.PathTemplate):
		if id := idOf(body); id != "" {
			g.remember(m.doc.PathTemplate, id, true)
		}
	case m.doc.Method == http.MethodGet && g.hasItems(m.doc.PathTemplate):
		for _, id := range listedIDs(body) {
			g.remember(m.doc.PathTemplate, id, false)
		}
	case m.doc.Method == http.MethodDelete && m.collection != "" && r.in.ids[m.idParam]:
		id, _ := url.PathUnescape(r.Path[strings.LastIndexByte(r.Path, '/')+1:])
		list := g.ids[m.collection]
		for i, k := range list {
			if k.id == id {
				g.ids[m.collection] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
	}
}

func (g *Generator) hasItems(collection string) bool {
	for _, m := range g.ops {
		if m.collection == collection {
			return true
		}
	}
	return false
}

const maxKnownIDs = 64

func (g *Generator) remember(collection, id string, created bool) {
	list := g.ids[collection]
	for i, k := range list {
		if k.id == id {
			list[i].created = list[i].created || created
			return
		}
	}
	if len(list) >= maxKnownIDs {
		// Keep what the run made: those may be written to.
		for i, k := range list {
			if !k.created {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) >= maxKnownIDs {
			return
		}
	}
	g.ids[collection] = append(list, knownID{id: id, created: created})
}

// Created lists the DELETE requests of items the run created and has not
// seen deleted, for a layer that cleans up by the spec's own operations.
func (g *Generator) Created() []*Request {
	var out []*Request
	for _, m := range g.ops {
		if m.doc.Method != http.MethodDelete || m.collection == "" {
			continue
		}
		for _, k := range g.ids[m.collection] {
			if !k.created {
				continue
			}
			in := &input{set: make([]bool, len(m.params)), vals: make([][]string, len(m.params)), ids: map[string]bool{m.idParam: true}}
			vg := g.gen(m, rand.New(rand.NewPCG(g.seed, 0)), true)
			for i, p := range m.params {
				switch {
				case p.in == openapi3.ParameterInPath && p.name == m.idParam:
					in.set[i], in.vals[i] = true, []string{k.id}
				case p.required:
					in.set[i], in.vals[i] = true, g.paramValue(vg, m, p)
				}
			}
			out = append(out, g.build(m, in, nil, -1))
		}
	}
	return out
}

func idOf(body []byte) string {
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &v) != nil || len(v.ID) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v.ID, &s) == nil {
		return s
	}
	if _, err := strconv.ParseFloat(string(v.ID), 64); err == nil {
		return string(v.ID)
	}
	return ""
}

// listedIDs reads the ids of a list answer: an array of objects, or an
// object holding one (items, data, results, ...).
func listedIDs(body []byte) []string {
	var arr []json.RawMessage
	if json.Unmarshal(body, &arr) != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil {
			return nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if json.Unmarshal(obj[k], &arr) == nil && len(arr) > 0 {
				break
			}
		}
	}
	var out []string
	for _, x := range arr {
		if id := idOf(x); id != "" {
			out = append(out, id)
		}
		if len(out) == 16 {
			break
		}
	}
	return out
}

// marshal writes v as JSON without escaping HTML characters.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// paramText writes a parameter's value as a form-style text.
func paramText(v any) string { return paramTextStyle(v, "form") }

func paramTextStyle(v any, style string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		sep := ","
		switch style {
		case "spaceDelimited":
			sep = " "
		case "pipeDelimited":
			sep = "|"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = paramText(e)
		}
		return strings.Join(parts, sep)
	}
	b, _ := marshal(v)
	return string(b)
}
