package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// requestContract is what one operation asks of a request, compiled at New:
// its parameters, the credentials its security requirement names and its
// body. Parameter values and bodies are judged by the same compiled schema
// nodes and single-pass scanner as response bodies.
type requestContract struct {
	id       string
	template []string // the path template's segments, for path parameters
	bases    [][]string
	params   []paramSpec
	// security holds the alternatives of the security requirement; one
	// satisfied alternative suffices. Empty: no credential is needed.
	security         []securityAlt
	securityExpected string
	body             *requestBodySpec // nil: the operation documents no body
}

type requestBodySpec struct {
	required bool
	content  *response // the documented media types, compiled as a response's are
}

type paramKind uint8

const (
	kindString paramKind = iota
	kindNumber
	kindInteger // written as digits only: "1e2" or "5.0" is not an integer a server parses
	kindBoolean
	kindArray
)

// paramSpec is one documented parameter.
type paramSpec struct {
	name, in string
	key      string // header: the canonical name
	required bool
	explode  bool
	delim    byte // the separator of a non-exploded array
	kind     paramKind
	itemKind paramKind
	node     *schemaNode // nil: no schema, any value
	// kin is set for what the fast path leaves to openapi3filter: content
	// parameters, objects, deepObject, label and matrix styles.
	kin *openapi3.Parameter
	// path parameters: the template segment holding it and the literal
	// text around it there.
	seg            int
	prefix, suffix string

	where   string // "query parameter max", for messages
	pointer string // "query:max"
	cov     int32  // its bit in a Coverage
}

// securityAlt is one alternative of a security requirement: every check
// must hold.
type securityAlt []securityCheck

type securityCheck struct {
	in, name string // header, query or cookie; the header, parameter or cookie name
	scheme   string // for Authorization: the auth-scheme, lower case ("bearer")
}

// compileRequest compiles the request half of op (path-level parameters
// from item, overridden by the operation's own). What it cannot compile (a
// parameter in no known place, an undefined security scheme) is left out
// and described in problems.
func compileRequest(doc *openapi3.T, id, template string, item *openapi3.PathItem, op *openapi3.Operation, sc *schemaCompiler, bases [][]string) (c *requestContract, problems []string) {
	c = &requestContract{id: id, template: splitSegments(template), bases: bases}
	var params []*openapi3.Parameter
	seen := map[string]int{}
	add := func(list openapi3.Parameters) {
		for _, ref := range list {
			if ref == nil || ref.Value == nil {
				continue
			}
			p := ref.Value
			k := p.In + "\x00" + p.Name
			if i, ok := seen[k]; ok {
				params[i] = p
				continue
			}
			seen[k] = len(params)
			params = append(params, p)
		}
	}
	if item != nil {
		add(item.Parameters)
	}
	add(op.Parameters)
	for _, p := range params {
		ps, skip, err := c.compileParam(p, sc)
		if err != nil {
			problems = append(problems, "parameter "+strconv.Quote(p.Name)+": "+err.Error()+"; it is not judged")
			continue
		}
		if !skip {
			c.params = append(c.params, ps)
		}
	}
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if err := c.compileSecurity(doc, reqs); err != nil {
		problems = append(problems, err.Error()+"; the security requirement is not judged")
		c.security, c.securityExpected = nil, ""
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		c.body = &requestBodySpec{required: rb.Required, content: compileResponse(&openapi3.Response{Content: rb.Content}, sc)}
	}
	return c, problems
}

