package har

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
)

// Entry is one entry of log.entries: the request, the response with its
// content decoded, and the recorded time.
type Entry struct {
	// Index is the entry's position in log.entries, from 0.
	Index    int
	Request  Request
	Response Response
	// Time is the entry's recorded total time in milliseconds, -1 when the
	// recording has none.
	Time float64
	// Skip says why the entry cannot be judged (no response was recorded,
	// the body was not saved, the URL does not parse); empty otherwise.
	Skip string
}

// Request is an entry's request: method, URL, headers and body.
type Request struct {
	Method string
	// URL is nil when the recorded one does not parse (Skip says so).
	URL    *url.URL
	Header http.Header
	// Body is postData.text, decoded from base64 when so encoded (or
	// postData.params, form-encoded, when there is no text) and cut one
	// byte past the body cap.
	Body []byte
	// BodySkip says why the request body cannot be judged although the
	// response can: the recording says there was one (bodySize) but did
	// not save it, or saved it in an encoding other than base64.
	BodySkip string
	// CredentialsKept says the recorder kept the request's credential
	// headers (their values redacted), as this package's Writer does and
	// marks with request._credentials: a missing credential was missing.
	// Other recorders, browsers' sanitized exports among them, may drop
	// them.
	CredentialsKept bool
}

// Response is an entry's response: status, headers and content.text,
// decoded from base64 when so encoded and cut one byte past the body cap.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Exchange is the entry as the engine judges it: the entry's Skip makes
// the response not judged (or, without a method or URL, the whole entry),
// BodySkip the request's body, and a recording that may have dropped
// credential headers says so.
func (e *Entry) Exchange() conformance.Exchange {
	x := conformance.Exchange{
		Request: conformance.Request{Method: e.Request.Method, URL: e.Request.URL, Header: e.Request.Header, Body: e.Request.Body,
			Unjudged: e.Request.BodySkip, Credentials: conformance.CredentialsMayBeDropped},
		Response: conformance.Response{Status: e.Response.Status, Header: e.Response.Header, Body: e.Response.Body, Unjudged: e.Skip},
	}
	if e.Request.CredentialsKept {
		x.Request.Credentials = conformance.CredentialsAsSent
	}
	if e.Skip != "" && x.Request.URL == nil {
		x.Request.Method = "" // nothing of the entry can be judged
	}
	if e.Time > 0 {
		x.Duration = time.Duration(e.Time * float64(time.Millisecond))
	}
	return x
}

// credentialsKeptMark is request._credentials of a recording that kept
// credential headers, values redacted.
const credentialsKeptMark = "kept, values redacted"

// SyntaxError is a recording that is not a well-formed HAR 1.2 document.
type SyntaxError struct {
	// Entry is the index of the entry being read, or -1 outside entries.
	Entry int
	// Offset is the byte offset in the input where reading stopped.
	Offset int64
	Err    error
}

func (e *SyntaxError) Error() string {
	if e.Entry >= 0 {
		return fmt.Sprintf("entry %d (byte %d): %v", e.Entry, e.Offset, e.Err)
	}
	return fmt.Sprintf("byte %d: %v", e.Offset, e.Err)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Option tunes a Decoder.
type Option func(*Decoder)

// WithMaxBodyBytes caps the response body kept per entry; a longer body is
// cut at n+1 bytes so that the engine still sees it is too large, while
// memory stays bounded. Pass the judging engine's MaxBodyBytes. n <= 0
// keeps conformance.DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) Option {
	return func(d *Decoder) {
		if n > 0 {
			d.maxBody = n
		}
	}
}

// WithReusedBuffers lets the decoder reuse an entry's storage for the next one:
// the *Entry, its header maps, its URL and its bodies are then valid only
// until the next call to Next (strings read from them stay valid). For a
// caller that judges each entry at once and keeps nothing of it, it saves
// the allocations and copies of each entry.
func WithReusedBuffers() Option {
	return func(d *Decoder) { d.reuse = true }
}

// WithRequestHeaders keeps only the named request headers of each entry; the
// others are read and dropped. The engine reads just Authorization (to
// redact it), and a recording's request headers are many.
func WithRequestHeaders(names ...string) Option {
	return func(d *Decoder) {
		d.keepReq = make(map[string]bool, len(names))
		for _, n := range names {
			d.keepReq[http.CanonicalHeaderKey(n)] = true
		}
	}
}

