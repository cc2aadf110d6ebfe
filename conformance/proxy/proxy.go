package proxy

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/h1"
)

// Validator is what the proxy needs of the conformance engine;
// *conformance.Engine is one.
type Validator interface {
	Validate(x *conformance.Exchange) []conformance.Finding
	FindOperation(method, path string) (conformance.Operation, bool)
	Redact(s string) string
	SpecInfo() conformance.SpecInfo
}

// Config says where to forward and how to judge.
type Config struct {
	// Upstream is the API's base URL, e.g. https://webexapis.com/v1. Only
	// its scheme and host are used: clients keep their paths.
	Upstream string
	// Validator judges each exchange.
	Validator Validator
	// Log receives one line per new finding as it happens; nil discards.
	Log io.Writer
	// MaxBodyBytes caps the copy of a response body kept for judging; a
	// larger body is forwarded whole but not judged. 0 means 1 MiB.
	MaxBodyBytes int64
	// Workers judge exchanges; 0 means GOMAXPROCS.
	Workers int
	// Queue is how many finished exchanges may wait for a worker before
	// new ones are counted as not judged rather than slow anything down;
	// 0 means 8192.
	Queue int
	// Transport forwards the requests; nil means a clone of
	// http.DefaultTransport (TLS verification on) tuned for many
	// connections to one host.
	Transport http.RoundTripper
}

// maxFindingsPerCase bounds a case of the report however long the proxy runs.
const maxFindingsPerCase = 50

// Proxy is an http.Handler that forwards every request to the upstream
// unchanged and judges each exchange off the client's path. Close it to
// finish judging, then read Report.
type Proxy struct {
	cfg      Config
	v        Validator
	upstream *url.URL
	rp       *httputil.ReverseProxy
	h1       *h1Transport // nil with Config.Transport
	wg       sync.WaitGroup
	closing  sync.Once
	bufs     sync.Pool

	mu    sync.Mutex
	cases map[caseKey]*aggregate
	order []caseKey

	logMu sync.Mutex

	// Finished exchanges wait in pending; wake tells an idle worker. A
	// worker takes a batch at a time, so that under load a handoff is not
	// a goroutine wakeup per request.
	pendMu  sync.Mutex
	pending []*exchange
	wake    chan struct{}
	closed  bool

	forwarded  atomic.Int64
	unjudged   atomic.Int64 // queue full
	tooLarge   atomic.Int64
	incomplete atomic.Int64
	failed     atomic.Int64 // upstream unreachable
	encoded    atomic.Int64 // a content encoding that cannot be decoded
}

// New returns a Proxy for cfg. It starts the workers; Close stops them.
func New(cfg Config) (*Proxy, error) {
	if cfg.Validator == nil {
		return nil, errors.New("proxy: no validator")
	}
	up, err := url.Parse(cfg.Upstream)
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return nil, fmt.Errorf("upstream %q is not an http(s) URL", cfg.Upstream)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 8192
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	tr := cfg.Transport
	var h1 *h1Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// One upstream, many concurrent clients: keep their connections.
		t.MaxIdleConns = 1024
		t.MaxIdleConnsPerHost = 1024
		// Forward bodies as encoded: the transport must not ask for gzip
		// on the client's behalf and hand back something else.
		t.DisableCompression = true
		h1 = newH1Transport(up.Scheme, up.Host, t)
		tr = h1
	}
	p := &Proxy{
		cfg:      cfg,
		v:        cfg.Validator,
		upstream: up,
		h1:       h1,
		wake:     make(chan struct{}, 1),
		cases:    map[caseKey]*aggregate{},
	}
	p.bufs.New = func() any { return new(bytes.Buffer) }
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      tr,
		ModifyResponse: p.tap,
		ErrorHandler:   p.upstreamError,
		BufferPool:     copyBuffers{},
		// Copy errors are the client's or the upstream's business; the
		// proxy reports exchanges, not connections.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	for i := 0; i < cfg.Workers; i++ {
		p.wg.Add(1)
		go p.work()
	}
	return p, nil
}

// ServeHTTP forwards r.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.forwarded.Add(1)
	p.rp.ServeHTTP(w, r)
}

// rewrite keeps the client's path and query and only swaps scheme and
// host; it adds no X-Forwarded headers, so the upstream sees the client's
// request as sent.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.Out.URL.Scheme = p.upstream.Scheme
	pr.Out.URL.Host = p.upstream.Host
	pr.Out.Host = ""
}

func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	p.failed.Add(1)
	p.logf("proxy: %s %s: upstream failed: %s", r.Method, r.URL.Path, err)
	w.WriteHeader(http.StatusBadGateway)
}

// exchange is a finished request/response, waiting to be judged.
type exchange struct {
	method   string
	url      *url.URL
	reqAuth  string
	reqCT    string
	status   int
	header   http.Header
	body     *bytes.Buffer
	duration time.Duration
}

