package runner

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/generate"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/redact"
	"github.com/webex-conformance/webhooks/webex"
)

// Validator judges each exchange the run makes: a *judgement.Judge that
// judges responses only (judgement.WithSides(conformance.JudgeResponses)),
// since the suite's bad requests are deliberate. Every exchange carries the
// run's coverage (Exchange.Coverage, from the engine's NewCoverage): the
// ground of its requirements.
type Validator interface {
	Case(x *conformance.Exchange) report.Case
	// Engine is the engine the cases are judged by: its redactor, its
	// spec, its body cap (the runner reads one byte more, so that a longer
	// body is reported as too large, not cut into broken JSON).
	Engine() *conformance.Engine
}

const (
	// namePrefix starts the name of every webhook the suite creates; the
	// run id and a dash follow, so a sweep can tell its own leftovers from
	// the account's webhooks.
	namePrefix = "conformance-"

	defaultNotifyURL = "https://webhook-target.invalid/conformance"
	cleanupTimeout   = 30 * time.Second
	badToken         = "conformance-invalid-token"
	// smallWalkPages bounds a small-page walk: a few pages show that next
	// links work, all of them would cost a request per webhook.
	smallWalkPages = 3
	// serverErrorBackoff is the first wait before retrying a 5xx that
	// carries no Retry-After; it doubles with each attempt.
	serverErrorBackoff = 500 * time.Millisecond
)

// UntestableError says the target could not be tested well enough to
// judge: it is unreachable, its TLS failed, it rejected the token on a call
// that needed a valid one, it does not look like the Webex webhooks API, or
// it gave no 2xx answer where the suite needed one (see coverage).
type UntestableError struct {
	Reason string
	Err    error
}

func (e *UntestableError) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *UntestableError) Unwrap() error { return e.Err }

// Run drives the suite against target, the API base URL (for example
// https://webexapis.com/v1), and returns its report. The
// report is returned also with an error (partial): an *UntestableError, or
// the context's error when the run was interrupted; the report is then
// marked untested or interrupted with the reason. Otherwise its outcome is
// left for Report.Conclude, which knows the caller's threshold. Whatever
// the run created it deletes before Run returns, whatever happened; what it
// could not delete is in Report.LeftBehind.
func Run(ctx context.Context, v Validator, target string, opts ...Option) (*report.Report, error) {
	cfg := config{Target: target}
	for _, o := range opts {
		o(&cfg)
	}
	r, err := newRunner(v, cfg)
	if err != nil {
		return nil, err
	}
	if r.webex {
		err = r.suite(ctx)
	}
	if err == nil && cfg.Generate > 0 {
		err = r.generated(ctx)
	}
	if r.webex {
		r.cleanup()
	} else {
		r.cleanupGenerated()
	}
	r.require(r.cfg.Require...)
	cov := r.cov.Report()
	r.report.Coverage = cov
	r.report.Require(r.reqs...)
	if err == nil {
		if missing := cov.Missing(r.reqs); len(missing) > 0 {
			err = &UntestableError{Reason: r.missingReason(missing)}
		} else if r.unverified != "" {
			// Nothing left behind is part of the verdict: unchecked, it
			// is no pass.
			err = &UntestableError{Reason: r.unverified}
		}
	}
	r.report.LeftBehind = r.leftBehind
	var ue *UntestableError
	switch {
	case errors.As(err, &ue):
		r.report.MarkUntested(r.redact(ue.Error()))
	case err != nil && ctx.Err() != nil:
		reason := "interrupted before the suite ended"
		if len(r.order) > 0 && len(r.leftBehind) == 0 {
			reason += "; every webhook the run made was deleted"
		}
		r.report.MarkInterrupted(reason)
	}
	return r.report, err
}

