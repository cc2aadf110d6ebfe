package h1

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server serves a handler over HTTP/1.1. It does less per request than
// net/http's Server, which matters when a load test shares a small machine
// with the server: a connection is watched for the client going away only
// once a request has run for 100 ms (net/http starts a goroutine for that
// on every request), requests share their connection's context, read
// deadlines move at most once a second, and the Date header is formatted
// once a second. The price is what the mock and the proxy do not need: no
// HTTP/2, no TLS, no Hijack, no trailers, and no watch while a handler has
// not read the request body to its end.
//
// Requests are parsed by net/http (http.ReadRequest); the response is
// framed by Content-Length when the handler finishes within the write
// buffer, chunked (or, for HTTP/1.0, ended by closing) beyond it.
type Server struct {
	// Handler answers each request.
	Handler http.Handler
	// IdleTimeout is how long a connection may take to deliver its next
	// request, head and body; 0 means 2 minutes.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps a request's head; a larger one is answered 431.
	// 0 means 64 KiB.
	MaxHeaderBytes int
	// ErrorLog receives handler panics; nil means the log package's
	// standard logger.
	ErrorLog *log.Logger

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*h1Conn]struct{}
	closing   atomic.Bool
	done      chan struct{} // closed when the last connection ends during shutdown
	baseCtx   context.Context
	cancel    context.CancelFunc
}

const (
	defaultIdleTimeout    = 2 * time.Minute
	defaultMaxHeaderBytes = 64 << 10
	// Deadlines are refreshed when they have slid this far (or a tenth of
	// IdleTimeout if less): a connection gets at least IdleTimeout less
	// that for its next request.
	deadlineSlack = time.Second
	// A response up to this size is sent with a Content-Length in one
	// write; a larger one is streamed.
	writeBufferSize = 16 << 10
	// The largest write buffer a connection keeps between requests.
	keptBufferSize = 4 << 10
	// What is left of a request body the handler did not read is drained
	// up to this many bytes to keep the connection; beyond, it is closed.
	maxDrainBytes = 256 << 10
)

// Serve accepts connections on ln and serves each on its own goroutine
// until Shutdown; it then returns http.ErrServerClosed. Any other accept
// error that is not temporary ends it.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return http.ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
		s.conns = map[*h1Conn]struct{}{}
		s.baseCtx, s.cancel = context.WithCancel(context.Background())
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
		ln.Close()
	}()
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			var ne interface{ Temporary() bool }
			if errors.As(err, &ne) && ne.Temporary() {
				// Out of file descriptors and the like: wait, as net/http does.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		hc := s.newConn(c)
		if hc == nil {
			c.Close()
			return http.ErrServerClosed
		}
		go hc.serve()
	}
}

// Shutdown stops accepting, closes idle connections, lets the requests in
// progress finish and closes their connections after them. When ctx ends
// first, it closes every connection and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closing.Swap(true) {
		done := s.done
		s.mu.Unlock()
		if done == nil {
			return nil
		}
		return waitDone(ctx, done, s)
	}
	for ln := range s.listeners {
		ln.Close()
	}
	s.done = make(chan struct{})
	if len(s.conns) == 0 {
		close(s.done)
	}
	for c := range s.conns {
		c.closeIfIdle()
	}
	done := s.done
	s.mu.Unlock()
	return waitDone(ctx, done, s)
}

func waitDone(ctx context.Context, done chan struct{}, s *Server) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.rwc.Close()
		}
		if s.cancel != nil {
			s.cancel()
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}

func (s *Server) newConn(c net.Conn) *h1Conn {
	maxHeader := s.MaxHeaderBytes
	if maxHeader <= 0 {
		maxHeader = defaultMaxHeaderBytes
	}
	idle := s.IdleTimeout
	if idle <= 0 {
		idle = defaultIdleTimeout
	}
	hc := &h1Conn{srv: s, rwc: c, idle: idle, slack: min(deadlineSlack, idle/10), maxHeader: int64(maxHeader), remote: c.RemoteAddr().String()}
	hc.lr = limitedConn{c: c}
	hc.wcond.L = &hc.wmu
	hc.watchTimer = time.AfterFunc(time.Hour, hc.watch)
	hc.watchTimer.Stop()
	hc.br = bufio.NewReaderSize(&hc.lr, 4096)
	hc.bw = bufio.NewWriterSize(c, 4096)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return nil
	}
	// A context per connection, as net/http has: what a request derives
	// from it contends with that connection's requests only.
	hc.ctx, hc.cancel = context.WithCancel(s.baseCtx)
	s.conns[hc] = struct{}{}
	return hc
}

