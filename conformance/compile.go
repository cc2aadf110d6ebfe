package conformance

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// operation is one documented operation, compiled.
type operation struct {
	Operation
	byStatus map[int]*response
	byRange  [6]*response // "1XX" .. "5XX"
	fallback *response    // "default"
	statuses string       // the documented statuses, for messages
	req      *requestContract
	// item and op are the path item and operation it was compiled from.
	item *openapi3.PathItem
	op   *openapi3.Operation

	// Of a document compiled lazily (lazyspec.go): compiled once, on first
	// use; where the index holds it; why it cannot be judged, when its
	// description cannot be read.
	once        sync.Once
	path, index int
	broken      string

	// coverage: the operation's slot, its documented responses and the
	// schemas of its request body (see covPlan).
	cov        int32
	covKeys    []covKey
	covReqBody []string
}

// response is what one documented status promises.
type response struct {
	noContent bool
	media     []mediaSpec
	jsonMedia *mediaSpec // the one JSON media type, when there is exactly one
	expected  string     // documented media types, for messages
	headers   []headerSpec
	cov       int32 // the response's slot in a Coverage
}

type mediaSpec struct {
	name     string // lower case, without parameters: "application/json", "application/*"
	typ, sub string
	json     bool
	body     *schemaNode // nil: the body is not judged against a schema
}

// compile builds the router and the operations of a document loaded
// whole. It never fails: what it cannot use (a server URL without a path
// it can read, a response key that is no status, an operationId used
// twice) becomes a spec note and is worked around.
func (e *Engine) compile() {
	var bases []string
	for _, srv := range e.doc.Servers {
		bases = e.addBase(bases, srv)
	}
	if len(bases) == 0 {
		bases = []string{"/"}
	}
	e.routes = newRouter(bases)
	e.ops = map[string]*operation{}
	sc := newSchemaCompiler(e.dialect)
	sc.judgeCombinators = e.judgeComb
	paths := e.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, tmpl := range paths {
		item := e.doc.Paths.Value(tmpl)
		methods := make([]string, 0, 8)
		for method := range item.Operations() {
			methods = append(methods, method)
		}
		sort.Strings(methods)
		for _, method := range methods {
			op := item.Operations()[method]
			method = strings.ToUpper(method)
			o := &operation{Operation: Operation{Method: method, PathTemplate: tmpl}, byStatus: map[int]*response{}}
			o.ID = e.operationID(op.OperationID, method, tmpl)
			e.notes = compileOperation(o, e.doc, item, op, sc, e.routes.bases, e.notes)
			e.ops[o.ID] = o
			e.routes.add(tmpl, method, o)
		}
	}
}

// addBase adds the base path of srv to bases, noting a URL it cannot read.
func (e *Engine) addBase(bases []string, srv *openapi3.Server) []string {
	bp, ok := serverBasePath(srv)
	if !ok {
		e.notes = append(e.notes, specNote(RuleSpecServer, "servers", "cannot read a base path from URL "+strconv.Quote(srv.URL)+"; it is matched as /"))
		bp = "/"
	}
	return append(bases, bp)
}

// operationID is the name the engine knows an operation by: its
// operationId, or METHOD /path when it has none or when an operation met
// before has the same one (noted).
func (e *Engine) operationID(opID, method, tmpl string) string {
	id := opID
	if id == "" {
		id = method + " " + tmpl
	}
	if first, dup := e.ops[id]; dup {
		// The operation stays reachable by its method and path.
		e.notes = append(e.notes, specNote(RuleSpecOperationID, method+" "+tmpl,
			"operationId "+strconv.Quote(id)+" is also "+first.Method+" "+first.PathTemplate+"'s; this operation is known as "+strconv.Quote(method+" "+tmpl)))
		id = method + " " + tmpl
	}
	return id
}

