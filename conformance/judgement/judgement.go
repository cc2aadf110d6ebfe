package judgement

import (
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// Judge turns exchanges into cases. It is immutable after New and safe for
// concurrent use as long as its observers are.
type Judge struct {
	eng       *conformance.Engine
	sides     conformance.Sides
	observers []Observer
	cov       *conformance.Coverage
	contract  *conformance.RequestContract
	checks    []Check
}

// Check is a judgement a layer above the engine adds (the Webex layer's
// signature rule, say): it is given each exchange judged, the operation
// it matched (ok false: none) and the findings so far, and returns them
// with its own, dropping any it supersedes. Only its findings of the
// sides judged are kept. It runs before the observers, and must not keep
// x's bodies. x is a copy, so that a judge without checks allocates
// nothing for them.
type Check func(x conformance.Exchange, op conformance.Operation, ok bool, fs []conformance.Finding) []conformance.Finding

// Observer is told of every exchange judged, with the operation it
// matched (ok false: none) and its case, before Case returns: the place
// for a coverage model to take its share. It must not keep x's bodies,
// which the front end may reuse. x and c are copies, so that judging
// allocates nothing for them.
type Observer interface {
	Judged(x conformance.Exchange, op conformance.Operation, ok bool, c report.Case)
}

// ObserverFunc is an Observer that is a function.
type ObserverFunc func(x conformance.Exchange, op conformance.Operation, ok bool, c report.Case)

// Judged calls f.
func (f ObserverFunc) Judged(x conformance.Exchange, op conformance.Operation, ok bool, c report.Case) {
	f(x, op, ok, c)
}

// Option tunes a Judge.
type Option func(*Judge)

// WithSides counts only the findings of the sides given (default: both);
// the other side's findings are not made.
func WithSides(s conformance.Sides) Option { return func(j *Judge) { j.sides = s } }

// WithCoverage marks cov with what every exchange judged reaches of the
// spec (an exchange that carries its own Exchange.Coverage marks that
// one). A Coverage is not safe for concurrent use: a Judge given one
// judges one exchange at a time; concurrent front ends give each
// goroutine its collector through Exchange.Coverage and merge them.
func WithCoverage(cov *conformance.Coverage) Option { return func(j *Judge) { j.cov = cov } }

// WithObserver adds an observer of every judged exchange.
func WithObserver(o Observer) Option { return func(j *Judge) { j.observers = append(j.observers, o) } }

// WithCheck adds a check to every judgement, after the engine's.
func WithCheck(c Check) Option { return func(j *Judge) { j.checks = append(j.checks, c) } }

// WithContract judges every exchange as a request of rc, whatever its
// method and path: a callback's or a webhook's request, which the front
// end receives (a delivery). The response is the front end's own answer
// and is not judged. Coverage is marked when the exchange carries a
// collector of rc's (rc.NewCoverage).
func WithContract(rc *conformance.RequestContract) Option {
	return func(j *Judge) { j.contract = rc }
}

// New returns a Judge judging by eng.
func New(eng *conformance.Engine, opts ...Option) *Judge {
	j := &Judge{eng: eng}
	for _, o := range opts {
		o(j)
	}
	return j
}

// Engine is the engine j judges by.
func (j *Judge) Engine() *conformance.Engine { return j.eng }

// Sides is the sides j judges.
func (j *Judge) Sides() conformance.Sides { return j.sides }

// Case judges one exchange: its request and its response, by the policy
// every front end shares.
//
//   - An exchange no documented operation matches (an undocumented method
//     or path, whatever the server answered: 404, 405 or anything else) is
//     the client's: one operation.unknown finding of the request, and the
//     response is not judged. Judging responses only, it is a skipped case.
//   - A request whose record may lack its credentials
//     (conformance.CredentialsMayBeDropped) and that the server accepted (a
//     status below 400) gets a request.unjudged note instead of
//     request.security; one whose credentials could not be given
//     (CredentialsNotGiven) gets the note whatever the status. A record
//     that keeps credential headers, values redacted, is judged as sent.
//   - An exchange of an operation whose description cannot be read
//     (conformance.Engine.Unjudged) is a skipped case saying why: nothing
//     of it was checked.
//   - A request whose body could not be kept (Request.Unjudged) gets a
//     request.unjudged note; a response that could not be kept
//     (Response.Unjudged) is not judged: the case's reason says why, and
//     with nothing else failing it is skipped.
//
// The case carries the operation, method, path (the template when an
// operation matched, else the request's path, redacted), status, duration,
// findings and verdict; the front end names it.
func (j *Judge) Case(x *conformance.Exchange) report.Case {
	c := report.Case{Method: x.Request.Method, Status: x.Response.Status}
	if x.Duration > 0 {
		c.DurationMS = float64(x.Duration.Microseconds()) / 1000
	}
	path := ""
	if x.Request.URL != nil {
		path = x.Request.URL.EscapedPath()
	}
	if x.Coverage == nil && j.cov != nil {
		x.Coverage = j.cov
		defer func() { x.Coverage = nil }()
	}
	var op conformance.Operation
	var ok bool
	switch {
	case j.contract != nil:
		return j.received(x, c, path)
	case x.Operation != "":
		op, ok = j.eng.Operation(x.Operation)
	case x.Request.URL == nil || x.Request.Method == "":
		// Nothing to find the operation by: the record is incomplete.
		c.Path = j.eng.Redact(path)
		c.Verdict, c.Reason = report.VerdictSkip, j.eng.Redact(orDefault(x.Response.Unjudged, "the request has no method or URL"))
		j.observe(x, op, false, &c)
		return c
	default:
		op, ok = j.eng.FindOperation(x.Request.Method, path)
	}
	if !ok {
		x.Coverage.NoOperation()
		if j.sides.Judges(conformance.SideRequest) {
			c.Findings = j.check(x, op, false, j.eng.ValidateRequest(x))
		} else {
			c.Verdict = report.VerdictSkip
			c.Reason = "no operation of the spec matches " + x.Request.Method + " " + c.Path + ": the client's request, not judged (only responses are)"
		}
		j.observe(x, op, false, &c)
		return c
	}
	c.Operation, c.Path = op.ID, op.PathTemplate
	if why := j.eng.Unjudged(op.ID); why != "" {
		// Nothing of the exchange can be checked: untested, never a pass.
		c.Verdict, c.Reason = report.VerdictSkip, why
		j.observe(x, op, true, &c)
		return c
	}
	// The operation is known from here on: the engine looks it up by id.
	saved := x.Operation
	x.Operation = op.ID
	defer func() { x.Operation = saved }()
	if j.sides.Judges(conformance.SideRequest) {
		c.Findings = j.request(x, op.ID)
	}
	if x.Response.Unjudged != "" {
		c.Reason = j.eng.Redact(x.Response.Unjudged)
		if !fails(c.Findings) {
			c.Verdict = report.VerdictSkip
		}
	} else if j.sides.Judges(conformance.SideResponse) {
		c.Findings = append(c.Findings, j.eng.ValidateResponse(x)...)
	}
	c.Findings = j.check(x, op, true, c.Findings)
	j.observe(x, op, true, &c)
	return c
}

// received judges x as a request of the contract: what a receiver got.
func (j *Judge) received(x *conformance.Exchange, c report.Case, path string) report.Case {
	op := conformance.Operation{ID: j.contract.Operation(), Method: x.Request.Method}
	c.Operation, c.Path = op.ID, j.eng.Redact(path)
	if j.sides.Judges(conformance.SideRequest) {
		if x.Request.Unjudged != "" {
			f := conformance.NewFinding(conformance.RuleRequestUnjudged, "", j.eng.Redact(x.Request.Unjudged), "", "")
			f.Operation = op.ID
			c.Findings = []conformance.Finding{f}
		} else {
			c.Findings = j.contract.ValidateCovered(&x.Request, x.Coverage)
		}
	}
	c.Findings = j.check(x, op, true, c.Findings)
	j.observe(x, op, true, &c)
	return c
}

// check runs the checks a layer above added and keeps their findings of
// the sides judged.
func (j *Judge) check(x *conformance.Exchange, op conformance.Operation, ok bool, fs []conformance.Finding) []conformance.Finding {
	if len(j.checks) == 0 {
		return fs
	}
	for _, c := range j.checks {
		fs = c(*x, op, ok, fs)
	}
	return j.sides.Keep(fs)
}

// request judges the request half, with the policies on credentials and
// on bodies that could not be kept.
func (j *Judge) request(x *conformance.Exchange, opID string) []conformance.Finding {
	if x.Request.Unjudged != "" {
		f := conformance.NewFinding(conformance.RuleRequestUnjudged, "", j.eng.Redact(x.Request.Unjudged), "", "")
		f.Operation = opID
		return []conformance.Finding{f}
	}
	fs := j.eng.ValidateRequest(x)
	switch x.Request.Credentials {
	case conformance.CredentialsMayBeDropped:
		if x.Response.Unjudged == "" && x.Response.Status > 0 && x.Response.Status < 400 {
			fs = securityNote(fs, "the recording holds no credential though the server accepted the request: the recorder dropped it (a sanitized export), so the security requirement is not judged")
		}
	case conformance.CredentialsNotGiven:
		out := fs[:0]
		for _, f := range fs {
			if f.Rule != conformance.RuleRequestSecurity {
				out = append(out, f)
			}
		}
		note := conformance.NewFinding(conformance.RuleRequestUnjudged, "", "the security requirement is not judged: no credential was given", "", "")
		note.Operation = opID
		fs = append(out, note)
	}
	return fs
}

// securityNote turns request.security into a request.unjudged note saying
// why.
func securityNote(fs []conformance.Finding, why string) []conformance.Finding {
	for i := range fs {
		if fs[i].Rule == conformance.RuleRequestSecurity {
			old := fs[i]
			fs[i] = conformance.NewFinding(conformance.RuleRequestUnjudged, old.Pointer, why, "", "")
			fs[i].Operation, fs[i].Status = old.Operation, old.Status
		}
	}
	return fs
}

func (j *Judge) observe(x *conformance.Exchange, op conformance.Operation, ok bool, c *report.Case) {
	for _, o := range j.observers {
		o.Judged(*x, op, ok, *c)
	}
}

// fails reports whether a finding is more than a note.
func fails(fs []conformance.Finding) bool {
	for _, f := range fs {
		if f.Severity != conformance.SeverityInfo {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
