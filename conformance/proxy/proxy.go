package proxy

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/redact"
)

// Option tunes a Proxy.
type Option func(*config)

// config is what New and its options settle.
type config struct {
	Upstream              string
	Logger                *slog.Logger
	Workers               int
	Queue                 int
	TLS                   *tls.Config
	ResponseHeaderTimeout time.Duration
	Observers             []Observer
	MaxHeld               int64
}

// DefaultMaxHeldBytes is how many bytes of bodies the proxy holds at most,
// for judging and recording, unless WithMaxHeldBytes says otherwise.
const DefaultMaxHeldBytes = 256 << 20

// WithMaxHeldBytes bounds the bytes of bodies the proxy holds at once, in
// the copies it is taking and in the exchanges waiting to be judged; n <= 0
// keeps DefaultMaxHeldBytes. Past it, exchanges are still forwarded
// untouched, without delay, and counted as not judged (OverBudget).
func WithMaxHeldBytes(n int64) Option { return func(c *config) { c.MaxHeld = n } }

// WithLogger logs through l (nil, the default, logs nothing): each kind of
// finding the first time its case meets it (Info), every exchange judged
// (Debug), and an upstream that failed (Warn), with the exchange's method,
// path and status (judgement.WithLogger). Every value the traffic chose is
// redacted and has its control characters escaped.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.Logger = l } }

// WithWorkers sets how many goroutines judge exchanges; n <= 0 keeps
// GOMAXPROCS.
func WithWorkers(n int) Option { return func(c *config) { c.Workers = n } }

// WithQueue sets how many finished exchanges may wait for a worker before
// new ones are counted as not judged rather than slow anything down; n <=
// 0 keeps 8192.
func WithQueue(n int) Option { return func(c *config) { c.Queue = n } }

// WithTLS configures connections to an https upstream; without it the
// upstream's certificate is verified against the system's roots. Its
// NextProtos are ignored: the proxy offers HTTP/2 and HTTP/1.1.
func WithTLS(conf *tls.Config) Option { return func(c *config) { c.TLS = conf } }

// WithResponseHeaderTimeout bounds the wait for the upstream's response
// head once the request is written; d <= 0 keeps one minute.
func WithResponseHeaderTimeout(d time.Duration) Option {
	return func(c *config) { c.ResponseHeaderTimeout = d }
}

// WithObservers hands every finished exchange to each of obs, in the order
// workers finish judging them; see Observer. Repeated uses add up.
func WithObservers(obs ...Observer) Option {
	return func(c *config) { c.Observers = append(c.Observers, obs...) }
}

// Observer is told of each exchange the proxy is done with. Observe runs
// on a judging worker, concurrently with other workers' calls, and must
// not keep x or its body after it returns: the body's buffer is reused.
type Observer interface {
	Observe(x *Finished)
}

// ObserverFunc is an Observer that is a function.
type ObserverFunc func(x *Finished)

// Observe calls f(x).
func (f ObserverFunc) Observe(x *Finished) { f(x) }

// Finished is one exchange the proxy is done with.
type Finished struct {
	// Request is the client's request: its method, its URL (path and
	// query as the client sent them), its header and the kept copy of its
	// body (valid only during Observe).
	Request conformance.Request
	// Response is what the client was given: the upstream's status and
	// header, or 502 when the upstream failed; Body is the kept copy (nil
	// when none was kept, see Outcome).
	Response conformance.Response
	// Decoded is Response.Body with its Content-Encoding (gzip or deflate)
	// undone, as it was judged; nil when the response named no encoding or
	// its body was not kept or could not be decoded (Outcome Undecodable).
	// Valid only during Observe.
	Decoded []byte
	// Findings are the judgement's for the request (request.*,
	// operation.unknown, or a request.unjudged note when its body could
	// not be kept whole) and then for the response, or the one proxy.*
	// finding that says why the response could not be judged; only those
	// of the sides judged (judgement.WithSides).
	Findings []conformance.Finding
	Outcome  Outcome
	Start    time.Time
	// Duration runs from the request's arrival to the response's end.
	Duration time.Duration
}

// Outcome says what became of an exchange.
type Outcome int

