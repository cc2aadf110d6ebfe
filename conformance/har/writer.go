package har

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/internal/redact"
)

// Record is one exchange to write: what a recorder saw of it.
type Record struct {
	Start    time.Time
	Duration time.Duration
	Method   string
	// URL is absolute: the scheme and host the request went to.
	URL           *url.URL
	RequestHeader http.Header
	// RequestBody is the request body as sent; nil with RequestBodySize > 0
	// when it was not kept.
	RequestBody     []byte
	RequestBodySize int64
	// Status 0 records an exchange that got no response (the upstream
	// failed); a reader skips it.
	Status         int
	ResponseHeader http.Header
	// ResponseBody is the decoded content; nil with ResponseBodySize > 0
	// when it was not kept.
	ResponseBody     []byte
	ResponseBodySize int64
	// Comment says what the recording lacks, if anything.
	Comment string
}

// Writer writes a HAR 1.2 recording entry by entry, so a recording of a
// long session is never held in memory, and every entry is on disk once
// Write returns. Every text it writes passes through the redactor first:
// no token, credential or secret reaches the file. A Writer may be used
// from several goroutines.
type Writer struct {
	mu     sync.Mutex
	bw     *bufio.Writer
	redact func(string) string
	n      int
	err    error
	closed bool
}

// NewWriter starts a recording on w by creator (the tool's name and
// version). redact hides secrets in every header value, URL and body (nil:
// only what the redact package always hides).
func NewWriter(w io.Writer, creatorName, creatorVersion string, redactText func(string) string) (*Writer, error) {
	if redactText == nil {
		redactText = func(s string) string { return redact.Text(s) }
	}
	hw := &Writer{bw: bufio.NewWriter(w), redact: redactText}
	head, err := json.Marshal(harCreator{Name: creatorName, Version: creatorVersion})
	if err != nil {
		return nil, err
	}
	hw.bw.WriteString(`{"log":{"version":"1.2","creator":`)
	hw.bw.Write(head)
	hw.bw.WriteString(`,"entries":[`)
	if err := hw.bw.Flush(); err != nil {
		return nil, err
	}
	return hw, nil
}

// Write appends one entry.
func (w *Writer) Write(r *Record) error {
	entry, err := w.entry(r)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("har: write after close")
	}
	if w.err != nil {
		return w.err
	}
	if w.n > 0 {
		w.bw.WriteByte(',')
	}
	w.bw.WriteString("\n")
	w.bw.Write(entry)
	w.n++
	w.err = w.bw.Flush()
	return w.err
}

// Close ends the document; it does not close the underlying writer.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	w.bw.WriteString("\n]}}\n")
	w.err = w.bw.Flush()
	return w.err
}

// Entries is how many entries were written.
func (w *Writer) Entries() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
}

type harRequest struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	QueryString []harNameValue `json:"queryString"`
	PostData    *harPostData   `json:"postData,omitempty"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int64          `json:"bodySize"`
	// Credentials marks a request whose credential headers are kept,
	// values redacted: a reader judges a missing one as missing, not as
	// dropped by the recorder (HAR 1.2 allows custom fields that start
	// with an underscore).
	Credentials string `json:"_credentials"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	// Encoding is not in HAR 1.2's postData; this package's reader, like
	// several recorders, accepts base64 there as in content.
	Encoding string `json:"encoding,omitempty"`
}

