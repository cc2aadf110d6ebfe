package conformancetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// Transport is an http.RoundTripper that checks every request and every
// response passing through it against the spec. Put it under the
// http.Client of the code under test; each exchange is validated as it
// happens and its findings are kept for AssertConformant, Results or
// Report. The server receives the request and the caller the response
// unchanged, bodies included.
//
// A Transport made by NewTransport or NewTestTransport is safe for
// concurrent use; the zero Transport has no engine and fails every request.
type Transport struct {
	base        http.RoundTripper
	eng         *conformance.Engine
	failOn      conformance.Severity
	judge       conformance.Sides
	ignorePaths []string

	mu      sync.Mutex
	results []Result
}

// Option configures a Transport.
type Option func(*Transport)

// WithBase sends the requests with rt; the default is
// http.DefaultTransport.
func WithBase(rt http.RoundTripper) Option { return func(t *Transport) { t.base = rt } }

// WithFailOn is the least severe finding AssertConformant fails on; the
// default is conformance.SeverityDrift, so any error or drift fails.
func WithFailOn(sev conformance.Severity) Option { return func(t *Transport) { t.failOn = sev } }

// WithJudge is the sides whose findings are made and count: both (the
// default), conformance.JudgeRequests (a client project holding its client
// to the spec) or conformance.JudgeResponses (a server's author holding
// the server to it).
func WithJudge(sides conformance.Sides) Option { return func(t *Transport) { t.judge = sides } }

// WithIgnorePaths lists request paths that match no operation on purpose
// (a health check, another API the client calls): AssertConformant does
// not fail on them. An entry ending in "/" covers every path under it. Any
// other exchange that matches no operation fails, since nothing of it was
// checked: most often the client's base URL lacks the spec's base path.
func WithIgnorePaths(paths ...string) Option {
	return func(t *Transport) { t.ignorePaths = append(t.ignorePaths, paths...) }
}

// Result is one exchange the Transport saw.
type Result struct {
	Method string
	// URL is the request URL with registered secrets redacted.
	URL       string
	Operation string
	// Status is the response's; 0 when none came.
	Status int
	// Findings are the request's (rules request.*, or operation.unknown
	// for a request no operation of the spec matches) and then the
	// response's, of the sides judged.
	Findings []conformance.Finding
	// Skip says why the response was not judged: no response came, its
	// body could not be read (the request's findings still count), or,
	// judging responses only, no operation of the spec matches.
	Skip string
	// Unmatched says no operation of the spec matches the request.
	Unmatched bool
	Duration  time.Duration
}

// NewTransport returns a Transport that judges by eng.
func NewTransport(eng *conformance.Engine, opts ...Option) *Transport {
	t := &Transport{eng: eng}
	for _, o := range opts {
		o(t)
	}
	return t
}

// NewTestTransport returns a Transport judging by eng that fails tb, when
// the test ends, if any request or response did not conform. It is the one
// line a client test needs (package webex/webextest has it with the Webex
// spec):
//
//	client := &http.Client{Transport: conformancetest.NewTestTransport(t, eng)}
func NewTestTransport(tb testing.TB, eng *conformance.Engine, opts ...Option) *Transport {
	tb.Helper()
	t := NewTransport(eng, opts...)
	tb.Cleanup(func() { t.AssertConformant(tb) })
	return t
}

func (t *Transport) engine() (*conformance.Engine, error) {
	if t.eng == nil {
		return nil, errors.New("no Engine to judge by")
	}
	return t.eng, nil
}

