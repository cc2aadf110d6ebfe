package conformance

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
)

// HAREntry is one entry of a HAR recording, turned into an exchange.
type HAREntry struct {
	// Index is the entry's position in log.entries, from 0.
	Index    int
	Exchange Exchange
	// TimeMS is the entry's recorded total time in milliseconds.
	TimeMS float64
	// Skip says why the entry cannot be judged (no response was recorded,
	// the body was not saved, the URL does not parse); empty otherwise.
	Skip string
}

// HARError is a recording that is not a well-formed HAR 1.2 document.
type HARError struct {
	// Entry is the index of the entry being read, or -1 outside entries.
	Entry int
	// Offset is the byte offset in the input where reading stopped.
	Offset int64
	Err    error
}

func (e *HARError) Error() string {
	if e.Entry >= 0 {
		return fmt.Sprintf("entry %d (byte %d): %v", e.Entry, e.Offset, e.Err)
	}
	return fmt.Sprintf("byte %d: %v", e.Offset, e.Err)
}

func (e *HARError) Unwrap() error { return e.Err }

// HARReader reads HAR 1.2 recordings. Its zero value is ready to use.
type HARReader struct {
	// MaxBodyBytes caps the response body kept per entry; a longer body is
	// cut at MaxBodyBytes+1 bytes so that the engine still sees it is too
	// large, while memory stays bounded. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64

	// replay is set by Engine.ReplayHAR, which judges each entry inside the
	// callback and keeps nothing of it: the body may then alias the
	// reader's buffer, and of the request headers only Authorization, the
	// one the engine reads (to redact it), is kept.
	replay bool
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

// ReadHAR streams the entries of the HAR document read from r to fn, in
// order, with the default limits. See HARReader.Read.
func ReadHAR(r io.Reader, fn func(*HAREntry) error) error {
	return HARReader{}.Read(r, fn)
}

// Read streams the entries of the HAR document read from r to fn, in order,
// as it reads them: memory is bounded by one entry, not by the recording.
// Request and response headers become http.Header, a base64 content.text is
// decoded, HTTP/2 pseudo-headers are dropped; each entry is fn's to keep.
// An entry that cannot be judged (no response, body not saved) still comes,
// with Skip saying why. A document that is not well-formed JSON, or not a
// HAR (no log.entries), is a *HARError; entries already passed to fn stay
// passed. An error from fn stops the reading and is returned as it is.
func (h HARReader) Read(r io.Reader, fn func(*HAREntry) error) error {
	maxBody := h.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	p := &harParser{
		s:       harScanner{r: r, buf: make([]byte, harBufSize)},
		maxBody: maxBody,
		replay:  h.replay,
		fn:      fn,
		entry:   -1,
		names:   make(map[string]string),
		strs:    make(map[string]string),
	}
	err := p.document()
	var ue *harUserError
	if errors.As(err, &ue) {
		return ue.err
	}
	if err != nil {
		return &HARError{Entry: p.entry, Offset: p.s.offset(), Err: err}
	}
	return nil
}

// harUserError carries an error from the callback through the parser
// untouched.
type harUserError struct{ err error }

func (e *harUserError) Error() string { return e.err.Error() }

type harParser struct {
	s       harScanner
	maxBody int64
	replay  bool
	fn      func(*HAREntry) error
	entry   int
	// names interns canonical header names: recordings repeat the same few.
	names map[string]string

	strs map[string]string

	sawLog, sawEntries bool
	key                []byte
	// Scratch reused from entry to entry.
	nameBuf, textBuf, arena []byte
	spans                   []harSpan
}

func (p *harParser) document() error {
	c, err := p.s.nonSpace()
	if err == io.EOF {
		return errors.New("empty file, not a HAR document")
	}
	if err != nil {
		return err
	}
	if c != '{' {
		return fmt.Errorf("a HAR document is a JSON object, found %s", quoteByte(c))
	}
	err = p.object(func(key []byte) error {
		if string(key) == "log" {
			p.sawLog = true
			return p.expectObject(p.logMember)
		}
		return p.s.skipValue()
	})
	if err != nil {
		return err
	}
	if _, err := p.s.nonSpace(); err != io.EOF {
		if err != nil {
			return err
		}
		return errors.New("data after the HAR document")
	}
	switch {
	case !p.sawLog:
		return errors.New("no \"log\" object: not a HAR document")
	case !p.sawEntries:
		return errors.New("no \"log.entries\" array: not a HAR document")
	}
	return nil
}

func (p *harParser) logMember(key []byte) error {
	if string(key) != "entries" {
		return p.s.skipValue()
	}
	p.sawEntries = true
	n := 0
	err := p.array(func() error {
		p.entry = n
		e := &HAREntry{Index: n, TimeMS: -1}
		var raw harRaw
		p.arena, p.spans = p.arena[:0], p.spans[:0]
		if err := p.expectObject(func(key []byte) error { return p.entryMember(e, &raw, key) }); err != nil {
			return err
		}
		p.finish(e, &raw)
		n++
		p.entry = n // a break from here on is before the next entry
		if err := p.fn(e); err != nil {
			return &harUserError{err}
		}
		return nil
	})
	if err == nil {
		p.entry = -1
	}
	return err
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
	method, url string
	status      int
	statusSet   bool
	nResp       int // response headers recorded
	content     harContent
}

// harSpan is one header whose value sits in the parser's arena until the
// entry is complete: all values of an entry then share one allocation.
type harSpan struct {
	name       string
	start, end int
	resp       bool
}

func (p *harParser) entryMember(e *HAREntry, raw *harRaw, key []byte) error {
	switch string(key) {
	case "request":
		return p.expectObject(func(key []byte) error {
			switch string(key) {
			case "method":
				b, err := p.stringBytes(p.nameBuf[:0])
				p.nameBuf = b
				raw.method = harMethod(b)
				return err
			case "url":
				return p.stringInto(&raw.url)
			case "headers":
				return p.headers(false)
			}
			return p.s.skipValue()
		})
	case "response":
		return p.expectObject(func(key []byte) error {
			switch string(key) {
			case "status":
				f, ok, err := p.number()
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
				return p.headers(true)
			case "content":
				return p.expectObject(func(key []byte) error { return p.contentMember(&raw.content, key) })
			}
			return p.s.skipValue()
		})
	case "time":
		f, ok, err := p.number()
		e.TimeMS = -1
		if ok {
			e.TimeMS = f
		}
		return err
	}
	return p.s.skipValue()
}

func (p *harParser) contentMember(c *harContent, key []byte) error {
	switch string(key) {
	case "mimeType":
		b, err := p.stringBytes(p.nameBuf[:0])
		p.nameBuf = b
		c.mimeType = p.intern(b)
		return err
	case "encoding":
		return p.stringInto(&c.encoding)
	case "size":
		f, _, err := p.number()
		c.size = int64(f)
		return err
	case "text":
		c.text, c.cut = nil, false
		if ok, err := p.open('"', "content.text to be a string"); !ok {
			return err
		}
		var err error
		// base64 takes 4 bytes for 3; keep enough of it to decode one byte
		// past the cap.
		limit := p.maxBody + 1
		limit = limit/3*4 + 8
		c.text, c.cut, err = p.s.str(p.textBuf[:0], limit)
		p.textBuf = c.text // reused; finish copies the body out unless replaying
		return err
	}
	return p.s.skipValue()
}

func (p *harParser) finish(e *HAREntry, raw *harRaw) {
	x := &e.Exchange
	x.Request.Method = raw.method
	x.Request.Header, x.Response.Header = p.headerMaps()
	raw.nResp = len(x.Response.Header)
	x.Response.Status = raw.status
	switch {
	case raw.method == "":
		e.Skip = "the entry records no request method"
	case raw.url == "":
		e.Skip = "the entry records no request URL"
	case !raw.statusSet || raw.status == 0:
		e.Skip = "no response was recorded (status 0: the request failed, was blocked or aborted)"
	}
	if raw.url != "" {
		u, err := url.Parse(raw.url)
		if err != nil {
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
	case strings.EqualFold(c.encoding, "base64"):
		body, err := decodeHARBase64(c.text, c.cut)
		if err != nil {
			if e.Skip == "" {
				e.Skip = "content.text is not valid base64: " + err.Error()
			}
			break
		}
		x.Response.Body = capBody(body, p.maxBody)
	case c.encoding == "":
		x.Response.Body = capBody(c.text, p.maxBody)
		if !p.replay {
			x.Response.Body = bytes.Clone(x.Response.Body)
		}
	default:
		if e.Skip == "" {
			e.Skip = fmt.Sprintf("content.encoding %q is not supported (only base64)", c.encoding)
		}
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

func decodeHARBase64(text []byte, cut bool) ([]byte, error) {
	if cut {
		text = text[:len(text)/4*4]
	}
	text = stripBase64Space(text)
	dst := make([]byte, base64.RawStdEncoding.DecodedLen(len(text))+3)
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
func (p *harParser) headers(resp bool) error {
	kept := p.spans[:0]
	for _, sp := range p.spans {
		if sp.resp != resp {
			kept = append(kept, sp)
		}
	}
	p.spans = kept
	n := 0
	return p.array(func() error {
		n++
		if n > harMaxHeaders {
			return fmt.Errorf("more than %d headers in one message", harMaxHeaders)
		}
		var haveName bool
		start, end := -1, -1
		p.nameBuf = p.nameBuf[:0]
		err := p.expectObject(func(key []byte) error {
			var err error
			switch string(key) {
			case "name":
				p.nameBuf, err = p.stringBytes(p.nameBuf[:0])
				haveName = true
				return err
			case "value":
				start = len(p.arena)
				p.arena, err = p.stringBytes(p.arena)
				end = len(p.arena)
				return err
			}
			return p.s.skipValue()
		})
		if err != nil {
			return err
		}
		if len(p.arena) > harMaxString*8 {
			return fmt.Errorf("header values larger than %d bytes in one entry", harMaxString*8)
		}
		name := p.nameBuf
		if !haveName || len(name) == 0 {
			return errors.New("a header without a name")
		}
		if name[0] == ':' {
			return nil // an HTTP/2 pseudo-header: :status, :path, ...
		}
		canon, ok := p.names[string(name)]
		if !ok {
			canon = http.CanonicalHeaderKey(string(name))
			if len(p.names) < 512 {
				p.names[string(name)] = canon
			}
		}
		if !resp && p.replay && canon != "Authorization" {
			if start >= 0 {
				p.arena = p.arena[:start]
			}
			return nil
		}
		if start < 0 {
			start, end = 0, 0
		}
		p.spans = append(p.spans, harSpan{name: canon, start: start, end: end, resp: resp})
		return nil
	})
}

// headerMaps builds the entry's request and response headers from the
// arena with one string and one slice for all values.
func (p *harParser) headerMaps() (req, resp http.Header) {
	nResp := 0
	for _, sp := range p.spans {
		if sp.resp {
			nResp++
		}
	}
	req, resp = make(http.Header, len(p.spans)-nResp), make(http.Header, nResp)
	if len(p.spans) == 0 {
		return req, resp
	}
	all := string(p.arena)
	vals := make([]string, len(p.spans))
	for i, sp := range p.spans {
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
	return req, resp
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
func (p *harParser) intern(b []byte) string {
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.strs) < 256 && len(b) <= 256 {
		p.strs[s] = s
	}
	return s
}

// object reads the members of an object whose '{' is the next token; fn
// reads each value.
func (p *harParser) object(fn func(key []byte) error) error {
	if err := p.s.enter(); err != nil {
		return err
	}
	p.s.pos++ // '{'
	c, err := p.s.next()
	if err != nil {
		return err
	}
	if c == '}' {
		p.s.pos++
		p.s.depth--
		return nil
	}
	for {
		if c != '"' {
			return fmt.Errorf("expected a member name, found %s", quoteByte(c))
		}
		p.s.pos++
		var cut bool
		p.key, cut, err = p.s.str(p.key[:0], 256)
		if err != nil {
			return err
		}
		if cut {
			p.key = p.key[:0] // a name this long is none of ours
		}
		if c, err = p.s.next(); err != nil {
			return err
		}
		if c != ':' {
			return fmt.Errorf("expected ':' after a member name, found %s", quoteByte(c))
		}
		p.s.pos++
		if _, err := p.s.next(); err != nil {
			return err
		}
		if err := fn(p.key); err != nil {
			return err
		}
		if c, err = p.s.next(); err != nil {
			return err
		}
		p.s.pos++
		switch c {
		case ',':
			if c, err = p.s.next(); err != nil {
				return err
			}
		case '}':
			p.s.depth--
			return nil
		default:
			return fmt.Errorf("expected ',' or '}' in an object, found %s", quoteByte(c))
		}
	}
}

// expectObject is object for a value that must be an object (or null,
// which HAR writers use for "absent").
func (p *harParser) expectObject(fn func(key []byte) error) error {
	c, err := p.s.next()
	if err != nil {
		return err
	}
	switch c {
	case '{':
		return p.object(fn)
	case 'n':
		return p.s.literal("null")
	}
	return fmt.Errorf("expected an object, found %s", quoteByte(c))
}

// array reads the elements of an array (or null); fn reads each element.
func (p *harParser) array(fn func() error) error {
	if ok, err := p.open('[', "an array"); !ok {
		return err
	}
	if err := p.s.enter(); err != nil {
		return err
	}
	c, err := p.s.next()
	if err != nil {
		return err
	}
	if c == ']' {
		p.s.pos++
		p.s.depth--
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		if c, err = p.s.next(); err != nil {
			return err
		}
		p.s.pos++
		switch c {
		case ',':
		case ']':
			p.s.depth--
			return nil
		default:
			return fmt.Errorf("expected ',' or ']' in an array, found %s", quoteByte(c))
		}
	}
}

// stringBytes reads a string (or null, as empty) into dst.
func (p *harParser) stringBytes(dst []byte) ([]byte, error) {
	if ok, err := p.open('"', "a string"); !ok {
		return dst, err
	}
	dst, cut, err := p.s.str(dst, int64(len(dst))+harMaxString)
	if err == nil && cut {
		err = fmt.Errorf("a string longer than %d bytes", harMaxString)
	}
	return dst, err
}

// open consumes the opening byte of a value that must start with it, or a
// null (ok=false, nil error): HAR writers use null for "absent".
func (p *harParser) open(want byte, what string) (ok bool, err error) {
	c, err := p.s.next()
	switch {
	case err != nil:
		return false, err
	case c == want:
		p.s.pos++
		return true, nil
	case c == 'n':
		return false, p.s.literal("null")
	}
	return false, fmt.Errorf("expected %s, found %s", what, quoteByte(c))
}

func (p *harParser) stringInto(dst *string) error {
	b, err := p.stringBytes(nil)
	*dst = string(b)
	return err
}

// number reads a number (or null: ok=false).
func (p *harParser) number() (f float64, ok bool, err error) {
	c, err := p.s.next()
	if err != nil {
		return 0, false, err
	}
	if c == 'n' {
		return 0, false, p.s.literal("null")
	}
	tok, err := p.s.numberToken()
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