// Limits on the parts of an entry other than the body: a recording that
// exceeds them is not a real capture, and honouring it would let one entry
// take unbounded memory.
const (
	harMaxString  = 1 << 20
	harMaxHeaders = 10000
	harMaxDepth   = 10000
	harBufSize    = 64 << 10
)

// Decoder reads the entries of a HAR 1.2 document one at a time: memory is
// bounded by one entry, not by the recording. Request and response headers
// become http.Header, a base64 content.text is decoded, HTTP/2
// pseudo-headers are dropped. An entry that cannot be judged (no response,
// body not saved) still comes, with Skip saying why.
type Decoder struct {
	s       harScanner
	maxBody int64
	reuse   bool
	keepReq map[string]bool // nil: keep every request header
	phase   phase
	err     error
	entry   int
	n       int
	// names interns canonical header names: recordings repeat the same few.
	names map[string]harName
	// lastNames holds, per side (request, response) and position in the
	// list, the header name read there before: recordings list the same
	// headers in the same order entry after entry.
	lastNames [2][]harName

	strs map[string]string

	sawLog, sawEntries bool
	// key is the member name just read: in the scanner's buffer, or in
	// keyBuf when it had escapes or crossed a refill.
	key, keyBuf []byte
	// nReq counts the request headers recorded, kept or not.
	nReq int
	// Scratch reused from entry to entry.
	nameBuf, textBuf, postBuf, formBuf, arena []byte
	spans                                     []harSpan
	// What WithReusedBuffers hands out again: the entry, its headers (and the
	// slice their values sit in), its URL, and base64 bodies decoded.
	ent             Entry
	reqH, respH     http.Header
	vals            []string
	u               url.URL
	respB64, reqB64 []byte
}

// phase is where the decoder stands in the document: the levels above
// log.entries are walked by Next, one step per call, so that each entry
// can be handed out as soon as it is read.
type phase int

