package receiver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/internal/redact"
	"github.com/webex-conformance/webhooks/webex"
)

// DefaultMaxCases is how many deliveries get a case of their own.
const DefaultMaxCases = 1000

// maxKindsPerRoute bounds the distinct findings a folded case keeps: a
// sender can make up property names without end.
const maxKindsPerRoute = 100

// maxFoldedPaths bounds the paths that get a folded case of their own; the
// deliveries to any further path share one case. A sender can make up
// paths without end (41,000 random paths held 408 MB before).
const maxFoldedPaths = 100

// otherPaths is the folded case of the paths past maxFoldedPaths.
const otherPaths = ""

// DefaultMaxConcurrent is how many deliveries are read and judged at once;
// more wait for their turn, their bodies unread.
const DefaultMaxConcurrent = 16

// The callback the deliveries are held to.
const (
	callbackOperation = "createWebhook"
	callbackName      = "notification"
)

// Option tunes a Receiver.
type Option func(*config)

// config is what New and its options settle.
type config struct {
	Engine   *conformance.Engine
	Secret   string
	Path     string
	Log      io.Writer
	Target   string
	MaxCases int
	Sides    conformance.Sides
	// The contract deliveries are held to: a top-level webhook, or a
	// callback of an operation; neither is the Webex notification callback.
	Webhook                  string
	CallbackOp, CallbackName string
	// MaxConcurrent bounds the deliveries read and judged at once.
	MaxConcurrent int
}

// WithWebhook holds deliveries to the OpenAPI 3.1 document's top-level
// webhook name (its POST operation) instead of the Webex notification
// callback.
func WithWebhook(name string) Option { return func(c *config) { c.Webhook = name } }

// WithCallback holds deliveries to the callback name of the operation
// operationID (its POST operation) instead of the Webex notification
// callback (createWebhook's notification).
func WithCallback(operationID, name string) Option {
	return func(c *config) { c.CallbackOp, c.CallbackName = operationID, name }
}

// WithMaxConcurrent sets how many deliveries are read and judged at once
// (n <= 0 keeps DefaultMaxConcurrent); more wait, unread, so that the
// bodies held stay within n times the engine's body cap.
func WithMaxConcurrent(n int) Option { return func(c *config) { c.MaxConcurrent = n } }

// WithSecret judges signatures with the webhook's secret; without it they
// are not judged. Give the engine the secret too (conformance.WithRedactions)
// so that no output can show it.
func WithSecret(secret string) Option { return func(c *config) { c.Secret = secret } }

// WithPath takes deliveries on this one path; others are answered 404 and
// not judged. Without it every path is.
func WithPath(path string) Option { return func(c *config) { c.Path = path } }

// WithLog sends one line per delivery and per finding, as they happen, to
// w; without it they are dropped.
func WithLog(w io.Writer) Option { return func(c *config) { c.Log = w } }

// WithTarget names what was tested in the report (for example the
// receiver's URL).
func WithTarget(target string) Option { return func(c *config) { c.Target = target } }

// WithMaxCases sets how many deliveries get a case of their own (n <= 0
// keeps DefaultMaxCases); later ones are folded per path.
func WithMaxCases(n int) Option { return func(c *config) { c.MaxCases = n } }

// WithSides counts only the findings of the sides given (default both): a
// delivery is the notifier's request, so JudgeResponses counts nothing of
// it.
func WithSides(s conformance.Sides) Option { return func(c *config) { c.Sides = s } }

// Receiver is the handler. It is safe for concurrent use.
type Receiver struct {
	cfg      config
	contract *conformance.RequestContract
	// cov is what the deliveries judged reached of the contract; covMu
	// guards it (a collector is not safe for concurrent use).
	covMu sync.Mutex
	cov   *conformance.Coverage
	// operation names the cases: the contract's operation.
	operation string

	mu     sync.Mutex
	n      int // deliveries judged
	cases  []report.Case
	folded map[string]*fold
	order  []string

	slots chan struct{} // one per delivery being read and judged

	logMu sync.Mutex
}

// fold is the case of the deliveries to one path past MaxCases.
type fold struct {
	path  string
	total time.Duration
	tally *report.Tally
}