const (
	Judged         Outcome = iota // judged by the engine
	TooLarge                      // forwarded; body above MaxBodyBytes, not judged
	Incomplete                    // the client stopped reading the body; not judged
	Truncated                     // the upstream's body was cut short; the client's connection was aborted
	Undecodable                   // a content encoding the proxy cannot decode; not judged
	Upgraded                      // switched protocols (101) and tunnelled; not judged
	UpstreamFailed                // the upstream failed; the client got 502
	ClientGone                    // the client went away before the upstream answered
	OverBudget                    // forwarded; the proxy's memory budget was spent, not judged
)

var outcomeNames = [...]string{"judged", "too-large", "incomplete", "truncated", "undecodable", "upgraded", "upstream-failed", "client-gone", "over-budget"}

func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Proxy is an http.Handler that forwards every request to the upstream
// unchanged and judges each exchange off the client's path. Close it once
// its server has stopped, then read Report.
type Proxy struct {
	cfg      config
	j        *judgement.Judge
	v        *conformance.Engine
	upstream *url.URL
	rp       *httputil.ReverseProxy
	tr       *http.Transport
	wg       sync.WaitGroup
	closing  sync.Once
	bufs     sync.Pool
	// col folds the judged exchanges into the report's cases.
	col *judgement.Collector

	// covs holds each worker's coverage collector: a collector is not
	// safe for concurrent use, so each worker marks its own and Report
	// merges them.
	covs []*workerCoverage

	// Finished exchanges wait in pending; wake tells an idle worker. A
	// worker takes a batch at a time, so that under load a handoff is not
	// a goroutine wakeup per request.
	pendMu  sync.Mutex
	pending []*exchange
	wake    chan struct{}
	closed  bool

	forwarded atomic.Int64
	inFlight  atomic.Int64
	// held is the capacity of the body buffers taken from bufs and not
	// yet given back: at most cfg.MaxHeld, give or take a size class.
	held     atomic.Int64
	cut      atomic.Int64 // in flight when Close was called
	unjudged atomic.Int64 // queue full
	outcomes [len(outcomeNames)]atomic.Int64
}

// New returns a Proxy that forwards to upstream, the API's base URL (e.g.
// https://webexapis.com/v1; only its scheme and host are used: clients
// keep their paths), and judges each exchange with j. It starts the
// workers; Close stops them.
func New(upstream string, j *judgement.Judge, opts ...Option) (*Proxy, error) {
	cfg := config{Upstream: upstream}
	for _, o := range opts {
		o(&cfg)
	}
	if j == nil || j.Engine() == nil {
		return nil, errors.New("proxy: no judge")
	}
	up, err := url.Parse(cfg.Upstream)
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return nil, fmt.Errorf("upstream %q is not an http(s) URL", cfg.Upstream)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 8192
	}
	if cfg.MaxHeld <= 0 {
		cfg.MaxHeld = DefaultMaxHeldBytes
	}
	if cfg.ResponseHeaderTimeout <= 0 {
		cfg.ResponseHeaderTimeout = defaultResponseTimeout
	}
	p := &Proxy{
		cfg:      cfg,
		j:        j,
		v:        j.Engine(),
		upstream: up,
		tr:       newTransport(cfg.TLS, cfg.ResponseHeaderTimeout),
		wake:     make(chan struct{}, 1),
		col:      judgement.NewCollector(j, judgement.WithLogger(cfg.Logger)),
	}
	p.bufs.New = func() any { return new(bytes.Buffer) }
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      guardedTransport{p.tr},
		ModifyResponse: p.tap,
		ErrorHandler:   p.upstreamError,
		BufferPool:     copyBuffers{},
		// Copy errors are the client's or the upstream's business; the
		// proxy reports exchanges, not connections.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	for i := 0; i < cfg.Workers; i++ {
		wc := &workerCoverage{c: p.v.NewCoverage()}
		p.covs = append(p.covs, wc)
		p.wg.Add(1)
		go p.work(wc)
	}
	return p, nil
}

type exchangeKey struct{}

// ServeHTTP forwards r.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/") {
		// OPTIONS * asks about this server, not about a resource upstream.
		http.Error(w, "conformance proxy: only requests for a path are forwarded", http.StatusBadRequest)
		return
	}
	p.forwarded.Add(1)
	p.inFlight.Add(1)
	x := &exchange{p: p, req: r, start: time.Now()}
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		x.reqBody = &reqTee{p: p, rc: r.Body, size: r.ContentLength}
		r.Body = x.reqBody
	}
	// Runs also when the handler is aborted (a cut-short upstream body).
	defer func() {
		x.finish()
		p.inFlight.Add(-1)
	}()
	ctx := httptrace.WithClientTrace(context.WithValue(r.Context(), exchangeKey{}, x), x.guard.trace())
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