func (s *Server) forget(c *h1Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	if len(s.conns) == 0 && s.done != nil {
		select {
		case <-s.done:
		default:
			close(s.done)
		}
	}
	s.mu.Unlock()
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// Connection states, for Shutdown to close only idle connections.
const (
	connIdle int32 = iota
	connActive
	connClosed
)

type h1Conn struct {
	srv       *Server
	rwc       net.Conn
	ctx       context.Context
	cancel    context.CancelFunc
	remote    string
	idle      time.Duration
	slack     time.Duration
	maxHeader int64
	lr        limitedConn
	br        *bufio.Reader
	bw        *bufio.Writer
	state     atomic.Int32
	deadline  time.Time
	resp      response

	// A request that runs longer than watchDelay has its connection
	// watched, so that the request's context ends when the client goes
	// away; fast requests never pay for the watch.
	watchTimer *time.Timer
	wmu        sync.Mutex
	wcond      sync.Cond
	gen        uint64 // counts handled requests
	armed      bool   // the request's body is read; the connection may be watched
	watching   bool   // a read is waiting on the connection
	aborting   bool
}

// watchDelay is how long a request may run before its connection is
// watched for the client going away.
const watchDelay = 100 * time.Millisecond

// aLongTimeAgo is a deadline that ends a pending read at once.
var aLongTimeAgo = time.Unix(1, 0)

// arm lets the connection be watched from watchDelay on, if request gen
// is still being handled: a transport may read a body to its end after
// the handler returned.
func (c *h1Conn) arm(gen uint64) {
	c.wmu.Lock()
	if gen != c.gen {
		c.wmu.Unlock()
		return
	}
	c.armed = true
	c.wmu.Unlock()
	c.watchTimer.Reset(watchDelay)
}

// watch reads from the connection while the handler runs: an error means
// the client went away, and ends the connection's context; a byte is the
// start of the next request, kept for it.
func (c *h1Conn) watch() {
	c.wmu.Lock()
	if !c.armed || c.watching {
		c.wmu.Unlock()
		return
	}
	c.watching = true
	// The idle deadline is for waiting between requests, not for a long
	// response.
	_ = c.rwc.SetReadDeadline(time.Time{})
	c.wmu.Unlock()
	var b [1]byte
	n, err := c.rwc.Read(b[:])
	c.wmu.Lock()
	if n == 1 {
		c.lr.pending, c.lr.hasPending = b[0], true
	}
	if err != nil && !c.aborting {
		c.cancel()
	}
	c.watching = false
	c.wcond.Broadcast()
	c.wmu.Unlock()
}

// disarm stops the watch once the handler returned.
func (c *h1Conn) disarm() {
	c.watchTimer.Stop()
	c.wmu.Lock()
	c.armed = false
	c.gen++
	if c.watching {
		c.aborting = true
		_ = c.rwc.SetReadDeadline(aLongTimeAgo)
		for c.watching {
			c.wcond.Wait()
		}
		c.aborting = false
		c.deadline = time.Time{} // set again before the next read
	}
	c.wmu.Unlock()
}

// limitedConn lets the request head be read only up to a cap; the body is
// framed by http.ReadRequest's reader.
type limitedConn struct {
	c          net.Conn
	remain     int64 // < 0: no cap
	pending    byte  // read by the watch, not yet delivered
	hasPending bool
}

func (l *limitedConn) Read(p []byte) (int, error) {
	if l.remain == 0 {
		return 0, errHeadTooLarge
	}
	if l.hasPending && len(p) > 0 {
		p[0], l.hasPending = l.pending, false
		if l.remain > 0 {
			l.remain--
		}
		return 1, nil
	}
	if l.remain > 0 && int64(len(p)) > l.remain {
		p = p[:l.remain]
	}
	n, err := l.c.Read(p)
	if l.remain > 0 {
		l.remain -= int64(n)
	}
	return n, err
}

var errHeadTooLarge = errors.New("request head too large")

func (c *h1Conn) closeIfIdle() {
	if c.state.CompareAndSwap(connIdle, connClosed) {
		c.rwc.Close()
	}
}

func (c *h1Conn) serve() {
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			c.srv.logf("h1: panic serving %s: %v", c.remote, v)
		}
		c.rwc.Close()
		c.cancel()
		c.srv.forget(c)
	}()
	for {
		c.refreshDeadline()
		// Wait for the first byte as an idle connection, which Shutdown may
		// close; from there on the request is in progress.
		c.lr.remain = c.maxHeader
		if _, err := c.br.Peek(1); err != nil {
			return
		}
		if !c.state.CompareAndSwap(connIdle, connActive) {
			return
		}
		req, err := http.ReadRequest(c.br)
		c.lr.remain = -1
		if err != nil {
			c.badRequest(err)
			return
		}
		if !c.serveRequest(req) {
			return
		}
		if !c.state.CompareAndSwap(connActive, connIdle) || c.srv.closing.Load() {
			return
		}
	}
}