// New compiles the spec's notification callback (the callback
// "notification" of createWebhook) for eng, or the webhook or callback an
// option names.
func New(eng *conformance.Engine, opts ...Option) (*Receiver, error) {
	cfg := config{Engine: eng}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Engine == nil {
		return nil, errors.New("receiver: no engine")
	}
	var rc *conformance.RequestContract
	var err error
	operation := receiveOperation
	switch {
	case cfg.Webhook != "" && cfg.CallbackOp != "":
		return nil, errors.New("receiver: a webhook or a callback, not both")
	case cfg.Webhook != "":
		rc, err = cfg.Engine.CompileWebhook(cfg.Webhook, http.MethodPost)
	case cfg.CallbackOp != "":
		rc, err = cfg.Engine.CompileCallback(cfg.CallbackOp, cfg.CallbackName, http.MethodPost)
	default:
		rc, err = cfg.Engine.CompileCallback(callbackOperation, callbackName, http.MethodPost)
	}
	if err != nil {
		return nil, fmt.Errorf("receiver: %w", err)
	}
	if cfg.Webhook != "" || cfg.CallbackOp != "" {
		operation = rc.Operation()
	}
	if cfg.MaxCases <= 0 {
		cfg.MaxCases = DefaultMaxCases
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	return &Receiver{cfg: cfg, contract: rc, cov: rc.NewCoverage(), operation: operation, folded: map[string]*fold{}, slots: make(chan struct{}, cfg.MaxConcurrent)}, nil
}

// ServeHTTP takes one delivery: 204 for every POST (on Path, when set),
// whatever it holds, so that the sender never retries because of the
// checker; 405 for other methods and 404 for other paths, not judged.
func (rcv *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rcv.cfg.Path != "" && r.URL.Path != rcv.cfg.Path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "deliveries are POSTed", http.StatusMethodNotAllowed)
		return
	}
	select {
	case rcv.slots <- struct{}{}:
		defer func() { <-rcv.slots }()
	case <-r.Context().Done():
		return // the sender gave up waiting
	}
	start := time.Now()
	// One byte past the engine's cap is enough for it to report the body
	// as too large.
	body, err := io.ReadAll(io.LimitReader(r.Body, rcv.cfg.Engine.MaxBodyBytes()+1))
	if err != nil {
		rcv.logf("receive: POST %s: the body could not be read (%v); not judged", r.URL.Path, err)
		http.Error(w, "body unreadable", http.StatusBadRequest)
		return
	}
	findings := rcv.cfg.Sides.Keep(rcv.Judge(r, body))
	w.WriteHeader(http.StatusNoContent)
	rcv.record(r.URL.Path, body, findings, time.Since(start))
}

// Judge holds one delivery to the callback: its envelope and headers by
// the engine's request rules, and its signature when a secret is set.
func (rcv *Receiver) Judge(r *http.Request, body []byte) []conformance.Finding {
	rcv.covMu.Lock()
	fs := rcv.contract.ValidateCovered(&conformance.Request{Method: r.Method, URL: r.URL, Header: r.Header, Body: body}, rcv.cov)
	rcv.covMu.Unlock()
	if rcv.cfg.Secret == "" {
		return fs
	}
	// With the secret at hand, notification.signature says everything
	// about the header, its shape included.
	fs = slices.DeleteFunc(fs, func(f conformance.Finding) bool {
		return f.Rule == conformance.RuleRequestParameter && f.Pointer == signaturePointer
	})
	if int64(len(body)) > rcv.cfg.Engine.MaxBodyBytes() {
		return fs // cut short: no signature can match, and the engine said why
	}
	if f, bad := signatureFinding(rcv.cfg.Secret, body, r.Header.Values(gen.SignatureHeader)); bad {
		f.Operation = rcv.operation
		f.Actual = rcv.cfg.Engine.Redact(f.Actual)
		fs = append(fs, f)
	}
	return fs
}

const signaturePointer = "header:" + gen.SignatureHeader

// receiveOperation is the operationId of the spec's notification callback.
const receiveOperation = "receiveWebhookNotification"

const signatureExpected = "40 lower-case hex digits: the HMAC-SHA1 of the body keyed with the webhook's secret"

// signatureFinding judges the X-Spark-Signature values of a delivery.
func signatureFinding(secret string, body []byte, values []string) (conformance.Finding, bool) {
	f := conformance.NewFinding(webex.RuleNotificationSignature, signaturePointer, "", signatureExpected, "")
	if len(values) > 1 {
		f.Message = "the delivery carries " + strconv.Itoa(len(values)) + " X-Spark-Signature headers; a receiver cannot tell which to check"
		f.Actual = strconv.Itoa(len(values)) + " values"
		return f, true
	}
	sig := ""
	if len(values) == 1 {
		sig = values[0]
	}
	switch err := gen.VerifySignature(secret, body, sig); {
	case err == nil:
		return f, false
	case errors.Is(err, gen.ErrSignatureMissing):
		f.Message = "the delivery carries no X-Spark-Signature, though the webhook has a secret"
		f.Actual = "absent"
	case errors.Is(err, gen.ErrSignatureMalformed):
		f.Message = "X-Spark-Signature is not 40 lower-case hex digits"
		f.Actual = quoteShort(sig)
	default:
		f.Message = "X-Spark-Signature is not the HMAC-SHA1 of the body keyed with the webhook's secret: the body was altered, the delivery forged, or the webhook has another secret"
		f.Actual = quoteShort(sig)
	}
	return f, true
}