// rewrite keeps the client's path and query and only swaps scheme and
// host, whatever host or absolute URL the client named; it adds no
// X-Forwarded headers, so the upstream sees the client's request as sent.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.Out.URL.Scheme = p.upstream.Scheme
	pr.Out.URL.Host = p.upstream.Host
	pr.Out.Host = ""
	// The server fills the client's trailer values in In.Trailer once the
	// body has been read; Out's is a copy made before, with the names only.
	pr.Out.Trailer = pr.In.Trailer
}

// upstreamError answers 502 with a short plain body, also when the client
// has gone away (the server then drops the answer with the connection).
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	x, _ := r.Context().Value(exchangeKey{}).(*exchange)
	if r.Context().Err() != nil {
		if x != nil {
			x.outcome = ClientGone
		}
	} else {
		if x != nil {
			x.outcome = UpstreamFailed
		}
		if l := p.cfg.Logger; l != nil {
			l.LogAttrs(r.Context(), slog.LevelWarn, "upstream failed",
				slog.String("method", p.clean(judgement.MethodBucket(r.Method))),
				slog.String("path", p.clean(judgement.Clip(r.URL.EscapedPath()))),
				slog.String("error", p.clean(err.Error())))
		}
	}
	if x != nil {
		x.status = http.StatusBadGateway
	}
	http.Error(w, "conformance proxy: the upstream did not answer", http.StatusBadGateway)
}

// exchange is one request on its way through the proxy, then a finished
// exchange waiting to be judged.
type exchange struct {
	p        *Proxy
	req      *http.Request
	start    time.Time
	guard    upstreamGuard
	status   int
	header   http.Header
	body     *bytes.Buffer
	outcome  Outcome
	duration time.Duration
	done     bool
	reqBody  *reqTee // nil: the request had no body
}

// reqTee keeps a bounded copy of the request body as the transport sends
// it upstream. The transport may still be reading it (on its own
// goroutine) when the response is done, so the copy is taken under a lock.
type reqTee struct {
	p        *Proxy
	rc       io.ReadCloser
	mu       sync.Mutex
	buf      *bytes.Buffer
	eof      bool
	overflow bool
	// overBudget: the copy was given up for the memory budget, not the cap.
	overBudget bool
	size       int64 // the declared Content-Length, -1 when unknown
	got        int64 // bytes read so far
}

func (t *reqTee) Read(b []byte) (int, error) {
	if t.size >= 0 && t.got >= t.size {
		// The whole declared body has been read: that is its end, without
		// asking the server's body again. The transport reads once more
		// past Content-Length to see the end; by then the upstream may
		// have answered, and the server, writing that answer to the
		// client, closes the request body: the read would fail, and the
		// transport would close the upstream connection in the middle of
		// the response (a 1 MiB response cut short, now and then).
		t.mu.Lock()
		t.eof = true
		t.mu.Unlock()
		return 0, io.EOF
	}
	n, err := t.rc.Read(b)
	t.got += int64(n)
	t.mu.Lock()
	defer t.mu.Unlock()
	if n > 0 && !t.overflow {
		if why := t.p.hold(&t.buf, b[:n], t.size); why != kept {
			t.overflow, t.overBudget = true, why == overBudget
		}
	}
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

func (t *reqTee) Close() error { return t.rc.Close() }

// take hands over the copy, or says why there is none to judge; the tee
// keeps no buffer afterwards.
func (t *reqTee) take() (*bytes.Buffer, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	buf := t.buf
	t.buf = nil
	switch {
	case t.overBudget:
		return nil, "the request body was not kept: the proxy's memory budget for bodies was spent (see --max-held-bytes), and was not judged"
	case t.overflow:
		return nil, fmt.Sprintf("the request body is larger than the proxy's cap of %d bytes and was not judged", t.p.v.MaxBodyBytes())
	case !t.eof:
		t.p.put(buf)
		t.overflow = true // a late read keeps nothing
		return nil, "the request body was not sent whole upstream (the upstream answered before reading it, or the client stopped) and was not judged"
	}
	t.overflow = true
	return buf, ""
}

// tap wraps the response body so that a bounded copy is kept as it
// streams to the client.
func (p *Proxy) tap(resp *http.Response) error {
	x, ok := resp.Request.Context().Value(exchangeKey{}).(*exchange)
	if !ok {
		return nil
	}
	x.status, x.header = resp.StatusCode, resp.Header
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// ReverseProxy tunnels it and closes both ends when either ends.
		x.outcome = Upgraded
		return nil
	}
	t := &tee{x: x, rc: resp.Body, size: resp.ContentLength}
	if resp.Body == nil || resp.Body == http.NoBody {
		t.eof = true
		t.rc = http.NoBody
	}
	resp.Body = t
	return nil
}

