package judgement

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/redact"
)

// Collector folds the cases of judged exchanges into a report, bounded
// however long the traffic runs: what a long-running front end (the
// proxy, the receiver) keeps. The first exchanges (WithOwnCases) get a
// case each; the others are folded into one case per operation, method
// and status, each finding kind kept once with the count of exchanges
// that had it (report.Tally), at most WithMaxKinds kinds a case. Safe for
// concurrent use.
//
// What the client chose stays bounded too: an exchange no operation
// matches is cased by its method only for RFC 9110's methods and PATCH
// (MethodBucket), and the request paths of a contract's exchanges
// (WithContract: a receiver's deliveries, any path) fold per path for
// the first 100 paths, then into one case.
type Collector struct {
	j        *Judge
	own      int
	maxKinds int
	one, any string
	log      *slog.Logger

	mu     sync.Mutex
	n      int
	cases  []report.Case
	folded map[foldKey]*fold
	order  []foldKey
	paths  int
}

// CollectOption tunes a Collector.
type CollectOption func(*Collector)

// WithOwnCases gives each of the first n exchanges a case of its own
// (default 0: every exchange is folded).
func WithOwnCases(n int) CollectOption { return func(c *Collector) { c.own = max(n, 0) } }

// WithMaxKinds bounds the kinds of finding a folded case keeps (n <= 0
// keeps DefaultMaxKinds); the rest are counted in a proxy.findings-capped
// note.
func WithMaxKinds(n int) CollectOption {
	return func(c *Collector) {
		if n > 0 {
			c.maxKinds = n
		}
	}
}

// WithNouns names an exchange in case names and log records, one and
// many ("delivery", "deliveries"; default "exchange", "exchanges").
func WithNouns(one, many string) CollectOption {
	return func(c *Collector) { c.one, c.any = one, many }
}

// WithLogger logs through l (nil: nothing is logged): every exchange
// judged (the ones with a case of their own at Info, the folded ones at
// Debug) and every kind of finding the first time its case meets it
// (Info), with the exchange's method, path, status and what was found.
// Every value the traffic chose is redacted and has its control
// characters escaped.
func WithLogger(l *slog.Logger) CollectOption { return func(c *Collector) { c.log = l } }

// DefaultMaxKinds is how many kinds of finding a folded case keeps.
const DefaultMaxKinds = 50

// MaxFoldedPaths bounds the request paths that get a folded case of their
// own; the exchanges to any further path share one case.
const MaxFoldedPaths = 100

// otherPaths is the folded path of the paths past MaxFoldedPaths.
const otherPaths = "\x00other"

type foldKey struct {
	op, method, path string
	status           int
}

type fold struct {
	c     report.Case
	total time.Duration
	tally *report.Tally
}

