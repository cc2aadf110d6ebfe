package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// findingGroup is every finding of a report at one place: the same rule,
// severity, operation, status and pointer with array indices folded, as
// report identities fold them. One drift across a list of N webhooks is
// one group of N, not N rows.
type findingGroup struct {
	Rule      string
	Severity  conformance.Severity
	Operation string
	Status    int
	Pointer   string // folded: /items/*/status
	Message   string // the first finding's
	Count     int
	// Values are the distinct offending values, in order of first
	// appearance, at most digestMaxValues of them; MoreValues counts the
	// others.
	Values     []string
	MoreValues int
}

// digestMaxValues bounds the values a group lists.
const digestMaxValues = 5

// groupFindings folds the findings keep accepts into groups, in order of
// first appearance.
func groupFindings(fs []conformance.Finding, keep func(conformance.Finding) bool) []findingGroup {
	index := map[string]int{}
	seenValue := map[string]bool{}
	var out []findingGroup
	for _, f := range fs {
		if keep != nil && !keep(f) {
			continue
		}
		pointer := conformance.FoldPointer(f.Pointer)
		key := strings.Join([]string{f.Rule.ID(), string(f.Severity), f.Operation, strconv.Itoa(f.Status), pointer}, "\x00")
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, findingGroup{Rule: f.Rule.ID(), Severity: f.Severity, Operation: f.Operation, Status: f.Status, Pointer: pointer, Message: f.Message})
		}
		g := &out[i]
		g.Count++
		if f.Actual == "" || seenValue[key+"\x00"+f.Actual] {
			continue
		}
		seenValue[key+"\x00"+f.Actual] = true
		if len(g.Values) < digestMaxValues {
			g.Values = append(g.Values, f.Actual)
		} else {
			g.MoreValues++
		}
	}
	return out
}

// allFindings lists the findings of every case, in order.
func allFindings(r *Report) []conformance.Finding {
	var fs []conformance.Finding
	for _, c := range r.Cases {
		fs = append(fs, c.Findings...)
	}
	return fs
}

// digestOptions shape a digest.
type digestOptions struct {
	title       string
	link        string
	specName    string
	diff        []byte
	needsPerson []string
}

// DigestOption shapes WriteDigest's digest.
type DigestOption func(*digestOptions)

// WithTitle heads the digest, after the outcome's mark.
func WithTitle(title string) DigestOption { return func(o *digestOptions) { o.title = title } }

// WithLink links url as "the run" (the CI run that made the report).
func WithLink(url string) DigestOption { return func(o *digestOptions) { o.link = url } }

// WithSpecName is the spec file as the reader's repository names it.
func WithSpecName(name string) DigestOption { return func(o *digestOptions) { o.specName = name } }

// WithDiff is the amendment conformance follow proposes, as a unified diff.
func WithDiff(diff []byte) DigestOption { return func(o *digestOptions) { o.diff = diff } }

// WithNeedsPerson are follow's lines about the drift it left to a person.
func WithNeedsPerson(lines ...string) DigestOption {
	return func(o *digestOptions) { o.needsPerson = append(o.needsPerson, lines...) }
}

// Limits that keep a digest inside a GitHub issue body (65,536 characters)
// whatever the report holds; the reports themselves have the rest.
const (
	digestMaxGroups      = 60
	digestMaxDiffBytes   = 20000
	digestMaxNeedsPerson = 30
	digestMaxCell        = 120
)