// refreshDeadline moves the read deadline IdleTimeout ahead, unless it was
// moved less than the slack ago: a deadline costs a trip through the
// runtime's poller.
func (c *h1Conn) refreshDeadline() {
	now := time.Now()
	if c.deadline.Sub(now) > c.idle-c.slack {
		return
	}
	c.deadline = now.Add(c.idle)
	_ = c.rwc.SetReadDeadline(c.deadline)
}

// badRequest answers a request that could not be parsed, as net/http does,
// before the connection is closed.
func (c *h1Conn) badRequest(err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return
	}
	status, text := http.StatusBadRequest, "400 Bad Request"
	switch {
	case errors.Is(err, errHeadTooLarge):
		status, text = http.StatusRequestHeaderFieldsTooLarge, "431 Request Header Fields Too Large"
	case strings.Contains(err.Error(), "unsupported transfer encoding"):
		status, text = http.StatusNotImplemented, "501 Not Implemented"
	case strings.Contains(err.Error(), "malformed HTTP version"):
		status, text = http.StatusHTTPVersionNotSupported, "505 HTTP Version Not Supported"
	}
	c.writePlain(status, text)
}

func (c *h1Conn) writePlain(status int, text string) {
	_, _ = fmt.Fprintf(c.bw, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		status, http.StatusText(status), len(text), text)
	_ = c.bw.Flush()
}

// serveRequest runs the handler on req and finishes its response; it
// reports whether the connection may carry another request.
func (c *h1Conn) serveRequest(req *http.Request) bool {
	if req.ProtoMajor != 1 {
		c.writePlain(http.StatusHTTPVersionNotSupported, "505 HTTP Version Not Supported")
		return false
	}
	// http.ReadRequest refuses repeated Host headers and drops the one.
	if req.Host == "" && req.ProtoAtLeast(1, 1) && req.Method != http.MethodConnect {
		c.writePlain(http.StatusBadRequest, "400 Bad Request: missing required Host header")
		return false
	}
	keep := !req.Close
	expect := false
	if ex, ok := req.Header["Expect"]; ok {
		if len(ex) != 1 || !strings.EqualFold(ex[0], "100-continue") || !req.ProtoAtLeast(1, 1) {
			c.writePlain(http.StatusExpectationFailed, "417 Expectation Failed")
			return false
		}
		expect = true
	}
	if req.Body == http.NoBody {
		c.arm(c.gen)
	} else {
		// One per request: a transport the handler gave the body to may
		// still read it after the handler returned.
		req.Body = &bodyReader{c: c, gen: c.gen, rc: req.Body, expect: expect}
	}
	req.RemoteAddr = c.remote
	req = req.WithContext(c.ctx)
	w := &c.resp
	w.reset(c, req)
	c.srv.Handler.ServeHTTP(w, req)
	c.disarm()
	// What is left of the body is read before the head goes out, so that
	// the head can say when the connection will not be kept.
	unread := false
	if b, ok := req.Body.(*bodyReader); ok {
		expecting := b.finish()
		if keep && !w.closeAfter {
			unread = !c.drain(b, expecting)
		} else {
			unread = !b.eof
		}
		if unread {
			keep = false
			w.closeAfter = true
		}
	}
	if !w.finish() {
		return false
	}
	if unread {
		// Closing with request bytes unread would reset the connection and
		// could lose the response on its way: let the client see the end
		// first, as net/http does.
		defer c.closeWriteAndWait()
	}
	// Pipelined requests are answered in one write.
	if c.br.Buffered() == 0 || !keep {
		if err := c.bw.Flush(); err != nil {
			return false
		}
	}
	return keep && !w.closeAfter
}