// RoundTrip judges req, sends it with the base transport and judges the response. The
// request is judged before it is sent, so its findings are kept even when
// the server refuses it (a 400) or cannot be reached; its body is read for
// that with GetBody when the request has one, else read and sent on byte
// for byte. The response body is read once, up to the engine's size cap
// plus one byte, and handed back to the caller byte for byte; a body longer
// than the cap is still delivered whole, and reported as too large.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	eng, err := t.engine()
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("conformance: %w", err)
	}
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	res := Result{Method: req.Method, URL: eng.Redact(req.URL.String())}
	op, known := eng.FindOperation(req.Method, req.URL.EscapedPath())
	x := conformance.Exchange{Request: conformance.RequestFromHTTP(req, nil)}
	send := req
	if known {
		// Only a request that something judges is read ahead of sending.
		x.Operation = op.ID
		x.Request.Body, send, err = captureRequest(req, eng.MaxBodyBytes())
		if err != nil {
			closeBody(req)
			return nil, fmt.Errorf("conformance: reading the request body: %w", err)
		}
	}
	j := judgement.New(eng, judgement.WithSides(t.judge))
	start := time.Now()
	resp, err := base.RoundTrip(send)
	if err != nil {
		x.Response.Unjudged = "no response: " + eng.Redact(err.Error())
		x.Duration = time.Since(start)
		t.record(result(res, j.Case(&x), known))
		return resp, err
	}
	body, readErr := t.capture(resp, eng.MaxBodyBytes())
	x.Duration = time.Since(start)
	x.Response = conformance.ResponseFromHTTP(resp, body)
	if readErr != nil {
		x.Response.Unjudged = "the body could not be read: " + eng.Redact(readErr.Error())
	}
	t.record(result(res, j.Case(&x), known))
	return resp, nil
}

// result is res with what the judgement of its exchange says.
func result(res Result, c report.Case, known bool) Result {
	res.Operation, res.Status, res.Findings = c.Operation, c.Status, c.Findings
	res.Duration = time.Duration(c.DurationMS * float64(time.Millisecond))
	res.Unmatched = !known
	res.Skip = c.Reason
	return res
}

func (t *Transport) record(res Result) {
	t.mu.Lock()
	t.results = append(t.results, res)
	t.mu.Unlock()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// captureRequest returns the request body, up to limit+1 bytes, and the
// request to send: req itself when GetBody gave a copy to read, else a
// shallow copy whose body yields the bytes read and then the rest. The
// caller's request is never changed (http.RoundTripper's contract).
func captureRequest(req *http.Request, limit int64) ([]byte, *http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, req, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err == nil {
			body, err := io.ReadAll(io.LimitReader(rc, limit+1))
			rc.Close()
			if err == nil {
				return body, req, nil
			}
		}
	}
	orig := req.Body
	body, err := io.ReadAll(io.LimitReader(orig, limit+1))
	if err != nil {
		return nil, nil, err
	}
	send := new(http.Request)
	*send = *req
	if int64(len(body)) > limit {
		send.Body = &transportBody{r: io.MultiReader(bytes.NewReader(body), orig), c: orig}
		return body, send, nil
	}
	orig.Close()
	send.Body = io.NopCloser(bytes.NewReader(body))
	send.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return body, send, nil
}

// capture reads the body up to limit+1 bytes and puts back a body that
// yields the same bytes, then whatever was left, then the same read error.
func (t *Transport) capture(resp *http.Response, limit int64) ([]byte, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, nil
	}
	orig := resp.Body
	var buf bytes.Buffer
	if resp.ContentLength > 0 && resp.ContentLength <= limit {
		buf.Grow(int(resp.ContentLength))
	}
	_, err := buf.ReadFrom(io.LimitReader(orig, limit+1))
	body := buf.Bytes()
	switch {
	case err != nil:
		resp.Body = &transportBody{r: io.MultiReader(bytes.NewReader(body), transportErrReader{err}), c: orig}
		return body, err
	case int64(len(body)) > limit:
		resp.Body = &transportBody{r: io.MultiReader(bytes.NewReader(body), orig), c: orig}
	default:
		// All of it is here: release the connection now.
		orig.Close()
		resp.Body = &transportBody{r: bytes.NewReader(body), c: io.NopCloser(nil)}
	}
	return body, nil
}

type transportBody struct {
	r io.Reader
	c io.Closer
}

func (b *transportBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *transportBody) Close() error               { return b.c.Close() }

type transportErrReader struct{ err error }

func (r transportErrReader) Read([]byte) (int, error) { return 0, r.err }

// Results returns a copy of every exchange seen so far, in the order their
// responses arrived.
func (t *Transport) Results() []Result {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Result(nil), t.results...)
}

// Findings returns every finding seen so far.
func (t *Transport) Findings() []conformance.Finding {
	var out []conformance.Finding
	for _, r := range t.Results() {
		out = append(out, r.Findings...)
	}
	return out
}

