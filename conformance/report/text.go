package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/internal/redact"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (p painter) verdict(v Verdict) string {
	switch v {
	case VerdictPass:
		return p.paint(ansiGreen, "PASS")
	case VerdictFail:
		return p.paint(ansiBold+ansiRed, "FAIL")
	case VerdictSkip:
		return p.paint(ansiYellow, "SKIP")
	}
	return strings.ToUpper(string(v))
}

// verdictBeside is verdict, except that a case without findings of a
// report that did not conclude (untested, interrupted) is CLEAN, not PASS.
func (p painter) verdictBeside(v Verdict, concluded bool) string {
	if v == VerdictPass && !concluded {
		return p.paint(ansiDim, "CLEAN")
	}
	return p.verdict(v)
}

func (p painter) severity(s conformance.Severity, width int) string {
	txt := fmt.Sprintf("%-*s", width, s)
	switch s {
	case conformance.SeverityError:
		return p.paint(ansiRed, txt)
	case conformance.SeverityDrift:
		return p.paint(ansiYellow, txt)
	}
	return p.paint(ansiDim, txt)
}

// writeText writes one block per failing or skipped case (every case when
// verbose), one line per finding, a reproduce: line with the failing
// case's curl command, and a summary line.
func writeText(w io.Writer, r *Report, opts options, scrub func(string) string) error {
	p := painter(opts.color)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s %s · %s\n", r.Tool, r.Version, specLine(r))
	if r.Target != "" {
		fmt.Fprintf(bw, "target %s\n", oneLine(scrub(r.Target)))
	}
	if g := r.Generated; g != nil {
		fmt.Fprintf(bw, "generated %d of %d %s, seed %d (%d sent with shrinking)\n", g.Cases, g.Requested, plural(g.Requested, "request", "requests"), g.Seed, g.Sent)
	}
	// A case with lines under it stands in its own paragraph; a run of
	// plain passes is listed line after line.
	prevBlock := true
	outcome, _ := r.Result()
	concluded := outcome == Conformant || outcome == Nonconformant
	for _, c := range r.Cases {
		if c.Verdict == VerdictPass && !opts.verbose && !hasFindings(c) {
			continue
		}
		// Against a baseline, a case whose findings are all known is
		// told in the known section below, collapsed.
		shown, known := splitKnown(c.Findings)
		if len(shown) == 0 && known > 0 && c.Verdict != VerdictSkip && !opts.verbose {
			continue
		}
		c = redactedCase(c, scrub)
		c.Findings, _ = splitKnown(c.Findings)
		block := hasFindings(c) || known > 0 || c.Curl != "" || c.Verdict == VerdictSkip && c.Reason != ""
		if block || prevBlock {
			bw.WriteString("\n")
		}
		prevBlock = block
		fmt.Fprintf(bw, "%s %s%s\n", p.verdictBeside(c.Verdict, concluded), oneLine(c.Name), p.paint(ansiDim, caseDetail(c)))
		if c.Verdict == VerdictSkip && c.Reason != "" {
			fmt.Fprintf(bw, "     %s\n", oneLine(c.Reason))
		}
		writeFindings(bw, c.Findings, p)
		if known > 0 {
			fmt.Fprintf(bw, "     %s\n", p.paint(ansiDim, fmt.Sprintf("and %d known from the baseline (below)", known)))
		}
		if c.Curl != "" {
			fmt.Fprintf(bw, "     %s %s\n", p.paint(ansiDim, "reproduce:"), oneLine(c.Curl))
		}
	}
	writeTextBaseline(bw, r, p, scrub)
	bw.WriteString("\n")
	if counts := countRules(r); len(counts) > 0 {
		parts := make([]string, len(counts))
		for i, rc := range counts {
			parts[i] = fmt.Sprintf("%s %d", rc.Rule, rc.Count)
		}
		fmt.Fprintf(bw, "by rule: %s\n", strings.Join(parts, ", "))
	}
	outcome, reason := outcomeOf(r, scrub)
	bw.WriteString(summaryLine(r.Summary(), outcome, p))
	if r.baselined() {
		s := r.Summary()
		fmt.Fprintf(bw, "; against the baseline: %d new, %d known, %d resolved", s.New, s.Known, s.Resolved)
	}
	bw.WriteString("\n")
	if r.Coverage != nil {
		coverageSummary(bw, r.Coverage)
	}
	if len(r.CoverageRegressions) > 0 {
		fmt.Fprintf(bw, "%s\n", p.paint(ansiYellow, "coverage is lower than the baseline's: not judged this time: "+oneLine(strings.Join(r.CoverageRegressions, ", "))))
	}
	bw.WriteString(p.outcome(outcome, oneLine(reason)))
	bw.WriteString("\n")
	return bw.Flush()
}

// outcome is the text report's last line: the one a person reads, and the
// one a script can grep.
func (p painter) outcome(o Outcome, reason string) string {
	line := "outcome: " + string(o)
	if reason != "" {
		line += ": " + reason
	}
	switch o {
	case Conformant:
		return p.paint(ansiBold+ansiGreen, line)
	case Nonconformant:
		return p.paint(ansiBold+ansiRed, line)
	}
	return p.paint(ansiBold+ansiYellow, line)
}