func (c *requestContract) compileParam(p *openapi3.Parameter, sc *schemaCompiler) (ps paramSpec, skip bool, err error) {
	ps = paramSpec{name: p.Name, in: p.In, required: p.Required || p.In == openapi3.ParameterInPath}
	ps.where = p.In + " parameter " + p.Name
	ps.pointer = p.In + ":" + p.Name
	switch p.In {
	case openapi3.ParameterInHeader:
		ps.key = http.CanonicalHeaderKey(p.Name)
		switch ps.key {
		case "Accept", "Content-Type", "Authorization":
			// OpenAPI 3.0: these header parameters are ignored.
			return ps, true, nil
		}
		ps.pointer = "header:" + p.Name
	case openapi3.ParameterInPath:
		ps.seg = -1
		for i, seg := range c.template {
			if open := strings.Index(seg, "{"+p.Name+"}"); open >= 0 {
				ps.seg, ps.prefix, ps.suffix = i, seg[:open], seg[open+len(p.Name)+2:]
			}
		}
		if ps.seg < 0 {
			return ps, true, nil // not in this template (a callback has none)
		}
	case openapi3.ParameterInQuery, openapi3.ParameterInCookie:
	default:
		return ps, false, fmt.Errorf("in %q is not path, query, header or cookie", p.In)
	}
	sm, err := p.SerializationMethod()
	if err != nil {
		return ps, false, err
	}
	ps.explode = sm.Explode
	switch sm.Style {
	case openapi3.SerializationSpaceDelimited:
		ps.delim = ' '
	case openapi3.SerializationPipeDelimited:
		ps.delim = '|'
	case openapi3.SerializationForm, openapi3.SerializationSimple:
		ps.delim = ','
	default:
		ps.kin = p
	}
	if p.Content != nil {
		ps.kin = p
		return ps, false, nil
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return ps, false, nil
	}
	s := p.Schema.Value
	ps.node = sc.ref(p.Schema)
	ps.kind = kindOf(s)
	switch {
	case s.Type.Permits(openapi3.TypeObject) && !s.Type.Permits(openapi3.TypeString):
		ps.kin = p
	case ps.kind == kindArray:
		if s.Items == nil || s.Items.Value == nil {
			ps.itemKind = kindString
			break
		}
		ps.itemKind = kindOf(s.Items.Value)
		if ps.itemKind == kindArray || s.Items.Value.Type.Permits(openapi3.TypeObject) && !s.Items.Value.Type.Permits(openapi3.TypeString) {
			ps.kin = p
		}
	}
	return ps, false, nil
}

// kindOf says how a parameter's text is read: as the first of its schema's
// types that is not text, or as text.
func kindOf(s *openapi3.Schema) paramKind {
	t := s.Type
	switch {
	case t == nil || t.Permits(openapi3.TypeString):
		return kindString
	case t.Permits(openapi3.TypeArray):
		return kindArray
	case t.Permits(openapi3.TypeNumber):
		return kindNumber
	case t.Permits(openapi3.TypeInteger):
		return kindInteger
	case t.Permits(openapi3.TypeBoolean):
		return kindBoolean
	}
	return kindString
}

func (c *requestContract) compileSecurity(doc *openapi3.T, reqs openapi3.SecurityRequirements) error {
	var names []string
	for _, req := range reqs {
		if len(req) == 0 {
			// An empty requirement lets the request go without credentials.
			c.security, c.securityExpected = nil, ""
			return nil
		}
		keys := make([]string, 0, len(req))
		for name := range req {
			keys = append(keys, name)
		}
		sort.Strings(keys)
		var alt securityAlt
		var parts []string
		for _, name := range keys {
			var ss *openapi3.SecurityScheme
			if doc.Components != nil {
				if ref := doc.Components.SecuritySchemes[name]; ref != nil {
					ss = ref.Value
				}
			}
			if ss == nil {
				return fmt.Errorf("security scheme %q is not defined", name)
			}
			chk := securityCheck{in: "header", name: "Authorization", scheme: "bearer"}
			switch ss.Type {
			case "http":
				chk.scheme = strings.ToLower(ss.Scheme)
			case "apiKey":
				chk = securityCheck{in: ss.In, name: ss.Name}
			}
			alt = append(alt, chk)
			parts = append(parts, chk.describe())
		}
		c.security = append(c.security, alt)
		names = append(names, strings.Join(parts, " and "))
	}
	c.securityExpected = strings.Join(names, ", or ")
	return nil
}