type runner struct {
	cfg     config
	v       Validator
	eng     *conformance.Engine
	base    *url.URL
	client  *http.Client
	pace    *pacer
	report  *report.Report
	secrets []string
	// created maps the id of every webhook the run made and has not yet
	// seen deleted to its name.
	created map[string]string
	order   []string
	// deleted holds the ids of webhooks the run made and saw deleted with
	// a 2xx; a sweep that still lists one tries again at the end.
	deleted map[string]bool
	// writes maps the name sent by each create or update to the status it
	// got (0: no answer), so a sweep can say why it found a webhook the
	// run was never told about.
	writes map[string]int
	// leftBehind lists, in order, the webhooks the run made and could not
	// delete.
	leftBehind []report.LeftBehind
	// unverified, when set, says why the final sweep could not check that
	// nothing of the run is left.
	unverified string
	// cov is what the judged exchanges reached of the spec; reqs the
	// responses the run must have judged: a 2xx of each operation the
	// suite needed one from, and WithRequire's.
	cov  *conformance.Coverage
	reqs []conformance.Requirement
	// noWebhook: the account listed no webhook, none was named and writes
	// are off, so no webhook could be fetched.
	noWebhook bool
	// lastURL is the URL of the last recorded response.
	lastURL *url.URL
	// webex says the spec is the Webex webhooks API's: the suite runs.
	// Otherwise only generated requests are sent.
	webex bool
	gen   *generate.Generator
}

func newRunner(v Validator, cfg config) (*runner, error) {
	if v == nil || v.Engine() == nil {
		return nil, errors.New("runner: no validator")
	}
	if s, ok := v.(interface{ Sides() conformance.Sides }); ok && s.Sides() != conformance.JudgeResponses {
		return nil, errors.New("runner: the judge must judge responses only (judgement.WithSides(conformance.JudgeResponses)): the suite's bad requests are deliberate")
	}
	eng := v.Engine()
	base, err := url.Parse(strings.TrimRight(cfg.Target, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("target %q is not an http(s) URL", cfg.Target)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 1
	}
	if cfg.MaxGets <= 0 {
		cfg.MaxGets = 10
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 50
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 60 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 3
	}
	if cfg.NotifyURL == "" {
		cfg.NotifyURL = defaultNotifyURL
	}
	if cfg.RunID == "" {
		cfg.RunID = randomHex(4)
	}
	if !runIDPattern.MatchString(cfg.RunID) {
		return nil, fmt.Errorf("run id %q is not 8 lower-case hex digits", cfg.RunID)
	}
	tr := cfg.Transport
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	_, webex := eng.Operation(opList)
	return &runner{
		webex:  webex,
		cfg:    cfg,
		v:      v,
		eng:    eng,
		base:   base,
		client: &http.Client{Transport: tr, CheckRedirect: checkRedirect},
		pace:   newPacer(cfg.Rate),
		report: &report.Report{
			Tool:    "conformance",
			Version: conformance.Version,
			Spec:    eng.SpecInfo(),
			Target:  base.String(),
			Cases:   []report.Case{},
		},
		created: map[string]string{},
		deleted: map[string]bool{},
		writes:  map[string]int{},
		cov:     eng.NewCoverage(),
	}, nil
}

// checkRedirect follows a few redirects but never carries the token to
// another host (the standard library keeps it for subdomains).
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		req.Header.Del("Authorization")
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type authMode int

const (
	authToken authMode = iota
	authNone
	authBad
)

// call is one request of a scenario.
type call struct {
	name   string
	op     string
	method string
	// path is relative to the target's base path ("/webhooks/abc");
	// rawURL, when set, is used as is (next links).
	path        string
	query       url.Values
	rawURL      string
	body        []byte
	contentType string
	auth        authMode
	// header holds more request headers (generated parameters).
	header http.Header
	// template is the operation's path template, when pathTemplate does
	// not know the operation.
	template string
	// need2xx says the suite needs a 2xx answer to judge the API (see
	// coverage): a 5xx or 429 instead leaves the case not judged.
	need2xx bool
}

// result is what came back, after any 429 retries.
type result struct {
	status   int
	header   http.Header
	body     []byte
	url      *url.URL
	findings []conformance.Finding
	dur      time.Duration
}

func (r *runner) url(c call) (*url.URL, error) {
	if c.rawURL != "" {
		return url.Parse(c.rawURL)
	}
	u := *r.base
	u.Path = r.base.Path + c.path
	u.RawPath = ""
	if len(c.query) > 0 {
		u.RawQuery = c.query.Encode()
	}
	return &u, nil
}

// do sends c, validates every response (retried 429s included) with the
// engine and returns the last one. A transport failure is an
// *UntestableError; a cancelled ctx returns ctx's error. The result's
// duration is the time its exchanges took: the waits for --rate and for a
// retry are the run's pacing, not the target's.
func (r *runner) do(ctx context.Context, c call) (*result, error) {
	u, err := r.url(c)
	if err != nil {
		return nil, &UntestableError{Reason: "bad URL", Err: err}
	}
	res := &result{url: u}
	for attempt := 0; ; attempt++ {
		if err := r.pace.wait(ctx); err != nil {
			return nil, err
		}
		start := time.Now()
		resp, err := r.send(ctx, c, u)
		res.dur += time.Since(start)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &UntestableError{Reason: fmt.Sprintf("%s %s failed", c.method, r.eng.Redact(u.Redacted())), Err: errors.New(r.eng.Redact(err.Error()))}
		}
		res.status, res.header, res.body = resp.status, resp.header, resp.body
		res.url = resp.url
		x := resp.x
		x.Operation, x.Coverage = c.op, r.cov
		res.findings = append(res.findings, r.v.Case(&x).Findings...)
		if !retryable(c.method, resp.status) || attempt >= r.cfg.Retries || r.cfg.Retries < 0 {
			break
		}
		var wait time.Duration
		switch ra := resp.header.Get("Retry-After"); {
		case resp.status == http.StatusTooManyRequests || ra != "":
			wait = retryAfter(ra, time.Now())
		default:
			wait = serverErrorBackoff << attempt
		}
		if wait > r.cfg.MaxRetryWait {
			wait = r.cfg.MaxRetryWait
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return res, nil
}

// retryable says whether an answer may be asked again: a 429 always (the
// request was not processed), a 5xx only for a method RFC 9110 (9.2.2)
// calls idempotent, so a create is never sent twice.
func retryable(method string, status int) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	if status < 500 {
		return false
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

type rawResponse struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL
	// x is the exchange to judge: the request as sent (to the URL that
	// answered, after any redirect) and the response.
	x conformance.Exchange
}

func (r *runner) send(ctx context.Context, c call, u *url.URL) (*rawResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "webex-conformance/"+conformance.Version)
	if c.body != nil {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	switch c.auth {
	case authToken:
		if r.cfg.Token != "" {
			req.Header.Set("Authorization", "Bearer "+r.cfg.Token)
		}
	case authBad:
		req.Header.Set("Authorization", "Bearer "+badToken)
	}
	sent := req.Clone(ctx)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, r.eng.MaxBodyBytes()+1))
	if err != nil {
		return nil, err
	}
	x := conformance.FromHTTP(sent, c.body, resp, b)
	x.Request.URL = resp.Request.URL
	return &rawResponse{status: resp.StatusCode, header: resp.Header, body: b, url: resp.Request.URL, x: x}, nil
}