// Reset forgets the exchanges seen so far.
func (t *Transport) Reset() {
	t.mu.Lock()
	t.results = nil
	t.mu.Unlock()
}

// Report returns the exchanges seen so far as a report, one case per
// exchange, for the writers of package report.
func (t *Transport) Report() *report.Report {
	rep := &report.Report{Tool: "conformance", Version: conformance.Version, Judge: t.judge}
	if eng, err := t.engine(); err == nil {
		rep.Spec = eng.SpecInfo()
	}
	for _, r := range t.Results() {
		c := report.Case{
			Name: r.Method + " " + r.URL, Operation: r.Operation, Method: r.Method, Status: r.Status,
			DurationMS: float64(r.Duration.Microseconds()) / 1000, Findings: r.Findings, Reason: r.Skip,
		}
		if r.Skip != "" {
			c.Verdict = report.VerdictSkip
		}
		rep.Add(c)
	}
	return rep
}

// ignored says whether the test opted out of checking path.
func (t *Transport) ignored(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	for _, p := range t.ignorePaths {
		if u.Path == p || strings.HasSuffix(p, "/") && strings.HasPrefix(u.Path, p) {
			return true
		}
	}
	return false
}

// AssertConformant fails tb, listing every finding, when an exchange seen
// so far has a finding, of its request or its response, at or above
// WithFailOn, or matched no operation of the spec (unless WithIgnorePaths
// covers its path): an exchange nothing checked is no pass. A response that
// could not be judged (no response, a body that could not be read) is
// logged.
//
//	tr := conformancetest.NewTransport(eng)
//	client := &http.Client{Transport: tr}
//	// ... exercise the client ...
//	tr.AssertConformant(t)
func (t *Transport) AssertConformant(tb testing.TB) {
	tb.Helper()
	failOn := t.failOn
	if failOn == "" {
		failOn = conformance.SeverityDrift
	}
	results := t.Results()
	var b strings.Builder
	failed, unmatched := 0, 0
	for _, r := range results {
		if r.Unmatched && t.ignored(r.URL) {
			tb.Logf("conformance: not checked (WithIgnorePaths): %s %s → %d", r.Method, r.URL, r.Status)
			continue
		}
		if r.Unmatched && len(r.Findings) == 0 {
			// Judging responses only: the request is the client's
			// business, and nothing of the exchange was checked.
			unmatched++
			tb.Logf("conformance: not checked: %s %s → %d: %s", r.Method, r.URL, r.Status, r.Skip)
			continue
		}
		if r.Skip != "" {
			tb.Logf("conformance: response not checked: %s %s: %s", r.Method, r.URL, r.Skip)
		}
		var bad []conformance.Finding
		for _, f := range r.Findings {
			if f.Severity.AtLeast(failOn) {
				bad = append(bad, f)
			}
		}
		if len(bad) == 0 {
			continue
		}
		failed++
		if r.Status == 0 {
			fmt.Fprintf(&b, "\n%s %s (%s) → no response", r.Method, r.URL, r.Operation)
		} else {
			fmt.Fprintf(&b, "\n%s %s (%s) → %d", r.Method, r.URL, r.Operation, r.Status)
		}
		for _, f := range bad {
			fmt.Fprintf(&b, "\n    %s %s %s: %s", f.Severity, f.Rule, transportPointer(f.Pointer), f.Message)
			if f.Expected != "" || f.Actual != "" {
				fmt.Fprintf(&b, " (expected %s, actual %s)", transportOrNone(f.Expected), transportOrNone(f.Actual))
			}
		}
	}
	var parts []string
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d %s did not conform to the spec", failed, len(results),
			transportPlural(len(results), "exchange", "exchanges")))
	}
	if unmatched > 0 && unmatched == len(results) {
		parts = append(parts, fmt.Sprintf("%d of %d matched no operation of the spec, so nothing was checked (WithIgnorePaths opts a path out)",
			unmatched, len(results)))
	}
	if len(parts) > 0 {
		tb.Errorf("conformance: %s:%s", strings.Join(parts, "; "), b.String())
	}
}

func transportPointer(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func transportOrNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func transportPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
