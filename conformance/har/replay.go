package har

import (
	"io"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// Replay judges every entry of the HAR 1.2 recording read from r with eng,
// its request (postData included) and its response, and adds one case per
// entry to rep: pass or fail by its findings, or
// skip with the reason when the entry matches no operation of the spec or
// cannot be judged (no response recorded, body not saved). No entry is
// dropped. source names the recording in case names, e.g. "prod.har".
//
// A recording that is not well-formed is a *SyntaxError naming the entry;
// the cases of the entries before it are already in rep.
func Replay(eng *conformance.Engine, r io.Reader, source string, rep *report.Report) error {
	// Each entry is judged at once and nothing of it is kept, so its body
	// may share the decoder's buffer; of the request headers only those
	// the request rules read are kept.
	d := NewDecoder(r, WithMaxBodyBytes(eng.MaxBodyBytes()), ReuseBuffers(), RequestHeaders(eng.RequestHeaderNames()...))
	for {
		e, err := d.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rep.Add(entryCase(eng, e, source))
	}
}

// entryCase judges one entry.
func entryCase(e *conformance.Engine, h *Entry, source string) report.Case {
	x := h.Exchange()
	path := ""
	if x.Request.URL != nil {
		path = x.Request.URL.EscapedPath()
	}
	shown := e.Redact(path)
	c := report.Case{
		Name:   harCaseName(x.Request.Method, shown, source, h.Index),
		Method: x.Request.Method,
		Path:   shown,
		Status: x.Response.Status,
	}
	if h.Time > 0 {
		c.DurationMS = h.Time
	}
	if h.Skip != "" {
		c.Verdict, c.Reason = report.VerdictSkip, e.Redact(h.Skip)
		return c
	}
	op, ok := e.FindOperation(x.Request.Method, path)
	if !ok {
		c.Verdict = report.VerdictSkip
		c.Reason = "no operation of the spec matches " + x.Request.Method + " " + shown
		return c
	}
	x.Operation = op.ID
	c.Operation, c.Path = op.ID, op.PathTemplate
	if h.Request.BodySkip != "" {
		f := conformance.NewFinding(conformance.RuleRequestUnjudged, "", e.Redact(h.Request.BodySkip), "", "")
		f.Operation = op.ID
		c.Findings = append(c.Findings, f)
	} else {
		c.Findings = credentialDropped(e.ValidateRequest(&x), x.Response.Status)
	}
	c.Findings = append(c.Findings, e.Validate(&x)...)
	return c
}

// credentialDropped turns request.security into a note when the server
// accepted the request anyway (a status below 400): the credential was
// there, and the recorder dropped it, as browsers' sanitized HAR exports
// drop Authorization and Cookie.
func credentialDropped(fs []conformance.Finding, status int) []conformance.Finding {
	if status >= 400 {
		return fs
	}
	for i := range fs {
		if fs[i].Rule == conformance.RuleRequestSecurity {
			old := fs[i]
			fs[i] = conformance.NewFinding(conformance.RuleRequestUnjudged, old.Pointer,
				"the recording holds no credential though the server accepted the request: the recorder dropped it (a sanitized export), so the security requirement is not judged", "", "")
			fs[i].Operation, fs[i].Status = old.Operation, old.Status
		}
	}
	return fs
}

// harCaseName is "GET /v1/webhooks/abc (prod.har #12)": what a reader needs
// to find the entry in the recording.
func harCaseName(method, path, source string, index int) string {
	var b strings.Builder
	b.Grow(len(method) + len(path) + len(source) + 16)
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(path)
	b.WriteString(" (")
	if source != "" {
		b.WriteString(source)
		b.WriteByte(' ')
	}
	b.WriteByte('#')
	b.WriteString(strconv.Itoa(index))
	b.WriteByte(')')
	return b.String()
}