// record turns a call and its result into a case of the report, adding the
// runner's own findings.
func (r *runner) record(c call, res *result, extra ...conformance.Finding) report.Case {
	cs := report.Case{
		Name:      c.name,
		Operation: c.op,
		Method:    c.method,
		Path:      pathTemplate(c.op),
	}
	if c.template != "" {
		cs.Path = c.template
	}
	var all []conformance.Finding
	if res != nil {
		cs.Status = res.status
		r.lastURL = res.url
		cs.DurationMS = float64(res.dur.Microseconds()) / 1000
		all = append(all, res.findings...)
	}
	all = append(all, extra...)
	if c.need2xx && res != nil {
		if !is2xx(res.status) && (res.status >= 500 || res.status == http.StatusTooManyRequests) && !hasRule(all, conformance.RuleBehaviorNotJudged) {
			all = append(all, notJudged(fmt.Sprintf("%s needs a 2xx answer", c.name), 200, res.status))
		}
	}
	cs.Findings = make([]conformance.Finding, 0, len(all))
	failing := false
	for _, f := range all {
		if f.Operation == "" {
			f.Operation = c.op
		}
		if f.Status == 0 && res != nil {
			f.Status = res.status
		}
		f.Message = r.redact(f.Message)
		f.Expected = r.redact(f.Expected)
		f.Actual = r.redact(f.Actual)
		f.Pointer = r.redact(f.Pointer)
		cs.Findings = append(cs.Findings, f)
		if f.Severity != conformance.SeverityInfo {
			failing = true
		}
	}
	if failing && res != nil {
		cs.Curl = r.curl(c, res.url)
	}
	if !failing {
		// A case whose check could not be made has not passed.
		for _, f := range cs.Findings {
			if f.Rule == conformance.RuleBehaviorNotJudged {
				cs.Verdict = report.VerdictSkip
				cs.Reason = "not judged: " + f.Message
				break
			}
		}
	}
	r.report.Add(cs)
	last := r.report.Cases[len(r.report.Cases)-1]
	if r.cfg.Progress != nil {
		r.cfg.Progress(last)
	}
	return last
}