// drain reads what the handler left of the request body, so the next
// request starts where it should; it reports false for a body the client
// was told to hold back (100 Continue not sent) or one too long to read.
func (c *h1Conn) drain(b *bodyReader, expecting bool) bool {
	if expecting {
		return false
	}
	n, err := io.CopyN(io.Discard, b.rc, maxDrainBytes+1)
	if n > maxDrainBytes || (err != nil && err != io.EOF) {
		return false
	}
	b.eof = true
	return true
}

// rstAvoidanceDelay is how long a connection closed with request bytes
// unread waits after its last response, as in net/http.
const rstAvoidanceDelay = 500 * time.Millisecond

func (c *h1Conn) closeWriteAndWait() {
	_ = c.bw.Flush()
	if cw, ok := c.rwc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	time.Sleep(rstAvoidanceDelay)
}

// bodyReader is a request's body as the handler reads it: it sends "100
// Continue" first when the client waits for it, and arms the watch at the
// body's end.
type bodyReader struct {
	c      *h1Conn
	gen    uint64
	rc     io.ReadCloser
	mu     sync.Mutex
	done   bool // the handler returned: the body is the server's again
	expect bool // 100 Continue still to send
	eof    bool
}

// finish takes the body back once the handler returned, waiting for a
// read in progress; it reports whether the client still waits for 100
// Continue, so has not sent the body.
func (b *bodyReader) finish() (expecting bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = true
	return b.expect
}

func (b *bodyReader) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.expect {
		b.expect = false
		_, _ = b.c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := b.c.bw.Flush(); err != nil {
			return 0, err
		}
	}
	n, err := b.rc.Read(p)
	if err == io.EOF && !b.eof {
		b.eof = true
		b.c.arm(b.gen)
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.rc.Close() }

// response is the http.ResponseWriter of one request; a connection reuses
// its own.
type response struct {
	c       *h1Conn
	req     *http.Request
	header  http.Header
	status  int   // 0 until WriteHeader
	clen    int64 // the handler's Content-Length, -1 if none
	written int64
	head    []byte // status line and header fields, fixed at WriteHeader
	body    []byte // not yet sent
	// sent: the head went out; the body follows as framed.
	sent       bool
	chunked    bool
	noBody     bool // HEAD, 1xx, 204, 304
	closeAfter bool
	failed     bool // a write to the client failed
}

func (w *response) reset(c *h1Conn, req *http.Request) {
	h := w.header
	if h == nil || len(h) > 16 {
		h = make(http.Header, 4)
	} else {
		clear(h)
	}
	body := w.body[:0]
	if cap(body) > keptBufferSize {
		body = nil // many idle connections should not each hold a large one
	}
	*w = response{c: c, req: req, header: h, clen: -1, head: w.head[:0], body: body}
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	if code < 200 || code > 999 {
		// Interim responses are not sent: neither the mock nor the proxy
		// forwards any.
		if code >= 100 && code < 200 {
			return
		}
		panic("h1: invalid WriteHeader code " + strconv.Itoa(code))
	}
	w.status = code
	w.noBody = w.req.Method == http.MethodHead || code == http.StatusNoContent || code == http.StatusNotModified
	h := w.header
	if v := h["Content-Length"]; len(v) > 0 {
		if n, err := strconv.ParseInt(v[0], 10, 64); err == nil && n >= 0 {
			w.clen = n
		}
	}
	if v := h["Connection"]; len(v) > 0 && strings.EqualFold(v[0], "close") {
		w.closeAfter = true
	}
	if w.req.Close || w.c.srv.closing.Load() {
		w.closeAfter = true
	}
	w.head = appendHead(w.head, w.req.ProtoAtLeast(1, 1), code, h)
}

