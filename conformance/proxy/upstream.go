package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"
)

// Upstream connection settings. The proxy talks to one host on behalf of
// many clients, so its pool is sized for their concurrency; idle
// connections are closed before a typical upstream keep-alive (60 s for
// most load balancers, 75 s for nginx) would close them, so that a request
// is seldom written into a connection the upstream is closing.
const (
	maxIdleUpstreamConns   = 256
	upstreamIdleTimeout    = 30 * time.Second
	defaultResponseTimeout = time.Minute
)

// newTransport returns the transport to the one upstream: HTTP/2 where a
// TLS upstream offers it, HTTP/1.1 otherwise, bodies passed as encoded,
// no proxy from the environment (the token goes to the configured
// upstream and nowhere else), and every HTTP/1.1 connection guarded.
func newTransport(tlsConf *tls.Config, responseTimeout time.Duration) *http.Transport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:                 nil,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleUpstreamConns,
		MaxIdleConnsPerHost:   maxIdleUpstreamConns,
		IdleConnTimeout:       upstreamIdleTimeout,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: responseTimeout,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return newGuardedConn(c), nil
	}
	t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if tlsConf != nil {
			cfg = tlsConf.Clone()
		}
		if cfg.ServerName == "" {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				host = addr
			}
			cfg.ServerName = host
		}
		cfg.NextProtos = []string{"h2", "http/1.1"}
		tc := tls.Client(raw, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		// HTTP/2 frames every response in its own stream; the transport
		// must see the *tls.Conn to speak it. HTTP/1.1 is guarded.
		if tc.ConnectionState().NegotiatedProtocol == "h2" {
			return tc, nil
		}
		return newGuardedConn(tc), nil
	}
	return t
}

// errEarlyResponse is an upstream answering a request with bytes it had
// sent before the request was written: the rest of an earlier response
// (beyond its Content-Length, a body after a 204) or unsolicited data.
var errEarlyResponse = errors.New("the upstream sent the response before the request was written (bytes left over from an earlier response?)")

// guardedConn keeps an HTTP/1.1 connection from answering one request with
// bytes that were there before it was written. http.Transport returns a
// connection to its pool as soon as a response is framed, and hands it at
// once to a waiting request; if the upstream sent more than the framing
// said, the transport's reader parses those bytes as the next request's
// response: another client's data. So a request is written only once the
// connection's reader is waiting on the socket (its buffer is then empty),
// and a response whose first byte was read before its request was written
// is refused (upstreamGuard).
type guardedConn struct {
	net.Conn
	mu      sync.Mutex
	ready   sync.Cond
	reading bool           // a Read is waiting on the socket
	closed  bool           // closed, or gave up waiting
	next    *upstreamGuard // the request about to be written; nil once it is
}

func newGuardedConn(c net.Conn) *guardedConn {
	g := &guardedConn{Conn: c}
	g.ready.L = &g.mu
	return g
}

func (c *guardedConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	c.reading = true
	if c.next != nil {
		c.ready.Broadcast()
	}
	c.mu.Unlock()
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	c.reading = false
	c.mu.Unlock()
	return n, err
}

func (c *guardedConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	if g := c.next; g != nil {
		// The transport's reader always comes back to the socket, or closes
		// the connection (also when the request is cancelled or times out).
		for !c.reading && !c.closed {
			c.ready.Wait()
		}
		early := false
		if c.next == g {
			c.next = nil
			g.mu.Lock()
			// A response that began while the request waited is not its own:
			// the request is not sent at all.
			early = g.early
			g.written = !early && !c.closed
			g.mu.Unlock()
		}
		if early || c.closed {
			c.closed = true
			c.mu.Unlock()
			c.Conn.Close()
			if early {
				return 0, errEarlyResponse
			}
			return 0, net.ErrClosed
		}
	}
	c.mu.Unlock()
	return c.Conn.Write(b)
}

func (c *guardedConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.ready.Broadcast()
	c.mu.Unlock()
	return c.Conn.Close()
}

// upstreamGuard follows one request on its connection.
type upstreamGuard struct {
	mu      sync.Mutex
	conn    *guardedConn // nil on HTTP/2 or before a connection was chosen
	written bool         // its first byte was handed to the socket
	early   bool         // its response began before that
}

// trace returns the hooks that tie g to the connection the transport
// picks for the request.
func (g *upstreamGuard) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			c, _ := info.Conn.(*guardedConn)
			g.mu.Lock()
			old := g.conn
			// A retried request gets another connection: start over.
			g.conn, g.written, g.early = c, false, false
			g.mu.Unlock()
			if old != nil && old != c {
				old.mu.Lock()
				if old.next == g {
					old.next = nil
				}
				old.mu.Unlock()
			}
			if c != nil {
				c.mu.Lock()
				c.next = g
				c.mu.Unlock()
			}
		},
		GotFirstResponseByte: func() {
			g.mu.Lock()
			g.early = g.conn != nil && !g.written
			g.mu.Unlock()
		},
	}
}

// refused reports whether the response must not reach the client, then
// closes the connection (what else it holds is not to be trusted), and
// whether the request was never sent.
func (g *upstreamGuard) refused() (refused, unsent bool) {
	g.mu.Lock()
	early, written, c := g.early, g.written, g.conn
	g.mu.Unlock()
	if early && c != nil {
		c.Close()
	}
	return early, !written
}

// guardedTransport sends each request with an upstreamGuard. A request
// refused a response that was not its own is sent again on another
// connection when it never went out and has no body to resend; otherwise
// it fails.
type guardedTransport struct{ *http.Transport }

// guardedAttempts bounds the tries of one request.
const guardedAttempts = 3

func (t guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A request from Proxy.ServeHTTP carries its exchange's guard in its
	// context already (one context for both); another gets its own.
	var g *upstreamGuard
	if x, ok := req.Context().Value(exchangeKey{}).(*exchange); ok {
		g = &x.guard
	} else {
		g = &upstreamGuard{}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), g.trace()))
	}
	// GotConn starts the guard over on each try.
	for attempt := 1; ; attempt++ {
		resp, err := t.Transport.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		refused, unsent := g.refused()
		if !refused {
			return resp, nil
		}
		resp.Body.Close()
		if !unsent || (req.Body != nil && req.Body != http.NoBody) || attempt == guardedAttempts {
			return nil, errEarlyResponse
		}
	}
}