func (k securityCheck) describe() string {
	switch {
	case k.scheme != "":
		return "Authorization: " + strings.ToUpper(k.scheme[:1]) + k.scheme[1:] + " <credential>"
	case k.in == "header":
		return "header " + k.name
	}
	return k.in + " parameter " + k.name
}

// Validation.

var paramBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// judgeRequest applies every request rule of c to r.
func (e *Engine) judgeRequest(out []Finding, c *requestContract, r *Request, cov *Coverage) []Finding {
	h := canonicalHeader(r.Header)
	rawQuery, rawPath := "", ""
	if r.URL != nil {
		rawQuery, rawPath = r.URL.RawQuery, r.URL.EscapedPath()
	}
	rest, pathOK := c.matchPath(rawPath)
	bp := paramBufs.Get().(*[]byte)
	var vals [4]string
	for i := range c.params {
		p := &c.params[i]
		if p.kin != nil {
			if cov != nil && paramPresent(p, r, h, pathOK) {
				cov.mark(p.cov)
			}
			out = e.judgeParamKin(out, c, p, r, h, rest, pathOK)
			continue
		}
		var got []string
		badEscape := false
		switch p.in {
		case openapi3.ParameterInQuery:
			got, badEscape = queryValues(rawQuery, p.name, vals[:0])
		case openapi3.ParameterInHeader:
			got = h[p.key]
		case openapi3.ParameterInCookie:
			got = cookieValues(h, p.name, vals[:0])
		case openapi3.ParameterInPath:
			if !pathOK {
				continue // the path is not this template's (validate --operation): nothing to judge
			}
			v, ok := pathValue(rest, p)
			if !ok {
				badEscape = true
			}
			got = append(vals[:0], v)
		}
		if len(got) > 0 {
			cov.mark(p.cov)
		}
		out, *bp = e.judgeParam(out, c, p, got, badEscape, (*bp)[:0], cov)
	}
	if cap(*bp) <= 64<<10 {
		paramBufs.Put(bp)
	}
	out = c.checkSecurity(out, h, rawQuery)
	return e.checkRequestBody(out, c, r, h, cov)
}

// judgeParam judges the values one parameter was given, each rendered as
// the JSON value its schema reads it as and scanned with the schema's
// compiled node.
func (e *Engine) judgeParam(out []Finding, c *requestContract, p *paramSpec, got []string, badEscape bool, buf []byte, cov *Coverage) ([]Finding, []byte) {
	switch {
	case len(got) == 0:
		if p.required {
			out = append(out, findingAt(RuleRequestParameter, c.id, 0, p.pointer, "required "+p.where+" is absent", "present", "absent"))
		}
		return out, buf
	case badEscape:
		return append(out, findingAt(RuleRequestParameter, c.id, 0, p.pointer, p.where+" is not validly percent-encoded",
			"RFC 3986 percent-encoding", shortenString(strings.Join(got, ",")))), buf
	case p.kind != kindArray && len(got) > 1 && p.in != openapi3.ParameterInHeader:
		return append(out, findingAt(RuleRequestParameter, c.id, 0, p.pointer, p.where+" is given "+strconv.Itoa(len(got))+" times; its schema takes one value",
			"one value", strconv.Itoa(len(got))+" values")), buf
	case p.node == nil:
		return out, buf
	}
	if p.kind != kindArray {
		for _, v := range got {
			buf = appendParamJSON(buf[:0], p.kind, v)
			out = e.judgeParamJSON(out, c, p, buf, cov)
		}
		return out, buf
	}
	buf = append(buf[:0], '[')
	n := 0
	item := func(v string) {
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = appendParamJSON(buf, p.itemKind, v)
		n++
	}
	split := !p.explode || p.in == openapi3.ParameterInHeader || p.in == openapi3.ParameterInPath
	for _, v := range got {
		if !split {
			item(v)
			continue
		}
		for {
			part, tail, more := strings.Cut(v, string(p.delim))
			item(part)
			if !more {
				break
			}
			v = tail
		}
	}
	buf = append(buf, ']')
	return e.judgeParamJSON(out, c, p, buf, cov), buf
}