// tap wraps the response body so that a bounded copy is kept as it
// streams to the client.
func (p *Proxy) tap(resp *http.Response) error {
	req := resp.Request
	x := &exchange{
		method:  req.Method,
		url:     req.URL,
		reqAuth: req.Header.Get("Authorization"),
		reqCT:   req.Header.Get("Content-Type"),
		status:  resp.StatusCode,
		header:  resp.Header,
	}
	// The upstream client knows when the round trip began; another
	// transport leaves the time from the response head on.
	start := time.Now()
	if b, ok := resp.Body.(*h1Body); ok {
		start = b.start
	}
	t := &tee{p: p, x: x, rc: resp.Body, start: start}
	if resp.Body == nil || resp.Body == http.NoBody {
		t.eof = true
	}
	if resp.Body == nil {
		t.rc = http.NoBody
	}
	resp.Body = t
	return nil
}

// tee copies what the client reads, up to the cap, and hands the exchange
// to the workers when the body is closed.
type tee struct {
	p        *Proxy
	x        *exchange
	rc       io.ReadCloser
	buf      *bytes.Buffer
	start    time.Time
	eof      bool
	overflow bool
	closed   bool
}

func (t *tee) Read(b []byte) (int, error) {
	n, err := t.rc.Read(b)
	if n > 0 && !t.overflow {
		if t.buf == nil {
			t.buf = t.p.bufs.Get().(*bytes.Buffer)
			t.buf.Reset()
		}
		if int64(t.buf.Len()+n) > t.p.cfg.MaxBodyBytes {
			t.overflow = true
		} else {
			t.buf.Write(b[:n])
		}
	}
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

func (t *tee) Close() error {
	err := t.rc.Close()
	if t.closed {
		return err
	}
	t.closed = true
	t.x.duration = time.Since(t.start)
	switch {
	case t.overflow:
		t.p.tooLarge.Add(1)
		t.release()
	case !t.eof:
		t.p.incomplete.Add(1)
		t.release()
	default:
		t.x.body = t.buf
		t.buf = nil
		t.p.enqueue(t.x)
	}
	return err
}

func (p *Proxy) enqueue(x *exchange) {
	p.pendMu.Lock()
	if p.closed || len(p.pending) >= p.cfg.Queue {
		p.pendMu.Unlock()
		p.unjudged.Add(1)
		p.put(x.body)
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

func (t *tee) release() {
	t.p.put(t.buf)
	t.buf = nil
}

func (p *Proxy) put(b *bytes.Buffer) {
	if b != nil && b.Cap() <= 64<<10 {
		p.bufs.Put(b)
	}
}

func (p *Proxy) work() {
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
			for _, x := range batch {
				p.judge(x)
			}
		}
		if !open {
			return
		}
	}
}

type caseKey struct {
	op     string // operationId, or "" when no operation matched
	method string
	status int
}

type findingKey struct {
	rule, pointer, expected string
	severity                conformance.Severity
}

type aggregate struct {
	c       report.Case
	count   int
	total   time.Duration
	seen    map[findingKey]int
	order   []findingKey
	first   map[findingKey]conformance.Finding
	dropped int
}

func (p *Proxy) judge(x *exchange) {
	var body []byte
	if x.body != nil {
		body = x.body.Bytes()
	}
	header := x.header
	if enc := header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		decoded, err := decode(enc, body, p.cfg.MaxBodyBytes)
		p.put(x.body)
		if err != nil {
			p.encoded.Add(1)
			return
		}
		body, x.body = decoded, nil
		// Judge the body as the client's library will see it, decoded.
		header = header.Clone()
		header.Del("Content-Encoding")
		header.Del("Content-Length")
	}
	reqHeader := http.Header{}
	if x.reqAuth != "" {
		reqHeader["Authorization"] = []string{x.reqAuth}
	}
	if x.reqCT != "" {
		reqHeader["Content-Type"] = []string{x.reqCT}
	}
	fs := p.v.Validate(&conformance.Exchange{
		Request:  conformance.Request{Method: x.method, URL: x.url, Header: reqHeader},
		Response: conformance.Response{Status: x.status, Header: header, Body: body},
	})
	p.put(x.body)
	op, ok := p.v.FindOperation(x.method, x.url.EscapedPath())
	key := caseKey{method: x.method, status: x.status}
	if ok {
		key.op = op.ID
	}

	p.mu.Lock()
	a := p.cases[key]
	if a == nil {
		a = &aggregate{seen: map[findingKey]int{}, first: map[findingKey]conformance.Finding{}}
		a.c = report.Case{Operation: op.ID, Method: x.method, Path: op.PathTemplate, Status: x.status}
		if !ok {
			a.c.Path = ""
		}
		p.cases[key] = a
		p.order = append(p.order, key)
	}
	a.count++
	a.total += x.duration
	var fresh []conformance.Finding
	for _, f := range fs {
		k := findingKey{rule: f.Rule, pointer: f.Pointer, expected: f.Expected, severity: f.Severity}
		if _, dup := a.seen[k]; !dup {
			if len(a.order) >= maxFindingsPerCase {
				a.dropped++
				continue
			}
			a.order = append(a.order, k)
			a.first[k] = f
			fresh = append(fresh, f)
		}
		a.seen[k]++
	}
	p.mu.Unlock()

	for _, f := range fresh {
		where := f.Pointer
		if where != "" {
			where = " " + where
		}
		actual := ""
		if f.Actual != "" {
			actual = " (got " + f.Actual + ")"
		}
		p.logf("proxy: %s %s → %d: %s %s%s: %s%s", x.method, x.url.EscapedPath(), x.status, f.Severity, f.Rule, where, f.Message, actual)
	}
}