// finish hands x to the workers, once.
func (x *exchange) finish() {
	if x.done {
		return
	}
	x.done = true
	x.duration = time.Since(x.start)
	x.p.enqueue(x)
}

// tee copies what the client reads, up to the cap, and finishes the
// exchange when the body is closed.
type tee struct {
	x        *exchange
	rc       io.ReadCloser
	buf      *bytes.Buffer
	eof      bool
	broken   bool // the upstream's body failed before its end
	overflow bool
	// overBudget: the copy was given up for the memory budget, not the cap.
	overBudget bool
	size       int64 // the declared Content-Length, -1 when unknown
}

func (t *tee) Read(b []byte) (int, error) {
	n, err := t.rc.Read(b)
	if n > 0 && !t.overflow {
		if why := t.x.p.hold(&t.buf, b[:n], t.size); why != kept {
			t.overflow, t.overBudget = true, why == overBudget
		}
	}
	switch {
	case err == io.EOF:
		t.eof = true
	case err != nil && t.x.req.Context().Err() == nil:
		// Not the client going away: the upstream broke off.
		t.broken = true
	}
	return n, err
}

func (t *tee) Close() error {
	err := t.rc.Close()
	x := t.x
	if x.done {
		return err
	}
	switch {
	case t.broken:
		x.outcome = Truncated
	case t.overBudget:
		x.outcome = OverBudget
	case t.overflow:
		x.outcome = TooLarge
	case !t.eof:
		x.outcome = Incomplete
	default:
		x.body, t.buf = t.buf, nil
	}
	x.p.put(t.buf)
	t.buf = nil
	x.finish()
	return err
}

func (p *Proxy) enqueue(x *exchange) {
	p.pendMu.Lock()
	if p.closed || len(p.pending) >= p.cfg.Queue {
		closed := p.closed
		p.pendMu.Unlock()
		if !closed {
			p.unjudged.Add(1)
		}
		p.put(x.body)
		x.body = nil
		if x.reqBody != nil {
			b, _ := x.reqBody.take()
			p.put(b)
		}
		return
	}
	p.pending = append(p.pending, x)
	p.signal()
	p.pendMu.Unlock()
}

// signal wakes a worker if none is about to look; pendMu is held, so wake
// is still open.
func (p *Proxy) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// batchSize bounds what one worker takes, so that others can share a
// backlog.
const batchSize = 64

// put gives a body buffer back to the budget, and to the pool when it is
// small.
func (p *Proxy) put(b *bytes.Buffer) {
	if b == nil {
		return
	}
	p.held.Add(-int64(b.Cap()))
	if b.Cap() <= 64<<10 {
		p.bufs.Put(b)
	}
}

// holdResult says whether hold kept the bytes, and why not.
type holdResult int

const (
	kept holdResult = iota
	tooLarge
	overBudget
)

// hold appends b to the copy in *buf, taking a buffer from the pool for
// the first bytes. The copy stays within MaxBodyBytes and the proxy's
// budget: a buffer grows only once its growth is reserved, so that the
// bodies held by all exchanges together never pass MaxHeld. When b does
// not fit, the buffer is given back and *buf is nil.
func (p *Proxy) hold(buf **bytes.Buffer, b []byte, size int64) holdResult {
	cur := *buf
	if cur == nil {
		cur = p.bufs.Get().(*bytes.Buffer)
		cur.Reset()
		p.held.Add(int64(cur.Cap()))
		*buf = cur
	}
	limit := p.v.MaxBodyBytes()
	need := int64(cur.Len() + len(b))
	if need > limit {
		p.put(cur)
		*buf = nil
		return tooLarge
	}
	if c := int64(cur.Cap()); need > c {
		// What bytes.Buffer would grow to, never past the body cap; the
		// declared length at once when there is one (no copies on the way).
		grow := min(max(need, 2*c), limit)
		if size >= need && size <= limit {
			grow = size
		}
		if !p.reserve(grow - c) {
			p.put(cur)
			*buf = nil
			return overBudget
		}
		cur.Grow(int(grow) - cur.Len())
		p.held.Add(int64(cur.Cap()) - grow) // the allocator's rounding
	}
	cur.Write(b)
	return kept
}