func (w *response) Write(p []byte) (int, error) {
	if w.status == 0 {
		if _, ok := w.header["Content-Type"]; !ok {
			w.header["Content-Type"] = []string{http.DetectContentType(p)}
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.noBody {
		if w.req.Method == http.MethodHead {
			w.written += int64(len(p))
			return len(p), nil
		}
		return 0, http.ErrBodyNotAllowed
	}
	if w.clen >= 0 && w.written+int64(len(p)) > w.clen {
		return 0, http.ErrContentLength
	}
	if w.failed {
		return 0, io.ErrClosedPipe
	}
	w.written += int64(len(p))
	if !w.sent && len(w.body)+len(p) <= writeBufferSize {
		w.body = append(w.body, p...)
		return len(p), nil
	}
	if !w.sent {
		w.sendHead(false)
	}
	w.sendBody(p)
	if w.failed {
		return 0, io.ErrClosedPipe
	}
	return len(p), nil
}

// Flush sends what the handler wrote so far.
func (w *response) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.sent {
		w.sendHead(false)
	}
	if err := w.c.bw.Flush(); err != nil {
		w.failed = true
	}
}

// sendHead writes the head with its framing: a Content-Length when the
// whole body is known (finished), else the handler's Content-Length,
// chunks for HTTP/1.1 or the end of the connection for HTTP/1.0.
func (w *response) sendHead(finished bool) {
	bw := w.c.bw
	_, _ = bw.Write(w.head)
	switch {
	case w.noBody && w.req.Method != http.MethodHead:
	case w.clen >= 0: // the handler's, already in the head
	case finished:
		var num [20]byte
		_, _ = bw.WriteString("Content-Length: ")
		_, _ = bw.Write(strconv.AppendInt(num[:0], w.written, 10))
		_, _ = bw.WriteString("\r\n")
	case w.noBody:
	case w.req.ProtoAtLeast(1, 1):
		w.chunked = true
		_, _ = bw.WriteString("Transfer-Encoding: chunked\r\n")
	default:
		w.closeAfter = true
	}
	if _, ok := w.header["Date"]; !ok {
		_, _ = bw.WriteString("Date: ")
		_, _ = bw.Write(httpDate())
		_, _ = bw.WriteString("\r\n")
	}
	if w.closeAfter {
		_, _ = bw.WriteString("Connection: close\r\n")
	} else if !w.req.ProtoAtLeast(1, 1) {
		_, _ = bw.WriteString("Connection: keep-alive\r\n")
	}
	_, err := bw.WriteString("\r\n")
	w.sent = true
	if err != nil {
		w.failed = true
	}
	if len(w.body) > 0 {
		body := w.body
		w.body = w.body[:0]
		w.sendBody(body)
	}
}

func (w *response) sendBody(p []byte) {
	if len(p) == 0 {
		return
	}
	bw := w.c.bw
	var err error
	if w.chunked {
		_, _ = bw.WriteString(strconv.FormatInt(int64(len(p)), 16))
		_, _ = bw.WriteString("\r\n")
		_, _ = bw.Write(p)
		_, err = bw.WriteString("\r\n")
	} else {
		_, err = bw.Write(p)
	}
	if err != nil {
		w.failed = true
	}
}

// finish completes the response after the handler returned; it reports
// whether the connection is still usable.
func (w *response) finish() bool {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.sent {
		w.sendHead(true)
	} else if w.chunked {
		_, _ = w.c.bw.WriteString("0\r\n\r\n")
	}
	if w.clen >= 0 && w.written != w.clen && !w.noBody {
		// The body is shorter than announced: only closing tells the client.
		_ = w.c.bw.Flush()
		return false
	}
	return !w.failed
}

// appendHead appends the status line and the header fields, sorted, with
// any line break in a value replaced by a space as net/http does.
func appendHead(b []byte, http11 bool, code int, h http.Header) []byte {
	if http11 {
		b = append(b, "HTTP/1.1 "...)
	} else {
		b = append(b, "HTTP/1.0 "...)
	}
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(code)...)
	b = append(b, "\r\n"...)
	var small [8]string
	keys := small[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !validFieldName(k) {
			continue
		}
		for _, v := range h[k] {
			b = append(b, k...)
			b = append(b, ": "...)
			for i := 0; i < len(v); i++ {
				c := v[i]
				if c == '\r' || c == '\n' {
					c = ' '
				}
				b = append(b, c)
			}
			b = append(b, "\r\n"...)
		}
	}
	return b
}

func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

// The Date header, formatted once a second.
type dateValue struct {
	sec int64
	b   []byte
}

var cachedDate atomic.Pointer[dateValue]

func httpDate() []byte {
	now := time.Now()
	sec := now.Unix()
	if d := cachedDate.Load(); d != nil && d.sec == sec {
		return d.b
	}
	d := &dateValue{sec: sec, b: now.UTC().AppendFormat(nil, http.TimeFormat)}
	cachedDate.Store(d)
	return d.b
}
