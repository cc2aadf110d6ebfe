package har

import (
	"io"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// Replay judges every entry of the HAR 1.2 recording read from r with j,
// its request (postData included) and its response, and adds one case per
// entry to rep: pass or fail by its findings, or skip with the reason when
// the entry cannot be judged (no response recorded, body not saved) or,
// judging responses only, matches no operation. No entry is dropped.
// source names the recording in case names, e.g. "prod.har".
//
// A recording that is not well-formed is a *SyntaxError naming the entry;
// the cases of the entries before it are already in rep.
func Replay(j *judgement.Judge, r io.Reader, source string, rep *report.Report) error {
	eng := j.Engine()
	// Each entry is judged at once and nothing of it is kept, so its body
	// may share the decoder's buffer; of the request headers only those
	// the request rules read are kept.
	d := NewDecoder(r, WithMaxBodyBytes(eng.MaxBodyBytes()), WithReusedBuffers(), WithRequestHeaders(eng.RequestHeaderNames()...))
	for {
		e, err := d.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rep.Add(entryCase(j, e, source))
	}
}

// entryCase judges one entry.
func entryCase(j *judgement.Judge, h *Entry, source string) report.Case {
	x := h.Exchange()
	c := j.Case(&x)
	shown := ""
	if x.Request.URL != nil {
		shown = j.Engine().Redact(x.Request.URL.EscapedPath())
	}
	c.Name = harCaseName(h.Request.Method, shown, source, h.Index)
	if c.Method == "" {
		c.Method = h.Request.Method
	}
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