// NewCollector returns a collector of the cases j judges.
func NewCollector(j *Judge, opts ...CollectOption) *Collector {
	c := &Collector{j: j, maxKinds: DefaultMaxKinds, one: "exchange", any: "exchanges", folded: map[foldKey]*fold{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Add counts x, judged as cs (from j.Case), and logs it. cs.Name, when
// set, names an exchange's own case after its number ("delivery 3: " +
// cs.Name); without it the case is named by method and path.
func (c *Collector) Add(x *conformance.Exchange, cs report.Case) {
	var d time.Duration
	if x != nil {
		d = x.Duration
	}
	method := cs.Method
	if cs.Operation == "" {
		// The client chooses the method of a request no operation
		// matches: the case it lands in must not be of its choosing.
		method = MethodBucket(method)
	}
	c.mu.Lock()
	c.n++
	n := c.n
	var fresh []conformance.Finding
	own := n <= c.own
	if own {
		name := cs.Name
		if name == "" {
			name = cs.Method + " " + cs.Path
		}
		cs.Name = fmt.Sprintf("%s %d: %s", c.one, n, name)
		c.cases = append(c.cases, cs)
		fresh = cs.Findings
	} else {
		fresh = c.foldIn(cs, method, d)
	}
	c.mu.Unlock()
	if c.log == nil {
		return
	}
	ctx := context.Background()
	level := slog.LevelDebug
	if own {
		level = slog.LevelInfo
	}
	each := c.log.Enabled(ctx, level)
	if !each && len(fresh) == 0 {
		return // nothing to log: the common case of a long run costs nothing
	}
	path := ""
	if x != nil && x.Request.URL != nil {
		path = x.Request.URL.EscapedPath()
	}
	attrs := c.exchangeAttrs(method, path, cs.Status, own, n)
	if each {
		c.log.LogAttrs(ctx, level, "judged", append(attrs,
			slog.String("operation", cs.Operation),
			slog.String("verdict", string(verdict(cs))),
			slog.Int("findings", len(cs.Findings)),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000))...)
	}
	for _, f := range fresh {
		c.log.LogAttrs(ctx, slog.LevelInfo, "finding", append(attrs[:len(attrs):len(attrs)],
			slog.String("severity", string(f.Severity)),
			slog.String("rule", f.Rule.ID()),
			slog.String("pointer", c.clean(f.Pointer)),
			slog.String("message", c.clean(f.Message)),
			slog.String("actual", c.clean(f.Actual)))...)
	}
}

// exchangeAttrs are the attributes that say which exchange a record is
// of: its own case's name when it has one ("delivery 3"), its method, its
// path and its status.
func (c *Collector) exchangeAttrs(method, path string, status int, own bool, n int) []slog.Attr {
	attrs := make([]slog.Attr, 0, 12)
	if own {
		attrs = append(attrs, slog.String("case", fmt.Sprintf("%s %d", c.one, n)))
	}
	return append(attrs,
		slog.String("method", c.clean(Clip(method))),
		slog.String("path", c.clean(Clip(path))),
		slog.Int("status", status))
}

// clean redacts s and escapes its control characters, for a log record.
func (c *Collector) clean(s string) string {
	if s == "" {
		return s
	}
	return redact.Line(c.j.eng.Redact(s))
}

// verdict is the verdict the report will give cs.
func verdict(cs report.Case) report.Verdict {
	if cs.Verdict != "" {
		return cs.Verdict
	}
	if fails(cs.Findings) {
		return report.VerdictFail
	}
	return report.VerdictPass
}

// foldIn adds an exchange to its folded case and returns the kinds of
// finding that case had not seen. Called with mu held.
func (c *Collector) foldIn(cs report.Case, method string, d time.Duration) []conformance.Finding {
	key := foldKey{op: cs.Operation, method: method, status: cs.Status}
	if cs.Operation != "" && c.j.contract != nil {
		// A contract's path is the request's, as the sender chose it.
		key.path = cs.Path
		if c.folded[key] == nil && c.paths >= MaxFoldedPaths {
			key.path = otherPaths
		}
	} else if cs.Operation != "" {
		key.path = cs.Path
	}
	f := c.folded[key]
	if f == nil {
		if key.path != "" && key.path != otherPaths && c.j.contract != nil {
			c.paths++
		}
		f = &fold{tally: report.NewTally(c.maxKinds)}
		f.c = report.Case{Operation: cs.Operation, Method: method, Status: cs.Status, Path: key.path}
		if key.path == otherPaths {
			f.c.Path = ""
		}
		c.folded[key] = f
		c.order = append(c.order, key)
	}
	f.total += d
	return f.tally.Add(cs.Findings, key.op)
}

// Exchanges is how many exchanges were added.
func (c *Collector) Exchanges() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// NotJudged is a count of exchanges that could not be judged, and why
// ("the body was larger than 1048576 bytes").
type NotJudged struct {
	Count int64
	Why   string
}

// Report returns the report so far: the exchanges' own cases in the order
// they came, the folded cases by operation, method and status, and, when
// notJudged counts any, a skipped case "exchanges not judged" saying how
// many and why. target names what was tested; cov is the coverage of
// what was judged (nil: none). The report is not concluded.
func (c *Collector) Report(target string, cov *conformance.CoverageReport, notJudged ...NotJudged) *report.Report {
	rep := &report.Report{
		Tool: "conformance", Version: conformance.Version, Spec: c.j.eng.SpecInfo(), Judge: c.j.sides,
		Target: target, Cases: []report.Case{},
	}
	rep.Coverage = cov
	c.mu.Lock()
	for _, cs := range c.cases {
		rep.Add(cs)
	}
	keys := append([]foldKey(nil), c.order...)
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
		rep.Add(c.foldedCase(k))
	}
	c.mu.Unlock()
	var notes []string
	for _, n := range notJudged {
		if n.Count > 0 {
			notes = append(notes, fmt.Sprintf("%d because %s", n.Count, n.Why))
		}
	}
	if len(notes) > 0 {
		rep.Add(report.Case{Name: c.any + " not judged", Verdict: report.VerdictSkip, Reason: strings.Join(notes, "; ")})
	}
	return rep
}

// foldedCase is the case of the exchanges folded under k. Called with mu
// held.
func (c *Collector) foldedCase(k foldKey) report.Case {
	f := c.folded[k]
	cs := f.c
	what := cs.Path
	switch {
	case k.path == otherPaths:
		what = fmt.Sprintf("(any further path, past the first %d)", MaxFoldedPaths)
	case cs.Operation == "":
		what = "(no documented operation)"
	}
	count := f.tally.Exchanges()
	counted := fmt.Sprintf("%d %s", count, c.noun(count))
	if c.own > 0 {
		counted = fmt.Sprintf("%d more %s after the first %d", count, c.noun(count), c.own)
	}
	cs.Name = fmt.Sprintf("%s %s → %d (%s)", cs.Method, what, cs.Status, counted)
	cs.DurationMS = float64((f.total / time.Duration(count)).Microseconds()) / 1000
	cs.Findings = f.tally.Findings(c.any)
	if d := f.tally.Dropped(); d > 0 {
		capped := conformance.NewFinding(conformance.RuleProxyFindingsCapped, "",
			fmt.Sprintf("%d more %s of other kinds were not kept (at most %d per case)", d, plural(d, "finding", "findings"), c.maxKinds), "", "")
		capped.Operation, capped.Status = cs.Operation, cs.Status
		cs.Findings = append(cs.Findings, capped)
	}
	return cs
}

func (c *Collector) noun(n int) string { return plural(n, c.one, c.any) }

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// otherMethod is the method a case shows for the requests of methods
// outside RFC 9110's (and PATCH's) that match no operation.
const otherMethod = "(other method)"

// MethodBucket is method when it is one of RFC 9110's methods or PATCH,
// else otherMethod: what a case, a log record or a metric label may say of
// a method the client chose freely.
func MethodBucket(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return otherMethod
}

// Clip shortens what a client chose (a path, a method) for a log record.
func Clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
