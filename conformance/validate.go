package conformance

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/webex-conformance/webhooks/internal/redact"
)

// Validate is ValidateResponse.
func (e *Engine) Validate(x *Exchange) []Finding { return e.ValidateResponse(x) }

// ValidateResponse judges one exchange's response against the operation it
// belongs to (Exchange.Operation, or found from the request's method and
// path) and returns its findings, already redacted. An exchange whose
// operation is unknown has the one finding operation.unknown, which blames
// the request: the response cannot be judged without an operation. It
// never panics and keeps no state between calls.
func (e *Engine) ValidateResponse(x *Exchange) []Finding {
	if x == nil {
		return nil
	}
	op, pathKnown := e.resolve(x)
	return e.validateResponse(x, op, pathKnown)
}

func (e *Engine) validateResponse(x *Exchange, op *operation, pathKnown bool) (out []Finding) {
	defer func() {
		if r := recover(); r != nil {
			out = []Finding{findingAt(RuleEngineInternal, "", x.Response.Status, "",
				shortenString(fmt.Sprintf("the engine failed on this response: %v", r)), "", "")}
		}
		e.finishFindings(out, x)
	}()
	cov := x.Coverage
	if op == nil {
		cov.unknown()
		return append(out, e.unknownOperation(x, pathKnown))
	}
	status := x.Response.Status
	if op.broken != "" {
		// Not judged, so not counted: coverage says what was checked.
		return append(out, op.brokenFinding(status))
	}
	h := canonicalHeader(x.Response.Header)
	r := op.response(status)
	cov.response(op, status, r)
	if r == nil {
		out = append(out, undocumentedStatus(op, status))
		return checkHeaderGrammars(out, h, op.ID, status)
	}
	out = e.checkHeaders(out, h, r.headers, op.ID, status, cov)
	out = checkHeaderGrammars(out, h, op.ID, status)
	st := site{loc: responseBody, op: op.ID, status: status}
	out, m := checkContent(out, &st, r, x, h)
	if m != nil {
		out = e.scanJSON(out, m.body, x.Response.Body, st, cov)
	}
	return out
}

func (e *Engine) resolve(x *Exchange) (*operation, bool) {
	var op *operation
	pathKnown := false
	switch {
	case x.Operation != "":
		op = e.ops[x.Operation]
	case x.Request.URL == nil:
		return nil, false
	default:
		op, pathKnown = e.routes.find(x.Request.Method, x.Request.URL.EscapedPath())
	}
	if op != nil {
		e.ready(op)
	}
	return op, pathKnown
}

var scanners = sync.Pool{New: func() any {
	return &scanner{path: make([]pathSeg, 0, 16), buf: make([]byte, 0, 64)}
}}

// scanJSON applies the size cap, then reads body (a response's or a
// request's body, a header's or a parameter's value rendered as JSON) once
// with the compiled schema n; st says where it is, so which rules its
// issues break. A body that cannot be read to its end cannot be judged: the
// nesting cap's issue or the syntax error replaces whatever the partial
// read found. cov, when set, is marked with the properties and enum values
// the scan meets.
func (e *Engine) scanJSON(out []Finding, n *schemaNode, body []byte, st site, cov *Coverage) []Finding {
	if int64(len(body)) > e.maxBody {
		return append(out, st.make(limitIssue(len(body), e.maxBody)))
	}
	s := scanners.Get().(*scanner)
	mark := len(out)
	*s = scanner{data: body, maxDepth: e.maxDepth, path: s.path[:0], buf: s.buf[:0], site: st, out: out, asRequest: st.loc.asRequest, dialect: e.dialect, maxPerRule: maxFindingsPerRule, cov: cov}
	s.scanBody(n)
	out = s.out
	se, malformed := s.err.(*syntaxError)
	switch {
	case s.err == errTooDeep:
		out = append(out[:mark], st.finding(issueDepth, "",
			"the JSON nests deeper than the nesting cap and was not judged",
			"at most "+strconv.Itoa(e.maxDepth)+" levels",
			"more than "+strconv.Itoa(e.maxDepth)+" levels"))
	case malformed:
		what := "malformed JSON"
		if se.offset >= len(body) {
			what = "truncated JSON"
		}
		out = append(out[:mark], st.finding(issueJSON, "",
			what+": "+se.Error()+" of "+strconv.Itoa(len(body)),
			"a JSON document (RFC 8259)", ""))
	}
	if s.err == nil {
		out = s.cappedNotes(out)
	}
	s.data, s.out, s.cov, s.site = nil, nil, nil, site{}
	if cap(s.path) <= 1024 && cap(s.buf) <= 64<<10 {
		scanners.Put(s)
	}
	return out
}

// finishFindings is the one way out of the engine for the findings of an
// exchange (each made with its rule's severity and side, by NewFinding):
// registered tokens, the request's own credential, the secrets the request
// sent and Bearer credentials are hidden in every finding (secret property
// values were already replaced where they were read; Expected comes from
// the spec alone).
func (e *Engine) finishFindings(out []Finding, x *Exchange) {
	if len(out) == 0 {
		return
	}
	cred := ""
	if x.Request.Header != nil {
		auth := ""
		if vals := headerValues(x.Request.Header, "Authorization"); len(vals) > 0 {
			auth = strings.TrimSpace(vals[0])
		}
		if _, c, ok := strings.Cut(auth, " "); ok {
			cred = strings.TrimSpace(c)
		} else {
			cred = auth
		}
		if len(cred) < 4 {
			cred = "" // too short to redact without mangling unrelated text
		}
	}
	// A secret the client sent may come back under another name.
	secrets := redact.SecretValues(x.Request.Body)
	for i := range out {
		out[i].Actual = redact.Text(redact.Value(out[i].Actual, cred), e.redactions...)
		out[i].Message = redact.Text(redact.Value(out[i].Message, cred), e.redactions...)
		for _, v := range secrets {
			out[i].Actual = redact.Value(out[i].Actual, v)
			out[i].Message = redact.Value(out[i].Message, v)
		}
	}
}