// compileOperation compiles the responses and the request of op into o,
// adding to notes what it cannot use.
func compileOperation(o *operation, doc *openapi3.T, item *openapi3.PathItem, op *openapi3.Operation, sc *schemaCompiler, bases [][]string, notes []Finding) []Finding {
	method, tmpl := o.Method, o.PathTemplate
	var statuses []string
	if op.Responses != nil {
		for code, ref := range op.Responses.Map() {
			if ref == nil || ref.Value == nil {
				continue
			}
			r := compileResponse(ref.Value, sc)
			switch {
			case code == "default":
				o.fallback = r
			case len(code) == 3 && (code[1] == 'X' || code[1] == 'x') && (code[2] == 'X' || code[2] == 'x') && code[0] >= '1' && code[0] <= '5':
				o.byRange[code[0]-'0'] = r
			default:
				n, err := strconv.Atoi(code)
				if err != nil || n < 100 || n > 599 {
					notes = append(notes, specNote(RuleSpecResponse, method+" "+tmpl, "response key "+strconv.Quote(code)+" is not a status; it is ignored"))
					continue
				}
				o.byStatus[n] = r
			}
			statuses = append(statuses, code)
		}
	}
	req, problems := compileRequest(doc, o.ID, tmpl, item, op, sc, bases)
	for _, p := range problems {
		notes = append(notes, specNote(RuleSpecInvalid, method+" "+tmpl, p))
	}
	o.req = req
	o.item, o.op = item, op
	sort.Strings(statuses)
	o.statuses = strings.Join(statuses, ", ")
	return notes
}

func (o *operation) response(status int) *response {
	if r := o.byStatus[status]; r != nil {
		return r
	}
	if status >= 100 && status < 600 {
		if r := o.byRange[status/100]; r != nil {
			return r
		}
	}
	return o.fallback
}

func compileResponse(r *openapi3.Response, sc *schemaCompiler) *response {
	out := &response{noContent: len(r.Content) == 0}
	names := make([]string, 0, len(r.Content))
	for name := range r.Content {
		names = append(names, name)
	}
	sort.Strings(names)
	jsonCount := 0
	for _, name := range names {
		mt := r.Content[name]
		lower := strings.ToLower(strings.TrimSpace(name))
		if i := strings.IndexByte(lower, ';'); i >= 0 {
			lower = strings.TrimSpace(lower[:i])
		}
		typ, sub, _ := strings.Cut(lower, "/")
		ms := mediaSpec{name: lower, typ: typ, sub: sub, json: isJSONMedia(lower)}
		if ms.json && mt != nil && mt.Schema != nil {
			ms.body = sc.ref(mt.Schema)
		}
		if ms.json {
			jsonCount++
		}
		out.media = append(out.media, ms)
	}
	if jsonCount == 1 {
		for i := range out.media {
			if out.media[i].json {
				out.jsonMedia = &out.media[i]
			}
		}
	}
	out.expected = strings.Join(names, ", ")
	hnames := make([]string, 0, len(r.Headers))
	for name := range r.Headers {
		hnames = append(hnames, name)
	}
	sort.Strings(hnames)
	for _, name := range hnames {
		ref := r.Headers[name]
		if ref == nil || ref.Value == nil || strings.EqualFold(name, "Content-Type") {
			// OpenAPI: a Content-Type response header definition is ignored.
			continue
		}
		hs := headerSpec{name: name, key: http.CanonicalHeaderKey(name), required: ref.Value.Required}
		if s := ref.Value.Schema; s != nil && s.Value != nil {
			if n := sc.ref(s); n != nil && (n.slow || n.comb != nil || n.enumAny != nil || !n.allows(tString) || n.needsString()) {
				hs.node = n // something to check beyond "it is text"
				hs.kind = kindOf(s.Value)
				switch {
				case s.Value.Type.Permits(openapi3.TypeObject) && !s.Value.Type.Permits(openapi3.TypeString):
					hs.object, hs.explode = s.Value, ref.Value.Explode != nil && *ref.Value.Explode
				case hs.kind == kindArray && s.Value.Items != nil && s.Value.Items.Value != nil:
					hs.itemKind = kindOf(s.Value.Items.Value)
				}
			}
		}
		out.headers = append(out.headers, hs)
	}
	return out
}

// isJSONMedia: application/json, any +json suffix, and wildcards that
// admit JSON are read as JSON.
func isJSONMedia(lower string) bool {
	return lower == "application/json" || strings.HasSuffix(lower, "+json") ||
		lower == "application/*" || lower == "*/*"
}
