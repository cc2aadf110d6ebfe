package report

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/internal/redact"
)

// Format is an output format.
type Format string

// The formats a report is written in.
const (
	Text     Format = "text"
	JSON     Format = "json"
	JUnit    Format = "junit"
	Markdown Format = "markdown"
)

// Formats lists every format, in the order help texts name them.
var Formats = []Format{Text, JSON, JUnit, Markdown}

// ParseFormat reads the name of a format.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("a report format is text, json, junit or markdown, not %q", s)
}

// options tune the writers.
type options struct {
	color   bool
	verbose bool
	redact  func(string) string
}

// Option tunes Write.
type Option func(*options)

// WithColor adds ANSI colours to the text format; only for a terminal.
func WithColor(on bool) Option { return func(o *options) { o.color = on } }

// WithVerbose lists passing cases in the text format too; by default it
// lists failing and skipped cases and counts the passing ones.
func WithVerbose(on bool) Option { return func(o *options) { o.verbose = on } }

// WithRedact applies redact to every string written, before the project's
// redactor (pass Engine.Redact, which knows the registered tokens).
func WithRedact(redact func(string) string) Option { return func(o *options) { o.redact = redact } }

// Write writes r to w in format f.
func Write(w io.Writer, f Format, r *Report, opts ...Option) error {
	if r == nil {
		return errors.New("report: nil report")
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s := scrubber(o.redact)
	switch f {
	case Text:
		return writeText(w, r, o, s)
	case JSON:
		return writeJSON(w, r, s)
	case JUnit:
		return writeJUnit(w, r, s)
	case Markdown:
		return writeMarkdown(w, r, s)
	}
	return fmt.Errorf("report: unknown format %q", f)
}

// scrubber returns the function every written string passes through: the
// caller's redactor, then the project's own (credentials, secret JSON
// properties), so that nothing slips through when no Redact was given.
func scrubber(extra func(string) string) func(string) string {
	return func(s string) string {
		if s == "" {
			return s
		}
		if extra != nil {
			s = extra(s)
		}
		return redact.Text(s)
	}
}

// redacted returns a copy of r whose strings went through scrub and in
// which only failing cases keep their Curl; r itself is left alone.
func redacted(r *Report, scrub func(string) string) *Report {
	out := *r
	out.Outcome, out.Reason = outcomeOf(r, scrub)
	out.Target = scrub(r.Target)
	out.LeftBehind = redactedLeftBehind(r.LeftBehind, scrub)
	out.Cases = make([]Case, len(r.Cases))
	for i, c := range r.Cases {
		out.Cases[i] = redactedCase(c, scrub)
	}
	out.Resolved = redactedFindings(r.Resolved, scrub)
	return &out
}

// redactedLeftBehind is ws with their strings through scrub; nil stays nil.
func redactedLeftBehind(ws []LeftBehind, scrub func(string) string) []LeftBehind {
	if ws == nil {
		return nil
	}
	out := make([]LeftBehind, len(ws))
	for i, w := range ws {
		out[i] = LeftBehind{Kind: scrub(w.Kind), ID: scrub(w.ID), Name: scrub(w.Name)}
	}
	return out
}

// redactedFindings is fs with their strings through scrub; nil stays nil.
func redactedFindings(fs []conformance.Finding, scrub func(string) string) []conformance.Finding {
	if fs == nil {
		return nil
	}
	out := make([]conformance.Finding, len(fs))
	for i, f := range fs {
		out[i] = redactedFinding(f, scrub)
	}
	return out
}

// outcomeOf is the report's Result with the reason scrubbed: a reason may
// quote a URL or a server's words.
func outcomeOf(r *Report, scrub func(string) string) (Outcome, string) {
	o, reason := r.Result()
	return o, scrub(reason)
}

// redactedCase is redacted for one case; the text and markdown writers call
// it only for the cases they print, which on a long recording is few.
func redactedCase(c Case, scrub func(string) string) Case {
	if c.Verdict == VerdictFail {
		c.Curl = scrub(c.Curl)
	} else {
		c.Curl = ""
	}
	c.Name = scrub(c.Name)
	c.Path = scrub(c.Path)
	c.Reason = scrub(c.Reason)
	fs := make([]conformance.Finding, len(c.Findings))
	for j, f := range c.Findings {
		fs[j] = redactedFinding(f, scrub)
	}
	c.Findings = fs
	return c
}

// redactedFinding is f with its strings through scrub.
func redactedFinding(f conformance.Finding, scrub func(string) string) conformance.Finding {
	f.Pointer = scrub(f.Pointer)
	f.Message = scrub(f.Message)
	f.Expected = scrub(f.Expected)
	f.Actual = scrub(f.Actual)
	return f
}

// ruleCount is how often a rule fired across a report.
type ruleCount struct {
	Rule     string
	Severity conformance.Severity
	Count    int
}

// countRules tallies findings by rule, most frequent first: on a long
// recording the same departure repeats, and the tally says what to fix.
func countRules(r *Report) []ruleCount {
	index := map[string]int{}
	var out []ruleCount
	for _, c := range r.Cases {
		for _, f := range c.Findings {
			key := f.Rule.ID() + "\x00" + string(f.Severity)
			i, ok := index[key]
			if !ok {
				i = len(out)
				index[key] = i
				out = append(out, ruleCount{Rule: f.Rule.ID(), Severity: f.Severity})
			}
			out[i].Count++
		}
	}
	slices.SortStableFunc(out, func(a, b ruleCount) int { return b.Count - a.Count })
	return out
}