type harResponse struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	Content     harContentOut  `json:"content"`
	RedirectURL string         `json:"redirectURL"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int64          `json:"bodySize"`
}

type harContentOut struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

func (w *Writer) entry(r *Record) ([]byte, error) {
	if r.URL == nil || !r.URL.IsAbs() {
		return nil, errors.New("har: a record needs an absolute URL")
	}
	ms := float64(r.Duration.Microseconds()) / 1000
	e := harEntry{
		StartedDateTime: r.Start.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            ms,
		Timings:         harTimings{Wait: ms},
	}
	reqHeader, respHeader := r.RequestHeader, r.ResponseHeader
	var notes []string
	if r.Comment != "" {
		notes = append(notes, r.Comment)
	}
	var reqText, respText string
	reqKept, respKept := r.RequestBody != nil, r.ResponseBody != nil
	if reqKept {
		var note string
		reqText, reqHeader, reqKept, note = w.body("request", r.RequestBody, reqHeader)
		notes = appendNote(notes, note)
	}
	if respKept {
		var note string
		respText, respHeader, respKept, note = w.body("response", r.ResponseBody, respHeader)
		notes = appendNote(notes, note)
	}
	e.Comment = strings.Join(notes, "; ")
	e.Request = harRequest{
		Method:      r.Method,
		URL:         w.redact(redact.Text(r.URL.String())),
		HTTPVersion: "HTTP/1.1",
		Cookies:     []harNameValue{},
		Headers:     w.headers(reqHeader),
		QueryString: []harNameValue{},
		HeadersSize: -1,
		BodySize:    r.RequestBodySize,
		Credentials: credentialsKeptMark,
	}
	query := r.URL.Query()
	for _, name := range slices.Sorted(maps.Keys(query)) {
		for _, v := range query[name] {
			if redact.IsSecretName(name) {
				v = redact.Marker
			}
			e.Request.QueryString = append(e.Request.QueryString, harNameValue{Name: w.redact(name), Value: w.redact(v)})
		}
	}
	if r.RequestBody != nil {
		e.Request.BodySize = int64(len(r.RequestBody))
		if reqKept {
			e.Request.PostData = &harPostData{MimeType: reqHeader.Get("Content-Type"), Text: reqText}
			e.Request.BodySize = int64(len(reqText))
		}
	}
	e.Response = harResponse{
		Status:      r.Status,
		StatusText:  http.StatusText(r.Status),
		HTTPVersion: "HTTP/1.1",
		Cookies:     []harNameValue{},
		Headers:     w.headers(respHeader),
		Content:     harContentOut{Size: r.ResponseBodySize, MimeType: respHeader.Get("Content-Type")},
		HeadersSize: -1,
		BodySize:    r.ResponseBodySize,
	}
	if r.Status == 0 {
		e.Response.HTTPVersion = ""
	}
	if r.ResponseBody != nil {
		e.Response.Content.Size = int64(len(r.ResponseBody))
		if respKept {
			e.Response.Content.Text = respText
			e.Response.Content.Size = int64(len(respText))
		}
		e.Response.BodySize = e.Response.Content.Size
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// maxDecodedBody bounds what a compressed body may decode to before it is
// redacted and recorded; past it, the body is left out.
const maxDecodedBody = 64 << 20

// body is a body as HAR text, redacted, with the headers that describe
// it: a body sent compressed is decoded first (its Content-Encoding and
// Content-Length go, as the text no longer has them). A body the
// redactor cannot see into (not UTF-8, or in an encoding not decoded
// here) is left out: kept is false and note says why.
func (w *Writer) body(what string, b []byte, h http.Header) (text string, header http.Header, kept bool, note string) {
	enc := h.Get("Content-Encoding")
	if len(h.Values("Content-Encoding")) > 1 {
		enc = strings.Join(h.Values("Content-Encoding"), ",")
	}
	text, decoded, why := redact.BodyText(b, enc, maxDecodedBody)
	if why != "" {
		return "", h, false, "the " + what + " body is left out: " + why + ", and a secret in it could not be redacted"
	}
	if decoded {
		h = h.Clone()
		h.Del("Content-Encoding")
		h.Del("Content-Length")
		note = "the " + what + " body is recorded decoded (it was sent with Content-Encoding " + enc + ")"
	}
	return w.redact(redact.Text(text)), h, true, note
}

func appendNote(notes []string, note string) []string {
	if note == "" || slices.Contains(notes, note) {
		return notes
	}
	return append(notes, note)
}

// headers lists h sorted by name, each value as redact.Header shows it
// (Authorization keeps its scheme, "Bearer [redacted]", so that a reader
// still sees a credential was sent) and then through the Writer's
// redactor, which knows the registered values.
func (w *Writer) headers(h http.Header) []harNameValue {
	out := []harNameValue{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			out = append(out, harNameValue{Name: name, Value: w.redact(redact.Header(name, v))})
		}
	}
	return out
}

// ContentLength is the size a header declares, or -1.
func ContentLength(h http.Header) int64 {
	n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}
