package har

import (
	"bufio"
	"encoding/base64"
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
	"unicode/utf8"

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
		Comment:         r.Comment,
	}
	e.Request = harRequest{
		Method:      r.Method,
		URL:         w.redact(r.URL.String()),
		HTTPVersion: "HTTP/1.1",
		Cookies:     []harNameValue{},
		Headers:     w.headers(r.RequestHeader),
		QueryString: []harNameValue{},
		HeadersSize: -1,
		BodySize:    r.RequestBodySize,
		Credentials: credentialsKeptMark,
	}
	query := r.URL.Query()
	for _, name := range slices.Sorted(maps.Keys(query)) {
		for _, v := range query[name] {
			e.Request.QueryString = append(e.Request.QueryString, harNameValue{Name: w.redact(name), Value: w.redact(v)})
		}
	}
	if r.RequestBody != nil {
		text, enc := w.text(r.RequestBody)
		e.Request.PostData = &harPostData{MimeType: r.RequestHeader.Get("Content-Type"), Text: text, Encoding: enc}
		e.Request.BodySize = int64(len(r.RequestBody))
	}
	e.Response = harResponse{
		Status:      r.Status,
		StatusText:  http.StatusText(r.Status),
		HTTPVersion: "HTTP/1.1",
		Cookies:     []harNameValue{},
		Headers:     w.headers(r.ResponseHeader),
		Content:     harContentOut{Size: r.ResponseBodySize, MimeType: r.ResponseHeader.Get("Content-Type")},
		HeadersSize: -1,
		BodySize:    r.ResponseBodySize,
	}
	if r.Status == 0 {
		e.Response.HTTPVersion = ""
	}
	if r.ResponseBody != nil {
		e.Response.Content.Text, e.Response.Content.Encoding = w.text(r.ResponseBody)
		e.Response.Content.Size = int64(len(r.ResponseBody))
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

// text is a body as HAR text: redacted UTF-8, or base64 when it is not
// UTF-8 (redaction cannot see into those bytes, and JSON cannot hold them).
func (w *Writer) text(body []byte) (text, encoding string) {
	if utf8.Valid(body) {
		return w.redact(string(body)), ""
	}
	return base64.StdEncoding.EncodeToString(body), "base64"
}

// headers lists h sorted by name. Values are redacted; the whole value of
// a header whose name says it holds a credential (Authorization, Cookie,
// X-Auth-Token, ...) is hidden unless the redactor already hid its secret
// part (keeping "Bearer [redacted]", so a reader still sees a credential
// was sent).
func (w *Writer) headers(h http.Header) []harNameValue {
	out := []harNameValue{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		secretName := redact.IsSecretName(name) || isCookieHeader(name)
		for _, v := range h[name] {
			rv := w.redact(v)
			if secretName && !strings.Contains(rv, redact.Marker) {
				rv = redactedCredential(name, v)
			}
			out = append(out, harNameValue{Name: name, Value: rv})
		}
	}
	return out
}

// redactedCredential hides a credential header's value whole, but for an
// Authorization header keeps its scheme ("Basic [redacted]"): a reader
// judges the security requirement by the scheme and the presence of a
// credential, as the proxy did.
func redactedCredential(name, v string) string {
	if strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "Proxy-Authorization") {
		if scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok && strings.TrimSpace(cred) != "" && validScheme(scheme) {
			return scheme + " " + redact.Marker
		}
	}
	return redact.Marker
}

// validScheme reports whether s is an RFC 9110 token, as an
// authentication scheme is: no secret hides in one.
func validScheme(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

func isCookieHeader(name string) bool {
	return strings.EqualFold(name, "Cookie") || strings.EqualFold(name, "Set-Cookie")
}

// ContentLength is the size a header declares, or -1.
func ContentLength(h http.Header) int64 {
	n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}