func quoteShort(s string) string {
	if len(s) > 80 {
		return strconv.Quote(s[:80]) + "..."
	}
	return strconv.Quote(s)
}

// describe names a delivery by what its envelope says it is about.
func describe(body []byte) string {
	var env struct {
		ID       string `json:"id"`
		Resource string `json:"resource"`
		Event    string `json:"event"`
	}
	if json.Unmarshal(body, &env) != nil || env.Resource == "" && env.Event == "" && env.ID == "" {
		return ""
	}
	return fmt.Sprintf("%s %s (webhook %s)", env.Resource, env.Event, env.ID)
}

func (rcv *Receiver) record(path string, body []byte, fs []conformance.Finding, d time.Duration) {
	rcv.mu.Lock()
	rcv.n++
	n := rcv.n
	var fresh []conformance.Finding
	if n <= rcv.cfg.MaxCases {
		name := fmt.Sprintf("delivery %d: POST %s", n, path)
		if what := describe(body); what != "" {
			name += ": " + rcv.cfg.Engine.Redact(what)
		}
		rcv.cases = append(rcv.cases, report.Case{
			Name: name, Operation: rcv.operation, Method: http.MethodPost, Path: path,
			Status: http.StatusNoContent, DurationMS: ms(d), Findings: fs,
		})
		fresh = fs
	} else {
		fresh = rcv.foldIn(path, fs, d)
	}
	rcv.mu.Unlock()

	if n <= rcv.cfg.MaxCases {
		rcv.logf("receive: delivery %d: POST %s: %d %s", n, path, len(fs), plural(len(fs), "finding"))
	}
	for _, f := range fresh {
		where, actual := "", ""
		if f.Pointer != "" {
			where = " " + f.Pointer
		}
		if f.Actual != "" {
			actual = " (got " + f.Actual + ")"
		}
		rcv.logf("receive: delivery %d: POST %s: %s %s%s: %s%s", n, path, f.Severity, f.Rule, where, f.Message, actual)
	}
}

// foldIn adds a delivery to its path's folded case and returns the kinds of
// finding that case had not seen. Called with mu held.
func (rcv *Receiver) foldIn(path string, fs []conformance.Finding, d time.Duration) []conformance.Finding {
	f := rcv.folded[path]
	if f == nil && len(rcv.order) >= maxFoldedPaths {
		path = otherPaths
		f = rcv.folded[path]
	}
	if f == nil {
		f = &fold{path: path, tally: report.NewTally(maxKindsPerRoute)}
		rcv.folded[path] = f
		rcv.order = append(rcv.order, path)
	}
	f.total += d
	return f.tally.Add(fs, "")
}

// Deliveries reports how many deliveries were judged.
func (rcv *Receiver) Deliveries() int {
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	return rcv.n
}

// Report returns the report so far: a case per delivery up to MaxCases,
// then one per path for the rest. It is not concluded; an empty report
// (no delivery) is marked untested.
func (rcv *Receiver) Report() *report.Report {
	rep := &report.Report{Tool: "conformance", Version: conformance.Version, Spec: rcv.cfg.Engine.SpecInfo(),
		Target: rcv.cfg.Target, Judge: rcv.cfg.Sides, Cases: []report.Case{}}
	rcv.covMu.Lock()
	rep.Coverage = rcv.cov.Report()
	rcv.covMu.Unlock()
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for _, c := range rcv.cases {
		rep.Add(c)
	}
	for _, path := range rcv.order {
		f := rcv.folded[path]
		count := f.tally.Exchanges()
		name := fmt.Sprintf("POST %s (%d more %s after the first %d)", path, count, plural(count, "delivery"), rcv.cfg.MaxCases)
		if path == otherPaths {
			name = fmt.Sprintf("POST to any further path (%d more %s after the first %d, to paths past the first %d)", count, plural(count, "delivery"), rcv.cfg.MaxCases, maxFoldedPaths)
		}
		c := report.Case{
			Name:      name,
			Operation: rcv.operation, Method: http.MethodPost, Path: path, Status: http.StatusNoContent,
			DurationMS: ms(f.total / time.Duration(count)),
			Findings:   f.tally.Findings("deliveries"),
		}
		if d := f.tally.Dropped(); d > 0 {
			c.Name += fmt.Sprintf("; %d %s of further kinds not kept", d, plural(d, "finding"))
		}
		rep.Add(c)
	}
	if rcv.n == 0 {
		rep.MarkUntested("no delivery was received")
	}
	return rep
}

func (rcv *Receiver) logf(format string, a ...any) {
	line := redact.Line(rcv.cfg.Engine.Redact(fmt.Sprintf(format, a...)))
	rcv.logMu.Lock()
	fmt.Fprintln(rcv.cfg.Log, line)
	rcv.logMu.Unlock()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	if s == "delivery" {
		return "deliveries"
	}
	return s + "s"
}