// judgeParamJSON scans a parameter's value rendered as JSON at the
// parameter's site: whatever it breaks is request.parameter.
func (e *Engine) judgeParamJSON(out []Finding, c *requestContract, p *paramSpec, doc []byte, cov *Coverage) []Finding {
	return e.scanJSON(out, p.node, doc, p.site(c), cov)
}

// site is where p's values are judged.
func (p *paramSpec) site(c *requestContract) site {
	return site{loc: requestParameter, op: c.id, pointer: p.pointer, label: p.where}
}

// appendParamJSON renders a parameter's text as the JSON value of kind
// k: a number or boolean as itself when it is one, anything else as a
// string, so the scanner reports the wrong type with the text as sent.
func appendParamJSON(dst []byte, k paramKind, v string) []byte {
	switch k {
	case kindNumber:
		if n, ok := jsonNumber(v); ok {
			return append(dst, n...)
		}
	case kindInteger:
		if n, ok := jsonNumber(v); ok && strings.IndexAny(n, ".eE") < 0 {
			return append(dst, n...)
		}
	case kindBoolean:
		if v == "true" || v == "false" {
			return append(dst, v...)
		}
	}
	return appendJSONString(dst, v)
}

// jsonNumber accepts what a server's number parser takes in a query
// ("+5", "007") and returns it as RFC 8259 writes it.
func jsonNumber(v string) (string, bool) {
	v = strings.TrimPrefix(v, "+")
	neg := strings.HasPrefix(v, "-")
	digits := strings.TrimPrefix(v, "-")
	for len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
		digits = digits[1:]
	}
	if neg {
		v = "-" + digits
	} else {
		v = digits
	}
	if !isJSONNumber(v) {
		return "", false
	}
	return v, true
}

func isJSONNumber(v string) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	start := i
	i = skipDigits(v, i)
	if i == start || v[start] == '0' && i-start > 1 {
		return false
	}
	if i < len(v) && v[i] == '.' {
		if i+1 == skipDigits(v, i+1) {
			return false
		}
		i = skipDigits(v, i+1)
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if i == skipDigits(v, i) {
			return false
		}
		i = skipDigits(v, i)
	}
	return i == len(v)
}

func skipDigits(v string, i int) int {
	for i < len(v) && digit(v[i]) {
		i++
	}
	return i
}

// appendJSONString quotes v as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, v string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
			i++
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(v[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, v[i:i+size]...)
			}
			i += size
		}
	}
	return append(dst, '"')
}

// queryValues collects the values of name in a raw query, decoded; bad
// reports a value or key that is not validly percent-encoded (the raw
// text is kept).
func queryValues(raw, name string, dst []string) (vals []string, bad bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(pair, "=")
		if k != name {
			if strings.IndexByte(k, '%') < 0 && strings.IndexByte(k, '+') < 0 {
				continue
			}
			if uk, err := url.QueryUnescape(k); err != nil || uk != name {
				continue
			}
		}
		if strings.IndexByte(v, '%') >= 0 || strings.IndexByte(v, '+') >= 0 {
			uv, err := url.QueryUnescape(v)
			if err != nil {
				bad = true
			} else {
				v = uv
			}
		}
		dst = append(dst, v)
	}
	return dst, bad
}

// cookieValues collects the values of the cookie name (RFC 6265 section
// 5.4: "name=value" pairs separated by "; ").
func cookieValues(h http.Header, name string, dst []string) []string {
	for _, line := range h["Cookie"] {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if k == name {
				dst = append(dst, strings.Trim(v, `"`))
			}
		}
	}
	return dst
}

// matchPath cuts the base path off rawPath and reports whether the rest
// has the template's shape, so path parameters can be read from it.
func (c *requestContract) matchPath(rawPath string) (string, bool) {
	if rawPath == "" || len(c.template) == 0 {
		return "", false
	}
	for _, base := range c.bases {
		rest, ok := cutBase(rawPath, base)
		if !ok {
			continue
		}
		if c.shapeMatches(rest) {
			return rest, true
		}
	}
	return "", false
}

