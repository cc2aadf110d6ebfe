package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// h1Transport is an HTTP/1.1 client for the one upstream that does each
// round trip on the calling goroutine: http.Transport hands every request
// to two goroutines per connection, and those switches cost more than the
// proxying itself on a small machine. Anything it does not handle (another
// host, a protocol upgrade) goes to fallback.
type h1Transport struct {
	scheme   string
	host     string // as in the URL
	addr     string // host:port to dial
	tls      *tls.Config
	dialer   net.Dialer
	idle     chan *h1Conn
	fallback http.RoundTripper
}

type h1Conn struct {
	c  net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

func newH1Transport(scheme, host string, fallback http.RoundTripper) *h1Transport {
	addr := host
	if _, _, err := net.SplitHostPort(host); err != nil {
		port := "80"
		if scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(strings.Trim(host, "[]"), port)
	}
	t := &h1Transport{
		scheme: scheme, host: host, addr: addr,
		dialer:   net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second},
		idle:     make(chan *h1Conn, 1024),
		fallback: fallback,
	}
	if scheme == "https" {
		name, _, err := net.SplitHostPort(addr)
		if err != nil {
			name = host
		}
		// Verification stays on; only HTTP/1.1 is offered, as this client
		// speaks nothing else.
		t.tls = &tls.Config{ServerName: name, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}
	}
	return t
}

var errStale = errors.New("proxy: upstream closed a kept-alive connection")

func (t *h1Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != t.host || req.URL.Scheme != t.scheme || req.Header.Get("Upgrade") != "" {
		return t.fallback.RoundTrip(req)
	}
	start := time.Now()
	replayable := (req.Body == nil || req.Body == http.NoBody) &&
		(req.Method == http.MethodGet || req.Method == http.MethodHead || req.Method == http.MethodOptions || req.Method == http.MethodDelete)
	for {
		pc, reused, err := t.conn(req.Context())
		if err != nil {
			return nil, err
		}
		resp, err := t.exchange(pc, req)
		if err == nil {
			resp.Body.(*h1Body).start = start
			return resp, nil
		}
		pc.c.Close()
		// A kept-alive connection the upstream has meanwhile closed fails
		// at once; a request that can be sent again is, on a new one.
		if !(reused && replayable) || req.Context().Err() != nil {
			return nil, err
		}
	}
}

func (t *h1Transport) conn(ctx context.Context) (*h1Conn, bool, error) {
	select {
	case pc := <-t.idle:
		return pc, true, nil
	default:
	}
	c, err := t.dialer.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, false, err
	}
	if t.tls != nil {
		tc := tls.Client(c, t.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, false, err
		}
		c = tc
	}
	return &h1Conn{c: c, br: bufio.NewReaderSize(c, 4096), bw: bufio.NewWriterSize(c, 4096)}, false, nil
}

// exchange writes req and reads the response head; the body is read by
// the caller through the returned response.
func (t *h1Transport) exchange(pc *h1Conn, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// A client that goes away unblocks whatever waits on the connection.
	stop := context.AfterFunc(ctx, func() { _ = pc.c.SetDeadline(time.Unix(1, 0)) })
	if err := writeRequest(pc.bw, req); err != nil {
		stop()
		return nil, err
	}
	if err := pc.bw.Flush(); err != nil {
		stop()
		return nil, err
	}
	for {
		resp, err := http.ReadResponse(pc.br, req)
		if err != nil {
			stop()
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = errStale
			}
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			return nil, err
		}
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			continue // interim responses are not forwarded
		}
		resp.Body = &h1Body{rc: resp.Body, t: t, pc: pc, stop: stop, keep: !resp.Close && !req.Close}
		return resp, nil
	}
}

// h1Body gives the connection back to the pool once the body was read to
// its end, and closes it otherwise.
type h1Body struct {
	rc    io.ReadCloser
	t     *h1Transport
	pc    *h1Conn
	stop  func() bool
	keep  bool
	eof   bool
	once  sync.Once
	start time.Time // when the round trip began
}

func (b *h1Body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *h1Body) Close() error {
	var err error
	b.once.Do(func() {
		cancelled := !b.stop()
		if !b.eof || !b.keep || cancelled {
			// Closing the connection first keeps the body's Close from
			// draining what is left, which may never end.
			b.pc.c.Close()
			err = b.rc.Close()
			return
		}
		err = b.rc.Close()
		select {
		case b.t.idle <- b.pc:
		default:
			b.pc.c.Close()
		}
	})
	return err
}

// closeIdle closes the pooled connections.
func (t *h1Transport) closeIdle() {
	for {
		select {
		case pc := <-t.idle:
			pc.c.Close()
		default:
			return
		}
	}
}

// writeRequest writes req as req.Write does. A GET or HEAD without a body,
// nearly every request a Webex client sends, is written here directly:
// req.Write's formatting and framing machinery costs more than the rest of
// forwarding it. The bytes are the same.
func writeRequest(w *bufio.Writer, req *http.Request) error {
	if (req.Method != http.MethodGet && req.Method != http.MethodHead) || (req.Body != nil && req.Body != http.NoBody) ||
		req.ContentLength != 0 || len(req.TransferEncoding) > 0 || len(req.Trailer) > 0 || req.Close ||
		req.URL.Opaque != "" || req.URL.Host == "" {
		return req.Write(w)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	ruri := req.URL.RequestURI()
	if !plainHost(host) || strings.ContainsFunc(ruri, isCTL) || httptrace.ContextClientTrace(req.Context()) != nil {
		return req.Write(w) // punycode, zones, errors, tracing: net/http knows
	}
	_, _ = w.WriteString(req.Method)
	_ = w.WriteByte(' ')
	_, _ = w.WriteString(ruri)
	_, _ = w.WriteString(" HTTP/1.1\r\nHost: ")
	_, _ = w.WriteString(host)
	_, _ = w.WriteString("\r\n")
	ua := "Go-http-client/1.1"
	if v, ok := req.Header["User-Agent"]; ok {
		ua = ""
		if len(v) > 0 {
			ua = v[0]
		}
	}
	if ua != "" {
		writeField(w, "User-Agent", ua)
	}
	// In key order, as req.Write; the fields it writes itself are left out.
	var small [16]string
	keys := small[:0]
	for k := range req.Header {
		switch k {
		case "Host", "User-Agent", "Content-Length", "Transfer-Encoding", "Trailer":
			continue
		}
		if !httpheader.IsToken(k) {
			continue // dropped, as req.Write does
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			writeField(w, k, v)
		}
	}
	_, err := w.WriteString("\r\n")
	return err
}

var newlineToSpace = strings.NewReplacer("\n", " ", "\r", " ")

// writeField writes one header field; line breaks in the value become
// spaces and surrounding blanks go, as in http.Header.Write.
func writeField(w *bufio.Writer, k, v string) {
	_, _ = w.WriteString(k)
	_, _ = w.WriteString(": ")
	if strings.ContainsAny(v, "\r\n") {
		v = newlineToSpace.Replace(v)
	}
	_, _ = w.WriteString(textproto.TrimString(v))
	_, _ = w.WriteString("\r\n")
}

func isCTL(r rune) bool { return r < ' ' || r == 0x7f }

// plainHost reports whether host (host or host:port) is ASCII letters,
// digits, dots, dashes and a port: what req.Write sends unchanged.
func plainHost(host string) bool {
	if host == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':') {
			return false
		}
	}
	return true
}