func (p *Proxy) logf(format string, a ...any) {
	line := p.v.Redact(fmt.Sprintf(format, a...))
	p.logMu.Lock()
	fmt.Fprintln(p.cfg.Log, line)
	p.logMu.Unlock()
}

// Close stops accepting exchanges for judging and waits until every queued
// one is judged. Call it after the server has stopped forwarding.
func (p *Proxy) Close() {
	p.closing.Do(func() {
		p.pendMu.Lock()
		p.closed = true
		close(p.wake)
		p.pendMu.Unlock()
		p.wg.Wait()
		if p.h1 != nil {
			p.h1.closeIdle()
		}
	})
}

// Stats counts what went through the proxy.
type Stats struct {
	Forwarded  int64 // requests received
	Judged     int64 // exchanges judged
	Unjudged   int64 // not judged: the workers were behind
	TooLarge   int64 // not judged: body above the cap
	Incomplete int64 // not judged: the body was not read to its end
	Failed     int64 // the upstream could not be reached
	Encoded    int64 // not judged: a content encoding the proxy cannot decode
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	var judged int64
	for _, a := range p.cases {
		judged += int64(a.count)
	}
	p.mu.Unlock()
	return Stats{
		Forwarded: p.forwarded.Load(), Judged: judged, Unjudged: p.unjudged.Load(),
		TooLarge: p.tooLarge.Load(), Incomplete: p.incomplete.Load(), Failed: p.failed.Load(), Encoded: p.encoded.Load(),
	}
}

// Report returns one case per operation, method and status seen, each
// holding the distinct findings with how often they were seen, and a
// skipped case for exchanges that could not be judged.
func (p *Proxy) Report() *report.Report {
	rep := &report.Report{
		Tool: "conformance", Version: conformance.Version, Spec: p.v.SpecInfo(),
		Target: p.upstream.Scheme + "://" + p.upstream.Host + p.upstream.Path, Cases: []report.Case{},
	}
	p.mu.Lock()
	keys := append([]caseKey(nil), p.order...)
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.op != b.op {
			return a.op < b.op
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	for _, k := range keys {
		a := p.cases[k]
		c := a.c
		what := c.Path
		if what == "" {
			what = "(no documented operation)"
		}
		c.Name = fmt.Sprintf("%s %s → %d (%d %s)", c.Method, what, c.Status, a.count, plural(a.count, "exchange"))
		c.DurationMS = float64((a.total / time.Duration(a.count)).Microseconds()) / 1000
		c.Findings = make([]conformance.Finding, 0, len(a.order)+1)
		for _, fk := range a.order {
			f := a.first[fk]
			if n := a.seen[fk]; n > 1 {
				f.Message = fmt.Sprintf("%s (in %d of %d exchanges)", f.Message, n, a.count)
			}
			c.Findings = append(c.Findings, f)
		}
		if a.dropped > 0 {
			c.Findings = append(c.Findings, conformance.Finding{Rule: "proxy.findings-capped", Severity: conformance.SeverityInfo,
				Operation: c.Operation, Status: c.Status,
				Message: fmt.Sprintf("%d more findings of other kinds were not kept (at most %d per case)", a.dropped, maxFindingsPerCase)})
		}
		rep.Add(c)
	}
	p.mu.Unlock()
	s := p.Stats()
	var notes []string
	for _, n := range []struct {
		v    int64
		what string
	}{
		{s.Unjudged, "the validation queue was full"},
		{s.TooLarge, fmt.Sprintf("the body was larger than %d bytes", p.cfg.MaxBodyBytes)},
		{s.Incomplete, "the client did not read the body to its end"},
		{s.Failed, "the upstream could not be reached"},
		{s.Encoded, "the body's content encoding could not be decoded"},
	} {
		if n.v > 0 {
			notes = append(notes, fmt.Sprintf("%d because %s", n.v, n.what))
		}
	}
	if len(notes) > 0 {
		rep.Add(report.Case{Name: "exchanges not judged", Verdict: report.VerdictSkip, Reason: strings.Join(notes, "; ")})
	}
	return rep
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
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

// Serve forwards connections from ln until ctx is done, then stops
// accepting, lets in-flight requests finish (bounded by grace), and
// finishes judging. The report is then ready.
func (p *Proxy) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &h1.Server{Handler: p, IdleTimeout: 2 * time.Minute, ErrorLog: log.New(io.Discard, "", 0)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		_ = srv.Shutdown(sctx)
		cancel()
		<-errc
	case err = <-errc:
	}
	p.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