func (c *requestContract) shapeMatches(rest string) bool {
	for _, tseg := range c.template {
		if !strings.HasPrefix(rest, "/") {
			return false
		}
		rest = rest[1:]
		seg := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, rest = rest[:i], rest[i:]
		} else {
			rest = ""
		}
		open := strings.IndexByte(tseg, '{')
		if open < 0 {
			if !segEqual(seg, tseg) {
				return false
			}
			continue
		}
		closing := strings.LastIndexByte(tseg, '}')
		if closing < open || !strings.HasPrefix(seg, tseg[:open]) || !strings.HasSuffix(seg, tseg[closing+1:]) {
			return false
		}
	}
	return rest == ""
}

// pathValue reads p's value from rest, a path of the template's shape;
// ok is false when it is not validly percent-encoded (the raw text is
// returned).
func pathValue(rest string, p *paramSpec) (string, bool) {
	for i := 0; ; i++ {
		rest = rest[1:]
		seg := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			seg, rest = rest[:j], rest[j:]
		}
		if i < p.seg {
			continue
		}
		v := seg[len(p.prefix) : len(seg)-len(p.suffix)]
		if strings.IndexByte(v, '%') < 0 {
			return v, true
		}
		dec, err := url.PathUnescape(v)
		if err != nil {
			return v, false
		}
		return dec, true
	}
}

// judgeParamKin hands a parameter the fast path does not read to
// openapi3filter.ValidateParameter.
func (e *Engine) judgeParamKin(out []Finding, c *requestContract, p *paramSpec, r *Request, h http.Header, rest string, pathOK bool) []Finding {
	u := r.URL
	if u == nil {
		u = &url.URL{}
	}
	in := &openapi3filter.RequestValidationInput{
		Request: &http.Request{Method: r.Method, URL: u, Header: h},
		Options: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true},
	}
	if p.in == openapi3.ParameterInPath {
		if !pathOK {
			return out
		}
		v, _ := pathValue(rest, p)
		in.PathParams = map[string]string{p.name: v}
	}
	err := openapi3filter.ValidateParameter(context.Background(), in, p.kin)
	if err == nil {
		return out
	}
	var cause error = err
	if re, ok := err.(*openapi3filter.RequestError); ok {
		if re.Err != nil {
			cause = re.Err
		} else {
			cause = fmt.Errorf("%s", re.Reason)
		}
	}
	if cause == openapi3filter.ErrInvalidRequired {
		return append(out, findingAt(RuleRequestParameter, c.id, 0, p.pointer, "required "+p.where+" is absent", "present", "absent"))
	}
	st := p.site(c)
	for _, se := range flattenSchemaErrors(cause, nil) {
		out = append(out, st.make(schemaErrorIssue(se, "")))
	}
	return out
}

// checkSecurity applies request.security: some alternative of the
// security requirement has all its credentials present. Whether a
// credential is valid only the server can tell.
func (c *requestContract) checkSecurity(out []Finding, h http.Header, rawQuery string) []Finding {
	if len(c.security) == 0 {
		return out
	}
	for _, alt := range c.security {
		ok := true
		for _, k := range alt {
			if !k.present(h, rawQuery) {
				ok = false
				break
			}
		}
		if ok {
			return out
		}
	}
	f := findingAt(RuleRequestSecurity, c.id, 0, "", "the request carries none of the credentials the operation requires", c.securityExpected, "")
	first := c.security[0][0]
	switch {
	case first.scheme != "":
		f.Pointer = "header:Authorization"
		auth := strings.TrimSpace(firstValue(h["Authorization"]))
		scheme, cred, _ := strings.Cut(auth, " ")
		switch {
		case auth == "":
			f.Message, f.Actual = "the request has no Authorization header", "absent"
		case strings.TrimSpace(cred) == "":
			f.Message, f.Actual = "the Authorization header carries no credential", shortenString(scheme)+" with no credential"
		default:
			f.Message, f.Actual = "the Authorization header uses another scheme", "scheme "+shortenString(scheme)
		}
	case first.in == "header":
		f.Pointer, f.Actual = "header:"+first.name, "absent"
	default:
		f.Pointer, f.Actual = first.in+":"+first.name, "absent"
	}
	return append(out, f)
}

