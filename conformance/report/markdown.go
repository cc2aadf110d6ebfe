package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// markdownMaxCases caps the failing cases listed: a GitHub step summary
// holds at most 1 MiB, and a long recording can fail thousands of times
// in the same way.
const markdownMaxCases = 100

// writeMarkdown writes a summary table and, per failing case, a table of
// its findings and a sh block with its curl command; skipped cases are
// listed with their reasons.
func writeMarkdown(w io.Writer, r *Report, scrub func(string) string) error {
	bw := bufio.NewWriter(w)
	s := r.Summary()
	outcome, reason := outcomeOf(r, scrub)
	// The heading is what a step summary shows first: a check mark for
	// conformant only, never for a run that saw too little or stopped.
	switch outcome {
	case Conformant:
		fmt.Fprintf(bw, "## ✅ Conformance: conformant, %d of %d %s passed\n\n", s.Passed, s.Cases, plural(s.Cases, "case", "cases"))
	case Nonconformant:
		fmt.Fprintf(bw, "## ❌ Conformance: nonconformant, %d of %d %s failed\n\n", s.Failed, s.Cases, plural(s.Cases, "case", "cases"))
	default:
		fmt.Fprintf(bw, "## ⚠️ Conformance: %s\n\n", mdCell(string(outcome)))
	}
	fmt.Fprintf(bw, "**Outcome: %s.** %s\n\n", mdCell(string(outcome)), mdCell(reason))
	if regs := CoverageRegressionMarkdown(r.CoverageRegressions); regs != "" {
		bw.WriteString(regs + "\n")
	}
	fmt.Fprintf(bw, "Spec: %s", mdCell(specLine(r)))
	if r.Target != "" {
		fmt.Fprintf(bw, " · target: %s", mdCell(scrub(r.Target)))
	}
	if g := r.Generated; g != nil {
		fmt.Fprintf(bw, " · generated: %d %s, seed %d", g.Cases, plural(g.Cases, "request", "requests"), g.Seed)
	}
	fmt.Fprintf(bw, " · %s %s\n\n", mdCell(r.Tool), mdCell(r.Version))
	baselined := r.baselined()
	passed := "Passed"
	if outcome != Conformant && outcome != Nonconformant {
		passed = "Clean"
	}
	if baselined {
		bw.WriteString("| Cases | " + passed + " | Failed | Skipped | Errors | Drift | New | Known | Resolved |\n")
		bw.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(bw, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n", s.Cases, s.Passed, s.Failed, s.Skipped, s.Errors, s.Drift, s.New, s.Known, s.Resolved)
	} else {
		bw.WriteString("| Cases | " + passed + " | Failed | Skipped | Errors | Drift |\n")
		bw.WriteString("|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(bw, "| %d | %d | %d | %d | %d | %d |\n", s.Cases, s.Passed, s.Failed, s.Skipped, s.Errors, s.Drift)
	}
	if s.Errors+s.Drift > 0 || r.Judge != conformance.JudgeBoth {
		fmt.Fprintf(bw, "\nJudged: %s · %s\n", r.Judge, mdCell(sidesText(s)))
	}

	if counts := countRules(r); len(counts) > 0 {
		bw.WriteString("\n| Rule | Severity | Findings |\n|---|---|---:|\n")
		for _, rc := range counts {
			fmt.Fprintf(bw, "| %s | %s | %d |\n", mdCell(rc.Rule), mdCell(string(rc.Severity)), rc.Count)
		}
	}

	// Against a baseline the cases listed are those with new findings,
	// and only those findings; the known ones follow, collapsed.
	heading := "\n### Failing cases\n"
	if baselined {
		heading = "\n### New findings\n"
	}
	listed, failing := 0, 0
	for _, c := range r.Cases {
		if c.Verdict != VerdictFail {
			continue
		}
		shown, known := splitKnown(c.Findings)
		if len(shown) == 0 && known > 0 {
			continue
		}
		failing++
		if listed == markdownMaxCases {
			continue
		}
		c = redactedCase(c, scrub)
		c.Findings, _ = splitKnown(c.Findings)
		if listed == 0 {
			bw.WriteString(heading)
		}
		listed++
		fmt.Fprintf(bw, "\n#### %s\n\n", mdCell(c.Name))
		if d := strings.TrimSpace(caseDetail(c)); d != "" {
			fmt.Fprintf(bw, "%s\n\n", mdCell(d))
		}
		bw.WriteString("| Severity | Rule | Pointer | Message | Expected | Actual |\n")
		bw.WriteString("|---|---|---|---|---|---|\n")
		for _, f := range c.Findings {
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", mdCell(string(f.Severity)), mdCell(f.Rule.ID()),
				mdCell(pointerText(f.Pointer)), mdCell(f.Message), mdCell(f.Expected), mdCell(f.Actual))
		}
		if c.Curl != "" {
			writeFence(bw, "sh", oneLine(c.Curl))
		}
	}
	if failing > listed {
		fmt.Fprintf(bw, "\n…and %d more failing %s; see the full report.\n", failing-listed, plural(failing-listed, "case", "cases"))
	}
	writeMarkdownBaseline(bw, r, scrub)

	skipped := 0
	for _, c := range r.Cases {
		if c.Verdict != VerdictSkip {
			continue
		}
		if skipped == 0 {
			bw.WriteString("\n### Skipped cases\n\n| Case | Reason |\n|---|---|\n")
		}
		skipped++
		if skipped > markdownMaxCases {
			continue
		}
		c = redactedCase(c, scrub)
		fmt.Fprintf(bw, "| %s | %s |\n", mdCell(c.Name), mdCell(c.Reason))
	}
	if skipped > markdownMaxCases {
		fmt.Fprintf(bw, "\n…and %d more skipped %s.\n", skipped-markdownMaxCases, plural(skipped-markdownMaxCases, "case", "cases"))
	}
	if r.Coverage != nil {
		markdownCoverage(bw, r.Coverage)
	}
	return bw.Flush()
}

// writeMarkdownBaseline writes the known findings in a collapsed block,
// once each, and the resolved ones in a table.
func writeMarkdownBaseline(bw *bufio.Writer, r *Report, scrub func(string) string) {
	row := func(f conformance.Finding, last string) {
		f = redactedFinding(f, scrub)
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", mdCell(string(f.Severity)), mdCell(f.Rule.ID()), mdCell(place(f)),
			mdCell(pointerText(conformance.FoldPointer(f.Pointer))), mdCell(f.Actual), mdCell(last))
	}
	if groups := knownFindings(r); len(groups) > 0 {
		n := 0
		for _, g := range groups {
			n += g.count
		}
		fmt.Fprintf(bw, "\n<details><summary>Known from the baseline: %d %s, %d distinct (they fail nothing)</summary>\n\n", n, plural(n, "finding", "findings"), len(groups))
		bw.WriteString("| Severity | Rule | Where | Pointer | Actual | Seen |\n|---|---|---|---|---|---:|\n")
		for _, g := range groups {
			row(g.finding, fmt.Sprint(g.count))
		}
		bw.WriteString("\n</details>\n")
	}
	if len(r.Resolved) > 0 {
		fmt.Fprintf(bw, "\n### Resolved since the baseline (%d)\n\n", len(r.Resolved))
		bw.WriteString("| Severity | Rule | Where | Pointer | Actual | Message |\n|---|---|---|---|---|---|\n")
		for _, f := range r.Resolved {
			row(f, redactedFinding(f, scrub).Message)
		}
	}
}

// writeFence writes code as a fenced block whose fence is longer than any
// run of backticks in it, so nothing in the code can close it early.
func writeFence(bw *bufio.Writer, lang, code string) {
	longest, run := 0, 0
	for i := 0; i < len(code); i++ {
		if code[i] != '`' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	fence := strings.Repeat("`", max(3, longest+1))
	fmt.Fprintf(bw, "\n%s%s\n%s\n%s\n", fence, lang, code, fence)
}

// mdCell makes s safe inside a table cell and inert as markup: pipes end
// cells, newlines end rows, and HTML or emphasis characters from a server's
// value must not render.
func mdCell(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '|', '\\', '`', '*', '_', '[', ']', '#', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
