package receiver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
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
	Logger   *slog.Logger
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

// WithLogger logs each delivery judged (up to MaxCases, and at Debug
// after), each kind of finding the first time its case meets it, and a
// body that could not be read, through l; nil (the default) logs nothing.
// Every value the sender chose is redacted and its control characters
// escaped.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.Logger = l } }

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
	cfg config
	// j judges each delivery as a request of the contract, with the
	// signature check when there is a secret; col folds the cases.
	j   *judgement.Judge
	col *judgement.Collector
	// cov is what the deliveries judged reached of the contract; covMu
	// guards it (a collector is not safe for concurrent use).
	covMu sync.Mutex
	cov   *conformance.Coverage

	unreadable atomic.Int64  // deliveries whose body could not be read
	slots      chan struct{} // one per delivery being read and judged
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
	if cfg.MaxCases <= 0 {
		cfg.MaxCases = DefaultMaxCases
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	rcv := &Receiver{cfg: cfg, cov: rc.NewCoverage(), slots: make(chan struct{}, cfg.MaxConcurrent)}
	jopts := []judgement.Option{judgement.WithContract(rc), judgement.WithSides(cfg.Sides)}
	if cfg.Secret != "" {
		jopts = append(jopts, judgement.WithCheck(rcv.signature))
	}
	rcv.j = judgement.New(cfg.Engine, jopts...)
	rcv.col = judgement.NewCollector(rcv.j, judgement.WithOwnCases(cfg.MaxCases), judgement.WithMaxKinds(maxKindsPerRoute),
		judgement.WithNouns("delivery", "deliveries"), judgement.WithLogger(cfg.Logger))
	return rcv, nil
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
		rcv.unreadable.Add(1)
		if rcv.cfg.Logger != nil {
			rcv.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "body unreadable",
				slog.String("method", r.Method), slog.String("path", redact.Line(rcv.cfg.Engine.Redact(judgement.Clip(r.URL.EscapedPath())))),
				slog.String("error", redact.Line(rcv.cfg.Engine.Redact(err.Error()))))
		}
		http.Error(w, "body unreadable", http.StatusBadRequest)
		return
	}
	x := rcv.exchange(r, body)
	c := rcv.judge(&x)
	w.WriteHeader(http.StatusNoContent)
	x.Duration = time.Since(start)
	c.DurationMS = float64(x.Duration.Microseconds()) / 1000
	if what := describe(body); what != "" {
		c.Name = "POST " + c.Path + ": " + rcv.cfg.Engine.Redact(what)
	}
	rcv.col.Add(&x, c)
}

// exchange is the delivery as the judgement takes it: the notifier's
// request, and the receiver's own 204, which is not judged.
func (rcv *Receiver) exchange(r *http.Request, body []byte) conformance.Exchange {
	return conformance.Exchange{
		Request:  conformance.RequestFromHTTP(r, body),
		Response: conformance.Response{Status: http.StatusNoContent},
	}
}

// judge is the delivery's case, its coverage marked.
func (rcv *Receiver) judge(x *conformance.Exchange) report.Case {
	rcv.covMu.Lock()
	defer rcv.covMu.Unlock()
	x.Coverage = rcv.cov
	c := rcv.j.Case(x)
	x.Coverage = nil
	return c
}

// Judge holds one delivery to the callback, as ServeHTTP does: its
// envelope and headers by the engine's request rules, and its signature
// when a secret is set; only the findings of the sides judged.
func (rcv *Receiver) Judge(r *http.Request, body []byte) []conformance.Finding {
	x := rcv.exchange(r, body)
	return rcv.judge(&x).Findings
}

// signature is the judgement's check of X-Spark-Signature, with the
// secret at hand: notification.signature says everything about the
// header, its shape included, so the engine's finding on it is dropped.
func (rcv *Receiver) signature(x conformance.Exchange, op conformance.Operation, _ bool, fs []conformance.Finding) []conformance.Finding {
	fs = slices.DeleteFunc(fs, func(f conformance.Finding) bool {
		return f.Rule == conformance.RuleRequestParameter && f.Pointer == signaturePointer
	})
	body := x.Request.Body
	if int64(len(body)) > rcv.cfg.Engine.MaxBodyBytes() {
		return fs // cut short: no signature can match, and the engine said why
	}
	if f, bad := signatureFinding(rcv.cfg.Secret, body, x.Request.Header.Values(gen.SignatureHeader)); bad {
		f.Operation = op.ID
		f.Actual = rcv.cfg.Engine.Redact(f.Actual)
		fs = append(fs, f)
	}
	return fs
}

const signaturePointer = "header:" + gen.SignatureHeader

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

// Deliveries reports how many deliveries were judged.
func (rcv *Receiver) Deliveries() int { return rcv.col.Exchanges() }

// Report returns the report so far: a case per delivery up to MaxCases,
// then one per path for the rest (judgement.Collector). It is not
// concluded; an empty report (no delivery) is marked untested.
func (rcv *Receiver) Report() *report.Report {
	rcv.covMu.Lock()
	cov := rcv.cov.Report()
	rcv.covMu.Unlock()
	rep := rcv.col.Report(rcv.cfg.Target, cov,
		judgement.NotJudged{Count: rcv.unreadable.Load(), Why: "the body could not be read"})
	if rcv.col.Exchanges() == 0 {
		rep.MarkUntested("no delivery was received")
	}
	return rep
}