// writeTextBaseline lists, after the cases, the known findings once each
// with how often they were seen, then the resolved ones.
func writeTextBaseline(bw *bufio.Writer, r *Report, p painter, scrub func(string) string) {
	if groups := knownFindings(r); len(groups) > 0 {
		fmt.Fprintf(bw, "\n%s\n", p.paint(ansiDim, "KNOWN from the baseline (they fail nothing):"))
		fs := make([]conformance.Finding, len(groups))
		for i, g := range groups {
			fs[i] = redactedFinding(g.finding, scrub)
			fs[i].Pointer = conformance.FoldPointer(fs[i].Pointer)
			fs[i].Message = place(g.finding) + seenTimes(g.count)
			fs[i].Expected = ""
		}
		writeFindings(bw, fs, p)
	}
	if len(r.Resolved) > 0 {
		fmt.Fprintf(bw, "\n%s\n", p.paint(ansiGreen, "RESOLVED since the baseline (not seen again):"))
		fs := make([]conformance.Finding, len(r.Resolved))
		for i, f := range r.Resolved {
			fs[i] = redactedFinding(f, scrub)
			fs[i].Pointer = conformance.FoldPointer(fs[i].Pointer)
			fs[i].Message = place(f) + ": " + fs[i].Message
			fs[i].Expected = ""
		}
		writeFindings(bw, fs, p)
	}
}

func seenTimes(n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf(", seen %d times", n)
}

func writeFindings(bw *bufio.Writer, fs []conformance.Finding, p painter) {
	var sevW, ruleW, ptrW int
	for _, f := range fs {
		sevW = max(sevW, len(f.Severity))
		ruleW = max(ruleW, len(f.Rule.ID()))
		ptrW = max(ptrW, len(pointerText(f.Pointer)))
	}
	for _, f := range fs {
		line := fmt.Sprintf("     %s  %-*s  %-*s  %s", p.severity(f.Severity, sevW), ruleW, f.Rule,
			ptrW, pointerText(f.Pointer), oneLine(f.Message))
		if ea := expectedActual(f); ea != "" {
			line += p.paint(ansiDim, " ("+ea+")")
		}
		bw.WriteString(strings.TrimRight(line, " "))
		bw.WriteString("\n")
	}
}

// pointerText shows the body root, whose pointer is "", as "/".
func pointerText(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return oneLine(ptr)
}

func expectedActual(f conformance.Finding) string {
	var parts []string
	if f.Expected != "" {
		parts = append(parts, "expected "+oneLine(f.Expected))
	}
	if f.Actual != "" {
		parts = append(parts, "actual "+oneLine(f.Actual))
	}
	return strings.Join(parts, ", ")
}

func hasFindings(c Case) bool { return len(c.Findings) > 0 }

// caseDetail is what a case name does not already say: operation, route,
// status and time.
func caseDetail(c Case) string {
	var b strings.Builder
	if c.Operation != "" {
		b.WriteString("  " + c.Operation)
	}
	if c.Method != "" || c.Path != "" {
		b.WriteString("  " + strings.TrimSpace(c.Method+" "+oneLine(c.Path)))
	}
	if c.Status != 0 {
		b.WriteString(" → " + strconv.Itoa(c.Status))
	}
	if c.DurationMS > 0 {
		b.WriteString("  " + strconv.FormatFloat(c.DurationMS, 'f', -1, 64) + " ms")
	}
	return b.String()
}

func specLine(r *Report) string {
	s := strings.TrimSpace(r.Spec.Title + " " + r.Spec.Version)
	if r.Spec.SHA256 != "" {
		sum := r.Spec.SHA256
		if len(sum) > 12 {
			sum = sum[:12]
		}
		s += " (sha256 " + sum + ")"
	}
	return s
}

// PassedWord is how the cases without a failing finding are counted beside
// outcome o: "passed" only where the report concluded, since beside an
// untested or interrupted outcome nothing passed: they are "clean".
func PassedWord(o Outcome) string {
	if o == Conformant || o == Nonconformant {
		return "passed"
	}
	return "clean"
}

func summaryLine(s Summary, o Outcome, p painter) string {
	counts := fmt.Sprintf("%d %s: %d %s, %d failed, %d skipped; %d %s, %d drift",
		s.Cases, plural(s.Cases, "case", "cases"), s.Passed, PassedWord(o), s.Failed, s.Skipped,
		s.Errors, plural(s.Errors, "error", "errors"), s.Drift)
	if s.Errors+s.Drift > 0 {
		counts += " (" + sidesText(s) + ")"
	}
	if s.Failed > 0 {
		return p.paint(ansiRed, counts)
	}
	// The counts are no verdict: the outcome line below is.
	return counts
}

// sidesText counts the errors and drift of each side.
func sidesText(s Summary) string {
	return fmt.Sprintf("requests: %d %s, %d drift; responses: %d %s, %d drift",
		s.Request.Errors, plural(s.Request.Errors, "error", "errors"), s.Request.Drift,
		s.Response.Errors, plural(s.Response.Errors, "error", "errors"), s.Response.Drift)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// oneLine keeps a value on its line: a newline or control character inside
// a message would break the one-finding-per-line layout, and an escape
// sequence from a server could repaint the terminal.
func oneLine(s string) string { return redact.Line(s) }