func firstValue(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}

func (k securityCheck) present(h http.Header, rawQuery string) bool {
	switch {
	case k.scheme != "":
		for _, v := range h["Authorization"] {
			scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " ")
			if ok && strings.EqualFold(scheme, k.scheme) && strings.TrimSpace(cred) != "" {
				return true
			}
		}
		return false
	case k.in == "header":
		return strings.TrimSpace(firstValue(h[http.CanonicalHeaderKey(k.name)])) != ""
	case k.in == "query":
		var vals [2]string
		got, _ := queryValues(rawQuery, k.name, vals[:0])
		return len(got) > 0 && got[0] != ""
	case k.in == "cookie":
		var vals [2]string
		got := cookieValues(h, k.name, vals[:0])
		return len(got) > 0 && got[0] != ""
	}
	return false
}

// checkRequestBody applies request.body.missing, request.body.empty,
// request.content-type and, through the scanner, the request.body rules
// of the documented schema.
func (e *Engine) checkRequestBody(out []Finding, c *requestContract, r *Request, h http.Header, cov *Coverage) []Finding {
	body := r.Body
	st := site{loc: requestBody, op: c.id}
	if c.body == nil {
		if len(body) > 0 {
			out = append(out, st.finding(issueEmpty, "", "a body is sent to an operation that documents none", "no body", strconv.Itoa(len(body))+" bytes"))
		}
		return out
	}
	if len(body) == 0 {
		if c.body.required {
			out = append(out, findingAt(RuleRequestBodyMissing, c.id, 0, "", "the operation requires a body and the request has none", c.body.content.expected, "no body"))
		}
		return out
	}
	out, m := checkMediaType(out, &st, c.body.content, firstValue(h["Content-Type"]))
	if m == nil {
		return out
	}
	return e.scanJSON(out, m.body, body, st, cov)
}

// RequestHeaderNames lists the request headers the request rules read
// (Authorization, Content-Type, Cookie, header parameters and API-key
// headers), canonical, so that a reader of recordings can keep only those.
func (e *Engine) RequestHeaderNames() []string { return append([]string(nil), e.reqHeaders...) }

func (e *Engine) collectRequestHeaders() {
	seen := map[string]bool{"Authorization": true, "Content-Type": true, "Cookie": true}
	for _, op := range e.ops {
		if op.req == nil {
			continue
		}
		for _, p := range op.req.params {
			if p.in == openapi3.ParameterInHeader {
				seen[p.key] = true
			}
		}
		for _, alt := range op.req.security {
			for _, k := range alt {
				if k.in == "header" {
					seen[http.CanonicalHeaderKey(k.name)] = true
				}
			}
		}
	}
	for name := range seen {
		e.reqHeaders = append(e.reqHeaders, name)
	}
	sort.Strings(e.reqHeaders)
}

// ValidateRequest judges the request of x against its operation
// (Exchange.Operation, or found from the request's method and path): its
// path, query, header and cookie parameters, the credentials the security
// requirement asks for, the media type and the body, and returns the
// findings (rules request.*), redacted, without a status. A request no
// documented operation matches gets operation.unknown: an undocumented
// method or path is the client's finding, whatever the server answered.
// It never panics and keeps no state between calls.
func (e *Engine) ValidateRequest(x *Exchange) (out []Finding) {
	if x == nil {
		return nil
	}
	op, pathKnown := e.resolve(x)
	return e.validateRequest(x, op, pathKnown)
}