// skip records a case that could not run, with the reason.
func (r *runner) skip(name, op, method, reason string) {
	r.report.Add(report.Case{Name: name, Operation: op, Method: method, Path: pathTemplate(op), Verdict: report.VerdictSkip, Reason: reason})
	if r.cfg.Progress != nil {
		r.cfg.Progress(r.report.Cases[len(r.report.Cases)-1])
	}
}

// redact hides the token and the secrets this run generated, on top of
// what the engine hides.
func (r *runner) redact(s string) string {
	if s == "" {
		return s
	}
	s = r.eng.Redact(s)
	s = redact.Value(s, r.cfg.Token)
	for _, sec := range r.secrets {
		s = redact.Value(s, sec)
	}
	return s
}

func pathTemplate(op string) string {
	switch op {
	case opList, opCreate:
		return "/webhooks"
	case opGet, opUpdate, opDelete:
		return "/webhooks/{webhookId}"
	}
	return ""
}

const (
	opList   = "listWebhooks"
	opCreate = "createWebhook"
	opGet    = "getWebhookDetails"
	opUpdate = "updateWebhook"
	opDelete = "deleteWebhook"
)

// unexpected reports a status other than the one a behavior calls for. A
// server error or a rate limit that outlasted the retries says nothing
// about the behavior: the case is not judged (a skip, not a pass), and the
// engine judges the response.
func unexpected(rule conformance.Rule, msg string, want, got int) conformance.Finding {
	if got >= 500 || got == http.StatusTooManyRequests {
		return notJudged(msg, want, got)
	}
	return conformance.NewFinding(rule, "", msg, strconv.Itoa(want), strconv.Itoa(got))
}

// A write answered with a 2xx the spec does not document (201 to a
// create, 200 to a delete) did what was asked: the engine's
// status.undocumented says the status is wrong, once. The behaviour rules
// speak of writes that were refused, or of a create that handed back no
// webhook, with one wording for both.

// createFailed is behavior.create-failed for a valid create answered got.
func createFailed(got int) conformance.Finding {
	return unexpectedText(webex.RuleBehaviorCreateFailed, "a valid create was refused, or answered without a webhook", "2xx with a webhook", got)
}

// deleteRefused is behavior.delete-failed for a delete answered got.
func deleteRefused(got int) conformance.Finding {
	return unexpectedText(webex.RuleBehaviorDeleteFailed, "deleting a webhook was refused", "2xx", got)
}

// unexpectedText is unexpected with the expected answer in words.
func unexpectedText(rule conformance.Rule, msg, want string, got int) conformance.Finding {
	if got >= 500 || got == http.StatusTooManyRequests {
		f := notJudged(msg, 0, got)
		f.Expected = want
		return f
	}
	return conformance.NewFinding(rule, "", msg, want, strconv.Itoa(got))
}

func notJudged(msg string, want, got int) conformance.Finding {
	return conformance.NewFinding(conformance.RuleBehaviorNotJudged, "",
		fmt.Sprintf("the server answered %d, so this could not be checked: %s", got, msg), strconv.Itoa(want), strconv.Itoa(got))
}

func hasRule(fs []conformance.Finding, rule conformance.Rule) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}