// reserve counts n more bytes held, unless that passes the budget.
func (p *Proxy) reserve(n int64) bool {
	for {
		h := p.held.Load()
		if h+n > p.cfg.MaxHeld {
			return false
		}
		if p.held.CompareAndSwap(h, h+n) {
			return true
		}
	}
}

// Held is how many bytes of bodies the proxy holds now (see
// WithMaxHeldBytes).
func (p *Proxy) Held() int64 { return p.held.Load() }

// workerCoverage is one worker's coverage collector; mu lets Report read
// it while the worker runs.
type workerCoverage struct {
	mu sync.Mutex
	c  *conformance.Coverage
}

func (p *Proxy) work(wc *workerCoverage) {
	defer p.wg.Done()
	batch := make([]*exchange, 0, batchSize)
	for {
		_, open := <-p.wake
		for {
			p.pendMu.Lock()
			n := min(len(p.pending), batchSize)
			batch = append(batch[:0], p.pending[:n]...)
			rest := copy(p.pending, p.pending[n:])
			clear(p.pending[rest:])
			p.pending = p.pending[:rest]
			if rest > 0 && !p.closed {
				p.signal()
			}
			p.pendMu.Unlock()
			if n == 0 {
				break
			}
			wc.mu.Lock()
			for _, x := range batch {
				p.judge(x, wc.c)
			}
			wc.mu.Unlock()
			clear(batch)
		}
		if !open {
			return
		}
	}
}

func (p *Proxy) judge(x *exchange, cov *conformance.Coverage) {
	defer p.put(x.body)
	var reqBuf *bytes.Buffer
	reqSkip := ""
	if x.reqBody != nil {
		reqBuf, reqSkip = x.reqBody.take()
		defer p.put(reqBuf)
	}
	f := Finished{Outcome: x.outcome, Start: x.start, Duration: x.duration}
	var reqBody, respBody []byte
	if x.body != nil {
		respBody = x.body.Bytes()
	}
	if reqBuf != nil {
		reqBody = reqBuf.Bytes()
	}
	f.Request = conformance.RequestFromHTTP(x.req, reqBody)
	f.Response = conformance.Response{Status: x.status, Header: x.header, Body: respBody}
	// Every forwarded request is judged, whatever became of its response.
	jx := conformance.Exchange{Request: f.Request, Response: f.Response, Start: f.Start, Duration: f.Duration, Coverage: cov}
	jx.Request.Unjudged = reqSkip
	switch f.Outcome {
	case Judged:
		if enc := jx.Response.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
			decoded, err := decode(enc, jx.Response.Body, p.v.MaxBodyBytes())
			if err != nil {
				f.Outcome = Undecodable
				jx.Response.Unjudged = f.Outcome.String()
				break
			}
			// Judge the body as the client's library will see it, decoded.
			jx.Response.Body = decoded
			f.Decoded = decoded
			jx.Response.Header = jx.Response.Header.Clone()
			jx.Response.Header.Del("Content-Encoding")
			jx.Response.Header.Del("Content-Length")
		}
	default:
		jx.Response.Unjudged = f.Outcome.String()
	}
	c := p.j.Case(&jx)
	f.Findings = c.Findings
	if f.Outcome == Truncated && p.j.Sides().Judges(conformance.SideResponse) {
		tf := conformance.NewFinding(conformance.RuleProxyUpstreamTruncated, "", "the upstream's body ended before its framing said; the client's connection was aborted and the partial body was not judged", "", "")
		tf.Status, tf.Operation = f.Response.Status, c.Operation
		f.Findings = append(f.Findings, tf)
	}
	p.outcomes[f.Outcome].Add(1)
	if f.Outcome == Judged || f.Outcome == Truncated || len(f.Findings) > 0 {
		c.Findings = f.Findings
		p.col.Add(&jx, c)
	}
	for _, o := range p.cfg.Observers {
		o.Observe(&f)
	}
}