func (e *Engine) validateRequest(x *Exchange, op *operation, pathKnown bool) (out []Finding) {
	defer func() {
		if r := recover(); r != nil {
			out = []Finding{findingAt(RuleEngineInternal, "", 0, "", shortenString(fmt.Sprintf("the engine failed on this request: %v", r)), "", "")}
		}
		e.finishFindings(out, x)
	}()
	if op == nil {
		return append(out, e.unknownOperation(x, pathKnown))
	}
	if op.broken != "" {
		return append(out, op.brokenFinding(0))
	}
	if op.req == nil {
		return nil
	}
	x.Coverage.request(op)
	return e.judgeRequest(out, op.req, &x.Request, x.Coverage)
}

// ValidateExchange judges both halves of x: the request's findings
// (ValidateRequest) first, then the response's (ValidateResponse). An
// exchange whose operation is unknown has the one finding
// operation.unknown, of the request.
func (e *Engine) ValidateExchange(x *Exchange) []Finding {
	if x == nil {
		return nil
	}
	op, pathKnown := e.resolve(x)
	if op != nil && op.broken != "" {
		return []Finding{op.brokenFinding(x.Response.Status)}
	}
	out := e.validateRequest(x, op, pathKnown)
	if op == nil {
		x.Coverage.unknown()
		return out
	}
	return append(out, e.validateResponse(x, op, pathKnown)...)
}

// RequestContract is the request half of an operation compiled for
// judging on its own: an operation of the engine's spec, or one that is
// not reached by a path of it, such as a callback's or a webhook's, whose
// request the caller receives.
type RequestContract struct {
	e    *Engine
	c    *requestContract
	op   *operation // the contract as an operation of its own coverage plan
	plan *covPlan
}

// compileContract compiles op's parameters (with item's path-level ones,
// item may be nil), security requirement (the spec's top-level one when op
// has none) and request body for judging requests with Validate; id names
// the findings' operation. Schemas are resolved as the engine's spec
// resolved them, so op is typically taken from that spec
// (a callback's operation, say).
func (e *Engine) compileContract(id, pathTemplate string, item *openapi3.PathItem, op *openapi3.Operation) (*RequestContract, error) {
	if op == nil {
		return nil, fmt.Errorf("spec: %s: no operation", id)
	}
	doc := e.wholeDoc()
	c, problems := compileRequest(doc, id, pathTemplate, item, op, newSchemaCompiler(e.dialect), [][]string{nil})
	if len(problems) > 0 {
		return nil, fmt.Errorf("spec: %s: %s", id, strings.Join(problems, "; "))
	}
	o := &operation{Operation: Operation{ID: id, Method: methodOf(item, op), PathTemplate: pathTemplate}, req: c}
	return &RequestContract{e: e, c: c, op: o, plan: buildCoverage(doc, []*operation{o})}, nil
}

func methodOf(item *openapi3.PathItem, op *openapi3.Operation) string {
	if item != nil {
		for m, o := range item.Operations() {
			if o == op {
				return strings.ToUpper(m)
			}
		}
	}
	return ""
}

// NewCoverage returns an empty collector of what the requests judged by
// ValidateCovered reach of the contract: its parameters, the properties
// and enum values of its body.
func (rc *RequestContract) NewCoverage() *Coverage { return rc.plan.newCoverage() }

// ValidateCovered is Validate that marks cov, from NewCoverage, when set.
func (rc *RequestContract) ValidateCovered(r *Request, cov *Coverage) []Finding {
	if cov != nil && cov.plan == rc.plan {
		cov.request(rc.op)
	} else {
		cov = nil
	}
	return rc.validate(r, cov)
}

// Validate judges r as ValidateRequest does.
func (rc *RequestContract) Validate(r *Request) []Finding { return rc.validate(r, nil) }

func (rc *RequestContract) validate(r *Request, cov *Coverage) (out []Finding) {
	x := &Exchange{Request: *r, Operation: rc.c.id}
	defer func() {
		if p := recover(); p != nil {
			out = []Finding{findingAt(RuleEngineInternal, rc.c.id, 0, "", shortenString(fmt.Sprintf("the engine failed on this request: %v", p)), "", "")}
		}
		rc.e.finishFindings(out, x)
	}()
	return rc.e.judgeRequest(nil, rc.c, r, cov)
}
