package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
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
	if err := req.Write(pc.bw); err != nil {
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