// WriteDigest writes the Markdown digest of a report that a nightly check
// posts as its step summary and its issue: the outcome and its reason,
// the counts, the new findings grouped by place with how often each was
// seen, the known and resolved ones likewise (the known folded away), the
// amendment follow proposes and what it left to a person. It is bounded:
// at most digestMaxGroups rows a table, the diff cut at digestMaxDiffBytes.
func WriteDigest(w io.Writer, r *Report, options ...DigestOption) error {
	var opts digestOptions
	for _, o := range options {
		o(&opts)
	}
	bw := bufio.NewWriter(w)
	outcome, reason := r.Result()
	s := r.Summary()
	mark := "⚠️"
	switch outcome {
	case Conformant:
		mark = "✅"
	case Nonconformant:
		mark = "❌"
	}
	title := opts.title
	if title == "" {
		title = "Conformance"
	}
	fmt.Fprintf(bw, "## %s %s: %s\n\n", mark, mdCell(title), mdCell(string(outcome)))
	fmt.Fprintf(bw, "**Outcome: %s.** %s\n\n", mdCell(string(outcome)), mdCell(reason))
	if regs := CoverageRegressionMarkdown(r.CoverageRegressions); regs != "" {
		bw.WriteString(regs + "\n")
	}
	var about []string
	if r.Target != "" {
		about = append(about, "target: "+mdCell(r.Target))
	}
	about = append(about, "spec: "+mdCell(specLine(r)))
	if opts.link != "" {
		about = append(about, "[the run]("+strings.ReplaceAll(opts.link, ")", "%29")+")")
	}
	fmt.Fprintf(bw, "%s\n\n", strings.Join(about, " · "))

	fs := allFindings(r)
	isNew := func(f conformance.Finding) bool {
		return f.Severity != conformance.SeverityInfo && f.Baseline != conformance.BaselineKnown
	}
	isKnown := func(f conformance.Finding) bool {
		return f.Severity != conformance.SeverityInfo && f.Baseline == conformance.BaselineKnown
	}
	newGroups := groupFindings(fs, isNew)
	knownGroups := groupFindings(fs, isKnown)
	resolvedGroups := groupFindings(r.Resolved, nil)
	fmt.Fprintf(bw, "%d %s: %d %s, %d failed, %d skipped. ", s.Cases, plural(s.Cases, "case", "cases"), s.Passed, PassedWord(outcome), s.Failed, s.Skipped)
	fmt.Fprintf(bw, "%s in %s", count(s.New, "new finding", "new findings"), count(len(newGroups), "place", "places"))
	if r.baselined() {
		fmt.Fprintf(bw, "; %s in %s; %s",
			count(s.Known, "known finding", "known findings"), count(len(knownGroups), "place", "places"),
			count(s.Resolved, "finding resolved", "findings resolved"))
	}
	bw.WriteString(".\n")
	if c := r.Coverage; c != nil {
		// What a green means: how much of the spec the night judged.
		t := c.Totals
		fmt.Fprintf(bw, "\nCoverage: operations %s, responses %s, headers %s, properties %s, enum values %s, parameters %s.",
			t.Operations, t.Responses, t.Headers, t.Properties, t.EnumValues, t.Parameters)
		var notJudged []string
		for _, op := range c.Operations {
			if op.Exchanges == 0 && op.Requests == 0 {
				notJudged = append(notJudged, op.Operation)
			}
		}
		if len(notJudged) > 0 {
			fmt.Fprintf(bw, " Not judged: %s.", mdCell(strings.Join(notJudged, ", ")))
		}
		bw.WriteString("\n")
	}
	if md := CoverageRegressionMarkdown(r.CoverageRegressions); md != "" {
		bw.WriteString("\n" + md)
	}

	bw.WriteString("\n### New findings\n\n")
	if len(newGroups) == 0 {
		if s.Known > 0 {
			bw.WriteString("None: every finding was known from the baseline.\n")
		} else {
			bw.WriteString("None.\n")
		}
	} else {
		writeGroupTable(bw, newGroups)
	}
	if len(knownGroups) > 0 {
		fmt.Fprintf(bw, "\n<details><summary>Known from the baseline: %s in %s</summary>\n\n",
			count(s.Known, "finding", "findings"), count(len(knownGroups), "place", "places"))
		writeGroupTable(bw, knownGroups)
		bw.WriteString("\n</details>\n")
	}
	if len(resolvedGroups) > 0 {
		bw.WriteString("\n### Resolved since the baseline\n\n")
		writeGroupTable(bw, resolvedGroups)
	}

	if r.Coverage != nil {
		digestCoverage(bw, r.Coverage)
	}

	specName := opts.specName
	if specName == "" {
		specName = "the spec"
	}
	if len(opts.diff) > 0 {
		fmt.Fprintf(bw, "\n### Proposed amendment of %s\n\nFrom `conformance follow --diff`; apply it with `git apply`.\n\n", mdCell(specName))
		diff := opts.diff
		cut := false
		if len(diff) > digestMaxDiffBytes {
			diff, cut = diff[:digestMaxDiffBytes], true
			if i := strings.LastIndexByte(string(diff), '\n'); i > 0 {
				diff = diff[:i+1]
			}
		}
		fence := codeFence(string(diff))
		fmt.Fprintf(bw, "%sdiff\n%s", fence, diff)
		if len(diff) > 0 && diff[len(diff)-1] != '\n' {
			bw.WriteByte('\n')
		}
		bw.WriteString(fence + "\n")
		if cut {
			fmt.Fprintf(bw, "\nThe diff is cut at %d bytes; the whole of it is in the reports.\n", digestMaxDiffBytes)
		}
	} else if s.New+s.Known > 0 {
		fmt.Fprintf(bw, "\n### Proposed amendment of %s\n\nconformance follow has nothing to add to it.\n", mdCell(specName))
	}
	if len(opts.needsPerson) > 0 {
		lines := opts.needsPerson
		more := 0
		if len(lines) > digestMaxNeedsPerson {
			lines, more = lines[:digestMaxNeedsPerson], len(lines)-digestMaxNeedsPerson
		}
		text := strings.Join(lines, "\n")
		fence := codeFence(text)
		fmt.Fprintf(bw, "\n### Needs a person\n\n%s\n%s\n%s\n", fence, text, fence)
		if more > 0 {
			fmt.Fprintf(bw, "\nand %d more %s.\n", more, plural(more, "line", "lines"))
		}
	}
	return bw.Flush()
}