const (
	phaseStart        phase = iota
	phaseDocMember          // a member name of the document was read
	phaseLogMember          // a member name of log was read
	phaseEntry              // an element of log.entries is next
	phaseAfterEntry         // an entry was handed out; ',' or ']' is next
	phaseAfterEntries       // log.entries ended; ',' or '}' of log is next
	phaseAfterLog           // log ended; ',' or '}' of the document is next
	phaseEnd                // the document ended
	phaseDone
)

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader, opts ...Option) *Decoder {
	d := &Decoder{
		s:       harScanner{r: r, buf: make([]byte, harBufSize)},
		maxBody: conformance.DefaultMaxBodyBytes,
		entry:   -1,
		names:   make(map[string]harName),
		strs:    make(map[string]string),
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Next returns the next entry, or io.EOF after the last one of a
// well-formed document. A document that is not well-formed JSON, or not a
// HAR (no log.entries), is a *SyntaxError, returned after the entries that
// came before the fault; every later call returns the same error.
func (d *Decoder) Next() (*Entry, error) {
	if d.err != nil {
		return nil, d.err
	}
	e, err := d.step()
	if err != nil {
		if err != io.EOF {
			err = &SyntaxError{Entry: d.entry, Offset: d.s.offset(), Err: err}
		}
		d.err = err
		return nil, err
	}
	return e, nil
}

// step walks the document until it has read an entry or reached its end.
func (d *Decoder) step() (*Entry, error) {
	for {
		var more bool
		var err error
		switch d.phase {
		case phaseStart:
			c, serr := d.s.nonSpace()
			if serr == io.EOF {
				return nil, errors.New("empty file, not a HAR document")
			}
			if serr != nil {
				return nil, serr
			}
			if c != '{' {
				return nil, fmt.Errorf("a HAR document is a JSON object, found %s", quoteByte(c))
			}
			more, err = d.openObject()
			d.phase = d.then(more, phaseDocMember, phaseEnd)
		case phaseDocMember:
			err = d.member("log", &d.sawLog, d.expectOpenObject, phaseLogMember, phaseDocMember, phaseEnd)
		case phaseLogMember:
			err = d.member("entries", &d.sawEntries, d.openArray, phaseEntry, phaseLogMember, phaseAfterLog)
		case phaseEntry:
			e, err := d.readEntry()
			if err != nil {
				return nil, err
			}
			d.phase = phaseAfterEntry
			return e, nil
		case phaseAfterEntry:
			more, err = d.nextElement()
			if err == nil && !more {
				d.entry = -1
			}
			d.phase = d.then(more, phaseEntry, phaseAfterEntries)
		case phaseAfterEntries:
			more, err = d.nextMember()
			d.phase = d.then(more, phaseLogMember, phaseAfterLog)
		case phaseAfterLog:
			more, err = d.nextMember()
			d.phase = d.then(more, phaseDocMember, phaseEnd)
		case phaseEnd:
			d.phase = phaseDone
			if _, err := d.s.nonSpace(); err != io.EOF {
				if err != nil {
					return nil, err
				}
				return nil, errors.New("data after the HAR document")
			}
			switch {
			case !d.sawLog:
				return nil, errors.New("no \"log\" object: not a HAR document")
			case !d.sawEntries:
				return nil, errors.New("no \"log.entries\" array: not a HAR document")
			}
			return nil, io.EOF
		default:
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
	}
}

// member reads the value of the member just named, at one of the levels
// above the entries: the one wanted is entered (phase inside), any other
// is skipped, and the next member (same) or the end of the object (after)
// follows.
func (d *Decoder) member(want string, saw *bool, open func() (bool, error), inside, same, after phase) error {
	if string(d.key) == want {
		*saw = true
		more, err := open()
		if err != nil {
			return err
		}
		if more {
			d.phase = inside
			return nil
		}
	} else if err := d.s.skipValue(); err != nil {
		return err
	}
	more, err := d.nextMember()
	d.phase = d.then(more, same, after)
	return err
}

func (d *Decoder) then(more bool, yes, no phase) phase {
	if more {
		return yes
	}
	return no
}

// readEntry reads the entry object that is next in log.entries.
func (d *Decoder) readEntry() (*Entry, error) {
	d.entry = d.n
	var e *Entry
	if d.reuse {
		d.ent = Entry{}
		e = &d.ent
	} else {
		e = new(Entry)
	}
	e.Index, e.Time = d.n, -1
	raw := harRaw{reqBodySize: -1, urlStart: -1}
	d.nReq = 0
	d.arena, d.spans = d.arena[:0], d.spans[:0]
	if err := d.expectObject(func(key []byte) error { return d.entryMember(e, &raw, key) }); err != nil {
		return nil, err
	}
	d.finish(e, &raw)
	d.n++
	d.entry = d.n // a break from here on is before the next entry
	return e, nil
}

// harContent is response.content as recorded.
type harContent struct {
	size     int64
	mimeType string
	text     []byte
	cut      bool // text was longer than kept
	encoding string
}

// harRaw holds what the recording says until the whole entry is read: the
// members of an entry may come in any order.
type harRaw struct {
	method string
	// urlStart and urlEnd place request.url in the arena; urlStart is -1
	// when none was recorded.
	urlStart, urlEnd int
	status           int
	statusSet        bool
	nResp            int // response headers recorded
	content          harContent
	post             harContent // request.postData
	form             bool       // postData.params were recorded
	reqBodySize      int64      // request.bodySize; -1 unknown
}

// harSpan is one header whose value sits in the parser's arena until the
// entry is complete: all values of an entry then share one allocation.
type harSpan struct {
	name       string
	start, end int
	resp       bool
}

func (d *Decoder) entryMember(e *Entry, raw *harRaw, key []byte) error {
	switch string(key) {
	case "request":
		return d.expectObject(func(key []byte) error {
			switch string(key) {
			case "method":
				b, err := d.stringBytes(d.nameBuf[:0])
				d.nameBuf = b
				raw.method = harMethod(b)
				return err
			case "url":
				// Into the arena, which becomes one string per entry with
				// the header values; a later "url" member wins.
				if ok, err := d.open('"', "a string"); !ok {
					raw.urlStart = -1
					return err
				}
				start := len(d.arena)
				b, cut, err := d.s.str(d.arena, int64(start)+harMaxString)
				d.arena = b
				if err == nil && cut {
					err = fmt.Errorf("a string longer than %d bytes", harMaxString)
				}
				raw.urlStart, raw.urlEnd = start, len(d.arena)
				return err
			case "_credentials":
				b, err := d.stringBytes(d.nameBuf[:0])
				d.nameBuf = b
				e.Request.CredentialsKept = string(b) == credentialsKeptMark
				return err
			case "headers":
				return d.headers(false)
			case "bodySize":
				f, ok, err := d.number()
				raw.reqBodySize = -1
				if ok {
					raw.reqBodySize = int64(f)
				}
				return err
			case "postData":
				raw.post, raw.form = harContent{}, false
				d.formBuf = d.formBuf[:0]
				return d.expectObject(func(key []byte) error { return d.postDataMember(raw, key) })
			}
			return d.s.skipValue()
		})
	case "response":
		return d.expectObject(func(key []byte) error {
			switch string(key) {
			case "status":
				f, ok, err := d.number()
				if err != nil {
					return err
				}
				// A later member wins, null included, as in encoding/json.
				raw.status, raw.statusSet = 0, false
				if ok {
					if f != float64(int(f)) || f < 0 || f > 999 {
						return fmt.Errorf("response.status %v is not an HTTP status code", f)
					}
					raw.status, raw.statusSet = int(f), true
				}
				return nil
			case "headers":
				return d.headers(true)
			case "content":
				return d.expectObject(func(key []byte) error { return d.contentMember(&raw.content, key) })
			}
			return d.s.skipValue()
		})
	case "time":
		f, ok, err := d.number()
		e.Time = -1
		if ok {
			e.Time = f
		}
		return err
	}
	return d.s.skipValue()
}

// postDataMember reads a member of request.postData: mimeType, text (and
// encoding, which some recorders add as for content), and params, kept
// form-encoded for a body recorded only as them.
func (d *Decoder) postDataMember(raw *harRaw, key []byte) error {
	c := &raw.post
	switch string(key) {
	case "mimeType", "encoding":
		return d.contentMember(c, key)
	case "text":
		c.text, c.cut = nil, false
		if ok, err := d.open('"', "postData.text to be a string"); !ok {
			return err
		}
		var err error
		c.text, c.cut, err = d.s.str(d.postBuf[:0], (d.maxBody+1)/3*4+8)
		d.postBuf = c.text
		return err
	case "params":
		raw.form = true
		return d.array(func() error {
			var name, value []byte
			err := d.expectObject(func(key []byte) error {
				var err error
				switch string(key) {
				case "name":
					name, err = d.stringBytes(nil)
				case "value":
					value, err = d.stringBytes(nil)
				default:
					err = d.s.skipValue()
				}
				return err
			})
			if err != nil {
				return err
			}
			if int64(len(d.formBuf)) > d.maxBody {
				return nil // past the cap: the engine sees it is too large
			}
			if len(d.formBuf) > 0 {
				d.formBuf = append(d.formBuf, '&')
			}
			d.formBuf = append(d.formBuf, url.QueryEscape(string(name))...)
			d.formBuf = append(d.formBuf, '=')
			d.formBuf = append(d.formBuf, url.QueryEscape(string(value))...)
			return nil
		})
	}
	return d.s.skipValue()
}

func (d *Decoder) contentMember(c *harContent, key []byte) error {
	switch string(key) {
	case "mimeType":
		b, err := d.stringBytes(d.nameBuf[:0])
		d.nameBuf = b
		c.mimeType = d.intern(b)
		return err
	case "encoding":
		b, err := d.stringBytes(d.nameBuf[:0])
		d.nameBuf = b
		c.encoding = d.intern(b)
		return err
	case "size":
		f, _, err := d.number()
		c.size = int64(f)
		return err
	case "text":
		c.text, c.cut = nil, false
		if ok, err := d.open('"', "content.text to be a string"); !ok {
			return err
		}
		var err error
		// base64 takes 4 bytes for 3; keep enough of it to decode one byte
		// past the cap.
		limit := d.maxBody + 1
		limit = limit/3*4 + 8
		c.text, c.cut, err = d.s.str(d.textBuf[:0], limit)
		d.textBuf = c.text // reused; finish copies the body out unless replaying
		return err
	}
	return d.s.skipValue()
}

func (d *Decoder) finish(e *Entry, raw *harRaw) {
	x := e
	x.Request.Method = raw.method
	var all string
	x.Request.Header, x.Response.Header, all = d.headerMaps()
	raw.nResp = len(x.Response.Header)
	x.Response.Status = raw.status
	rawURL := ""
	if raw.urlStart >= 0 {
		rawURL = all[raw.urlStart:raw.urlEnd]
	}
	switch {
	case raw.method == "":
		e.Skip = "the entry records no request method"
	case rawURL == "":
		e.Skip = "the entry records no request URL"
	case !raw.statusSet || raw.status == 0:
		e.Skip = "no response was recorded (status 0: the request failed, was blocked or aborted)"
	}
	if rawURL != "" {
		if u, ok := parseSimpleURL(rawURL); ok {
			if d.reuse {
				d.u = u
				x.Request.URL = &d.u
			} else {
				x.Request.URL = new(url.URL)
				*x.Request.URL = u
			}
		} else if u, err := url.Parse(rawURL); err != nil {
			if e.Skip == "" {
				e.Skip = "the request URL does not parse: " + strings.TrimPrefix(err.Error(), "parse ")
			}
		} else {
			x.Request.URL = u
		}
	}
	c := &raw.content
	// A recorder that saved no headers at all still names the media type
	// in content.mimeType; recorded headers, when present, are the truth.
	if raw.nResp == 0 && c.mimeType != "" && (len(c.text) > 0 || c.size > 0) {
		x.Response.Header.Set("Content-Type", c.mimeType)
	}
	d.finishRequest(e, raw)
	switch {
	case len(c.text) == 0 && c.size > 0:
		// Browsers save "HAR without content" this way: the body existed
		// but is not in the file. Judging an empty body would be a false
		// alarm.
		if e.Skip == "" {
			e.Skip = fmt.Sprintf("the response body was not recorded (content.size %d, no content.text)", c.size)
		}
	case len(c.text) == 0:
		x.Response.Body = nil
	default:
		var skip string
		x.Response.Body, skip = d.decodeText(c, "content", &d.respB64)
		if e.Skip == "" {
			e.Skip = skip
		}
	}
}

// decodeText returns the body a recorded text stands for, decoded from
// base64 when so encoded and cut one byte past the cap, or why it cannot
// be had; what names the member for that reason ("content"). With
// WithReusedBuffers a base64 body is decoded into *scratch.
func (d *Decoder) decodeText(c *harContent, what string, scratch *[]byte) (body []byte, skip string) {
	switch {
	case strings.EqualFold(c.encoding, "base64"):
		var dst []byte
		if d.reuse {
			dst = *scratch
		}
		body, err := decodeHARBase64(dst, c.text, c.cut)
		if d.reuse {
			*scratch = body
		}
		if err != nil {
			return nil, what + ".text is not valid base64: " + err.Error()
		}
		return capBody(body, d.maxBody), ""
	case c.encoding == "":
		body = capBody(c.text, d.maxBody)
		if !d.reuse {
			body = bytes.Clone(body)
		}
		return body, ""
	}
	return nil, fmt.Sprintf("%s.encoding %q is not supported (only base64)", what, c.encoding)
}

// finishRequest sets the request body from postData.
func (d *Decoder) finishRequest(e *Entry, raw *harRaw) {
	p := &raw.post
	if d.nReq == 0 && p.mimeType != "" && (len(p.text) > 0 || raw.form) {
		// As for responses: with no headers recorded, the media type is
		// postData.mimeType.
		e.Request.Header.Set("Content-Type", p.mimeType)
	}
	switch {
	case len(p.text) == 0 && raw.form && len(d.formBuf) > 0:
		e.Request.Body = capBody(d.formBuf, d.maxBody)
		if !d.reuse {
			e.Request.Body = bytes.Clone(e.Request.Body)
		}
	case len(p.text) == 0 && raw.reqBodySize > 0:
		e.Request.BodySkip = fmt.Sprintf("the request body was not recorded (bodySize %d, no postData.text)", raw.reqBodySize)
	case len(p.text) == 0:
	default:
		e.Request.Body, e.Request.BodySkip = d.decodeText(p, "postData", &d.reqB64)
	}
}

// capBody cuts b at max+1 bytes: enough for the engine to see the cap was
// passed.
func capBody(b []byte, max int64) []byte {
	if int64(len(b)) > max+1 {
		return b[:max+1]
	}
	return b
}

// decodeHARBase64 decodes text into dst's storage, grown as needed.
func decodeHARBase64(dst, text []byte, cut bool) ([]byte, error) {
	if cut {
		text = text[:len(text)/4*4]
	}
	text = stripBase64Space(text)
	if need := base64.RawStdEncoding.DecodedLen(len(text)) + 3; cap(dst) < need {
		dst = make([]byte, need)
	} else {
		dst = dst[:need]
	}
	n, err := base64.StdEncoding.Decode(dst, text)
	if err != nil {
		// Some recorders drop the padding.
		n, err = base64.RawStdEncoding.Decode(dst, text)
	}
	if err != nil {
		return nil, err
	}
	return dst[:n], nil
}

// stripBase64Space drops the line breaks some recorders wrap base64 with.
func stripBase64Space(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c == '\n' || c == '\r' || c == ' ' || c == '\t' {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := b[:0:0]
	for _, c := range b {
		if c != '\n' && c != '\r' && c != ' ' && c != '\t' {
			out = append(out, c)
		}
	}
	return out
}

// headers reads a HAR header list, [{"name": ..., "value": ...}, ...],
// into the arena; a repeated "headers" member replaces the earlier one, as
// in encoding/json.
func (d *Decoder) headers(resp bool) error {
	if !resp {
		d.nReq = 0
	}
	kept := d.spans[:0]
	for _, sp := range d.spans {
		if sp.resp != resp {
			kept = append(kept, sp)
		}
	}
	d.spans = kept
	n := 0
	return d.array(func() error {
		n++
		if n > harMaxHeaders {
			return fmt.Errorf("more than %d headers in one message", harMaxHeaders)
		}
		var haveName bool
		start, end := -1, -1
		d.nameBuf = d.nameBuf[:0]
		err := d.expectObject(func(key []byte) error {
			var err error
			switch string(key) {
			case "name":
				d.nameBuf, err = d.stringBytes(d.nameBuf[:0])
				haveName = true
				return err
			case "value":
				start = len(d.arena)
				d.arena, err = d.stringBytes(d.arena)
				end = len(d.arena)
				return err
			}
			return d.s.skipValue()
		})
		if err != nil {
			return err
		}
		if len(d.arena) > harMaxString*8 {
			return fmt.Errorf("header values larger than %d bytes in one entry", harMaxString*8)
		}
		name := d.nameBuf
		if !haveName || len(name) == 0 {
			return errors.New("a header without a name")
		}
		if name[0] == ':' {
			return nil // an HTTP/2 pseudo-header: :status, :path, ...
		}
		if !resp {
			d.nReq++
		}
		hn := d.headerName(name, resp, n-1)
		canon := hn.canon
		if !resp && hn.drop {
			if start >= 0 {
				d.arena = d.arena[:start]
			}
			return nil
		}
		if start < 0 {
			start, end = 0, 0
		}
		d.spans = append(d.spans, harSpan{name: canon, start: start, end: end, resp: resp})
		return nil
	})
}

// harName is a header name as recorded, its canonical form, and whether a
// request header of that name is dropped (WithRequestHeaders).
type harName struct {
	raw, canon string
	drop       bool
}

// headerName looks a recorded header name up; i is its position in the
// list.
func (d *Decoder) headerName(name []byte, resp bool, i int) harName {
	side := 0
	if resp {
		side = 1
	}
	last := d.lastNames[side]
	if i < len(last) && last[i].raw == string(name) {
		return last[i]
	}
	hn, ok := d.names[string(name)]
	if !ok {
		raw := string(name)
		hn = harName{raw: raw, canon: http.CanonicalHeaderKey(raw)}
		hn.drop = d.keepReq != nil && !d.keepReq[hn.canon]
		if len(d.names) >= 512 {
			return hn // a recording of ever new names: keep none
		}
		d.names[raw] = hn
	}
	if i < 64 {
		for len(last) <= i {
			last = append(last, harName{})
		}
		last[i] = hn
		d.lastNames[side] = last
	}
	return hn
}

// headerMaps builds the entry's request and response headers from the
// arena with one string and one slice for all values; all is that string,
// which request.url is also part of. With WithReusedBuffers, the maps and the
// slice are those of the entry before, emptied.
func (d *Decoder) headerMaps() (req, resp http.Header, all string) {
	nResp := 0
	for _, sp := range d.spans {
		if sp.resp {
			nResp++
		}
	}
	var vals []string
	if d.reuse {
		if d.reqH == nil {
			d.reqH, d.respH = make(http.Header, len(d.spans)-nResp), make(http.Header, nResp)
		} else {
			clear(d.reqH)
			clear(d.respH)
		}
		req, resp = d.reqH, d.respH
		if cap(d.vals) < len(d.spans) {
			d.vals = make([]string, len(d.spans))
		}
		vals = d.vals[:len(d.spans)]
	} else {
		req, resp = make(http.Header, len(d.spans)-nResp), make(http.Header, nResp)
		if len(d.spans) > 0 {
			vals = make([]string, len(d.spans))
		}
	}
	if len(d.arena) > 0 {
		all = string(d.arena)
	}
	for i, sp := range d.spans {
		vals[i] = all[sp.start:sp.end]
		h := req
		if sp.resp {
			h = resp
		}
		if old, ok := h[sp.name]; ok {
			h[sp.name] = append(old, vals[i])
		} else {
			h[sp.name] = vals[i : i+1 : i+1]
		}
	}
	return req, resp, all
}

// harMethod spares an allocation for the methods every recording is made of.
func harMethod(b []byte) string {
	switch string(b) {
	case "GET":
		return "GET"
	case "POST":
		return "POST"
	case "PUT":
		return "PUT"
	case "PATCH":
		return "PATCH"
	case "DELETE":
		return "DELETE"
	case "HEAD":
		return "HEAD"
	case "OPTIONS":
		return "OPTIONS"
	}
	return string(b)
}

// intern returns a shared copy of a short string recordings repeat, such
// as a media type.
func (d *Decoder) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.strs) < 256 && len(b) <= 256 {
		d.strs[s] = s
	}
	return s
}

// expectObject reads the members of a value that must be an object (or
// null, which HAR writers use for "absent"); fn reads each value.
func (d *Decoder) expectObject(fn func(key []byte) error) error {
	more, err := d.expectOpenObject()
	for more && err == nil {
		if err = fn(d.key); err == nil {
			more, err = d.nextMember()
		}
	}
	return err
}

// openObject consumes the '{' that is the next token and reads the first
// member name into d.key; more is false for an empty object.
func (d *Decoder) openObject() (more bool, err error) {
	if err := d.s.enter(); err != nil {
		return false, err
	}
	d.s.pos++ // '{'
	c, err := d.s.next()
	if err != nil {
		return false, err
	}
	if c == '}' {
		d.s.pos++
		d.s.depth--
		return false, nil
	}
	return true, d.memberName(c)
}

// expectOpenObject is openObject for a value that must be an object or
// null (more is false).
func (d *Decoder) expectOpenObject() (more bool, err error) {
	c, err := d.s.next()
	if err != nil {
		return false, err
	}
	switch c {
	case '{':
		return d.openObject()
	case 'n':
		return false, d.s.literal("null")
	}
	return false, fmt.Errorf("expected an object, found %s", quoteByte(c))
}

// memberName reads a member name and its ':' into d.key; c is the next
// byte. A name too long to be one of ours reads as empty.
func (d *Decoder) memberName(c byte) error {
	if c != '"' {
		return fmt.Errorf("expected a member name, found %s", quoteByte(c))
	}
	d.s.pos++
	// A name with no escape, whole in the buffer with the ':' and the
	// first byte of its value, is looked at where it lies: nothing more is
	// read, so the buffer does not move, until the caller has matched it.
	rest := d.s.buf[d.s.pos:d.s.end]
	if n := plainRun(rest); n < len(rest) && rest[n] == '"' {
		if after := rest[n+1:]; len(after) >= 3 && after[0] == ':' {
			skip := 2 // the quote and ':'
			if after[1] == ' ' {
				skip++
			}
			if after[skip-1] > ' ' {
				d.key = rest[:n:n]
				if n > 256 {
					d.key = nil // too long to be one of ours
				}
				d.s.pos += n + skip
				return nil
			}
		}
	}
	var cut bool
	var err error
	d.key, cut, err = d.s.str(d.keyBuf[:0], 256)
	if err != nil {
		return err
	}
	d.keyBuf = d.key
	if cut {
		d.key = d.key[:0]
	}
	if c, err = d.s.next(); err != nil {
		return err
	}
	if c != ':' {
		return fmt.Errorf("expected ':' after a member name, found %s", quoteByte(c))
	}
	d.s.pos++
	_, err = d.s.next()
	return err
}

// nextMember reads what follows a member's value: the next member name
// (more), or the '}' that closes the object.
func (d *Decoder) nextMember() (more bool, err error) {
	c, err := d.s.next()
	if err != nil {
		return false, err
	}
	d.s.pos++
	switch c {
	case ',':
		if c, err = d.s.next(); err != nil {
			return false, err
		}
		return true, d.memberName(c)
	case '}':
		d.s.depth--
		return false, nil
	}
	return false, fmt.Errorf("expected ',' or '}' in an object, found %s", quoteByte(c))
}

// array reads the elements of an array (or null); fn reads each element.
func (d *Decoder) array(fn func() error) error {
	more, err := d.openArray()
	for more && err == nil {
		if err = fn(); err == nil {
			more, err = d.nextElement()
		}
	}
	return err
}

// openArray consumes the '[' of a value that must be an array or null;
// more says an element is next.
func (d *Decoder) openArray() (more bool, err error) {
	if ok, err := d.open('[', "an array"); !ok {
		return false, err
	}
	if err := d.s.enter(); err != nil {
		return false, err
	}
	c, err := d.s.next()
	if err != nil {
		return false, err
	}
	if c == ']' {
		d.s.pos++
		d.s.depth--
		return false, nil
	}
	return true, nil
}

// nextElement reads what follows an element: ',' (more) or ']'.
func (d *Decoder) nextElement() (more bool, err error) {
	c, err := d.s.next()
	if err != nil {
		return false, err
	}
	d.s.pos++
	switch c {
	case ',':
		return true, nil
	case ']':
		d.s.depth--
		return false, nil
	}
	return false, fmt.Errorf("expected ',' or ']' in an array, found %s", quoteByte(c))
}

// stringBytes reads a string (or null, as empty) into dst.
func (d *Decoder) stringBytes(dst []byte) ([]byte, error) {
	if ok, err := d.open('"', "a string"); !ok {
		return dst, err
	}
	dst, cut, err := d.s.str(dst, int64(len(dst))+harMaxString)
	if err == nil && cut {
		err = fmt.Errorf("a string longer than %d bytes", harMaxString)
	}
	return dst, err
}

// open consumes the opening byte of a value that must start with it, or a
// null (ok=false, nil error): HAR writers use null for "absent".
func (d *Decoder) open(want byte, what string) (ok bool, err error) {
	c, err := d.s.next()
	switch {
	case err != nil:
		return false, err
	case c == want:
		d.s.pos++
		return true, nil
	case c == 'n':
		return false, d.s.literal("null")
	}
	return false, fmt.Errorf("expected %s, found %s", what, quoteByte(c))
}

// number reads a number (or null: ok=false).
func (d *Decoder) number() (f float64, ok bool, err error) {
	c, err := d.s.next()
	if err != nil {
		return 0, false, err
	}
	if c == 'n' {
		return 0, false, d.s.literal("null")
	}
	tok, err := d.s.numberToken()
	if err != nil {
		return 0, false, err
	}
	f, err = strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return 0, false, fmt.Errorf("malformed number %q", tok)
	}
	return f, true, nil
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// parseSimpleURL parses the URLs recordings are made of,
// scheme://host[:port]/path?query with nothing to unescape, to what
// url.Parse makes of them, without its allocations and checks; ok is false
// for any other URL, which url.Parse then reads.
func parseSimpleURL(raw string) (u url.URL, ok bool) {
	i := 0
	for i < len(raw) && 'a' <= raw[i] && raw[i] <= 'z' {
		i++
	}
	if i == 0 || len(raw)-i < 4 || raw[i:i+3] != "://" {
		return u, false
	}
	u.Scheme = raw[:i]
	rest := raw[i+3:]
	hostEnd := len(rest)
	for j := 0; j < len(rest); j++ {
		if c := rest[j]; c == '/' || c == '?' {
			hostEnd = j
			break
		}
	}
	host := rest[:hostEnd]
	if host == "" {
		return u, false
	}
	colon := false
	for j := 0; j < len(host); j++ {
		switch c := host[j]; {
		case colon:
			if c < '0' || c > '9' {
				return u, false
			}
		case c == ':':
			colon = true
		case !urlUnreserved(c):
			return u, false
		}
	}
	u.Host = host
	rest = rest[hostEnd:]
	path := rest
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		path, u.RawQuery = rest[:q], rest[q+1:]
		if u.RawQuery == "" {
			return u, false // url.Parse sets ForceQuery
		}
		for j := 0; j < len(u.RawQuery); j++ {
			if c := u.RawQuery[j]; c <= ' ' || c >= 0x7f || c == '#' {
				return u, false
			}
		}
	}
	for j := 0; j < len(path); j++ {
		switch c := path[j]; c {
		case '$', '&', '+', ',', '/', ':', ';', '=', '@':
		default:
			if !urlUnreserved(c) {
				return u, false
			}
		}
	}
	u.Path = path
	return u, true
}

// urlUnreserved reports whether c is one of RFC 3986's unreserved
// characters: those a URL never escapes.
func urlUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