// clean redacts s and escapes its control characters, for a log record.
func (p *Proxy) clean(s string) string { return redact.Line(p.v.Redact(s)) }

// Close stops accepting exchanges for judging, waits until every queued
// one is judged and closes the upstream connections. Call it once the
// server has stopped forwarding; exchanges still in flight then (cut by a
// shutdown that ran out of time) are counted, not judged.
func (p *Proxy) Close() {
	p.closing.Do(func() {
		p.pendMu.Lock()
		p.closed = true
		p.cut.Store(p.inFlight.Load())
		close(p.wake)
		p.pendMu.Unlock()
		p.wg.Wait()
		p.tr.CloseIdleConnections()
	})
}

// Stats counts what went through the proxy.
type Stats struct {
	Forwarded      int64 // requests received
	Judged         int64 // exchanges judged
	Unjudged       int64 // not judged: the workers were behind
	TooLarge       int64 // not judged: body above the cap
	Incomplete     int64 // not judged: the client did not read the body to its end
	Truncated      int64 // the upstream's body was cut short
	Undecodable    int64 // not judged: a content encoding the proxy cannot decode
	Upgraded       int64 // switched protocols and tunnelled, not judged
	UpstreamFailed int64 // the upstream failed: answered 502
	ClientGone     int64 // the client went away before the upstream answered
	OverBudget     int64 // not judged: the memory budget for bodies was spent
	Cut            int64 // still in flight when the proxy closed
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	n := func(o Outcome) int64 { return p.outcomes[o].Load() }
	return Stats{
		Forwarded: p.forwarded.Load(), Judged: n(Judged), Unjudged: p.unjudged.Load(),
		TooLarge: n(TooLarge), Incomplete: n(Incomplete), Truncated: n(Truncated), Undecodable: n(Undecodable),
		Upgraded: n(Upgraded), UpstreamFailed: n(UpstreamFailed), ClientGone: n(ClientGone), OverBudget: n(OverBudget), Cut: p.cut.Load(),
	}
}

// Report returns one case per operation, method and status seen, each
// holding the distinct findings with how often they were seen, and a
// skipped case for exchanges that could not be judged.
func (p *Proxy) Report() *report.Report {
	cov := p.v.NewCoverage()
	for _, wc := range p.covs {
		wc.mu.Lock()
		cov.Merge(wc.c)
		wc.mu.Unlock()
	}
	s := p.Stats()
	return p.col.Report(p.upstream.Scheme+"://"+p.upstream.Host+p.upstream.Path, cov.Report(),
		judgement.NotJudged{Count: s.Unjudged, Why: "the validation queue was full"},
		judgement.NotJudged{Count: s.TooLarge, Why: fmt.Sprintf("the body was larger than %d bytes", p.v.MaxBodyBytes())},
		judgement.NotJudged{Count: s.Incomplete, Why: "the client did not read the body to its end"},
		judgement.NotJudged{Count: s.Undecodable, Why: "the body's content encoding could not be decoded"},
		judgement.NotJudged{Count: s.Upgraded, Why: "the connection switched protocols (tunnelled)"},
		judgement.NotJudged{Count: s.UpstreamFailed, Why: "the upstream did not answer (the client got 502)"},
		judgement.NotJudged{Count: s.ClientGone, Why: "the client went away before the upstream answered"},
		judgement.NotJudged{Count: s.OverBudget, Why: fmt.Sprintf("the proxy already held %d bytes of bodies, its memory budget (--max-held-bytes)", p.cfg.MaxHeld)},
		judgement.NotJudged{Count: s.Cut, Why: "the shutdown's grace period ended while they were in flight"},
	)
}

// decode undoes a gzip or deflate content encoding, up to max bytes.
func decode(enc string, body []byte, max int64) ([]byte, error) {
	var r io.ReadCloser
	var err error
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(body))
	default:
		return nil, fmt.Errorf("content encoding %q", enc)
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(out)) > max {
		return nil, errors.New("decoded body above the cap")
	}
	return out, nil
}

// copyBuffers lends ReverseProxy its 32 KiB copy buffers.
type copyBuffers struct{}

var copyBufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (copyBuffers) Get() []byte  { return *copyBufPool.Get().(*[]byte) }
func (copyBuffers) Put(b []byte) { copyBufPool.Put(&b) }