// writeGroupTable writes groups as a table, at most digestMaxGroups rows.
func writeGroupTable(bw *bufio.Writer, groups []findingGroup) {
	bw.WriteString("| Severity | Rule | Operation | Status | Pointer | Seen | Values | Message |\n|---|---|---|---:|---|---:|---|---|\n")
	for i, g := range groups {
		if i == digestMaxGroups {
			n := len(groups) - i
			fmt.Fprintf(bw, "\nand %d more %s: see the reports.\n", n, plural(n, "place", "places"))
			break
		}
		status := ""
		if g.Status != 0 {
			status = strconv.Itoa(g.Status)
		}
		pointer := g.Pointer
		if pointer == "" {
			pointer = "/"
		}
		values := make([]string, 0, len(g.Values)+1)
		for _, v := range g.Values {
			values = append(values, codeCell(v))
		}
		if g.MoreValues > 0 {
			values = append(values, fmt.Sprintf("and %d more", g.MoreValues))
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %d | %s | %s |\n",
			mdCell(string(g.Severity)), codeCell(g.Rule), mdCell(g.Operation), status, codeCell(pointer), g.Count,
			strings.Join(values, ", "), mdCell(shorten(g.Message)))
	}
}

// codeCell shows s as code in a table cell: on one line, shortened, with
// the characters that would end the span or the cell replaced.
func codeCell(s string) string {
	s = strings.NewReplacer("`", "'", "|", "¦").Replace(shorten(oneLine(s)))
	return "`" + s + "`"
}

// shorten cuts s to digestMaxCell runes.
func shorten(s string) string {
	if len([]rune(s)) <= digestMaxCell {
		return s
	}
	return string([]rune(s)[:digestMaxCell-1]) + "…"
}

// codeFence is a fence longer than any run of backticks in text, so the
// text cannot end the block.
func codeFence(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// count is n with its noun: "1 case", "2 cases".
func count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + plural(n, one, many)
}

// DigestCounts are the figures a CI step decides by.
type DigestCounts struct {
	Outcome Outcome
	// Tested: the API answered well enough to judge (conformant or
	// nonconformant); an untested or interrupted night says nothing
	// about drift, and must not replace the baseline or close an issue.
	Tested bool
	// New, Known and Resolved count errors and drift against the
	// baseline; Findings is all of them, new and known.
	New, Known, Resolved, Findings int
	// NewPlaces is how many groups the new findings make.
	NewPlaces int
	// CoverageRegressions counts the required responses the baseline
	// judged and this report did not.
	CoverageRegressions int
}

// Counts are the figures of the digest.
func (r *Report) Counts() DigestCounts {
	outcome, _ := r.Result()
	s := r.Summary()
	return DigestCounts{
		Outcome: outcome, Tested: outcome == Conformant || outcome == Nonconformant,
		New: s.New, Known: s.Known, Resolved: s.Resolved, Findings: s.Errors + s.Drift, CoverageRegressions: len(r.CoverageRegressions),
		NewPlaces: len(groupFindings(allFindings(r), func(f conformance.Finding) bool {
			return f.Severity != conformance.SeverityInfo && f.Baseline != conformance.BaselineKnown
		})),
	}
}
