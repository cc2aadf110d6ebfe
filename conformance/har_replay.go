package conformance

import (
	"io"
	"strconv"
	"strings"
)

// ReplayHAR validates every entry of the HAR 1.2 recording read from r and
// adds one case per entry to rep: pass or fail by its findings, or skip
// with the reason when the entry matches no operation of the spec or
// cannot be judged (no response recorded, body not saved). No entry is
// dropped. source names the recording in case names, e.g. "prod.har".
//
// A recording that is not well-formed is a *HARError naming the entry; the
// cases of the entries before it are already in rep.
func (e *Engine) ReplayHAR(r io.Reader, source string, rep *Report) error {
	return HARReader{MaxBodyBytes: e.maxBody, replay: true}.Read(r, func(h *HAREntry) error {
		rep.Add(e.harCase(h, source))
		return nil
	})
}

// harCase judges one entry.
func (e *Engine) harCase(h *HAREntry, source string) Case {
	x := &h.Exchange
	path := ""
	if x.Request.URL != nil {
		path = x.Request.URL.EscapedPath()
	}
	shown := e.Redact(path)
	c := Case{
		Name:   harCaseName(x.Request.Method, shown, source, h.Index),
		Method: x.Request.Method,
		Path:   shown,
		Status: x.Response.Status,
	}
	if h.TimeMS > 0 {
		c.DurationMS = h.TimeMS
	}
	if h.Skip != "" {
		c.Verdict, c.Reason = VerdictSkip, e.Redact(h.Skip)
		return c
	}
	op, ok := e.FindOperation(x.Request.Method, path)
	if !ok {
		c.Verdict = VerdictSkip
		c.Reason = "no operation of the spec matches " + x.Request.Method + " " + shown
		return c
	}
	x.Operation = op.ID
	c.Operation, c.Path = op.ID, op.PathTemplate
	c.Findings = e.Validate(x)
	return c
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
