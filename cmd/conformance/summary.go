package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance/report"
)

const summaryHelp = `usage: conformance summary --report R.json [--baseline PREVIOUS.json] [--diff FILE] [--follow-log FILE]
                          [--title TEXT] [--link URL] [--output FILE] [--github-output FILE] [--max-input-bytes N]

Writes the Markdown digest of a JSON report that a nightly check posts as
its step summary and as its issue: the outcome and its reason, the counts,
the coverage (and what the baseline judged that this report did not),
then the new findings grouped by place (rule, operation, status and pointer
with array indices folded, as baselines match them) with how often each was
seen and the values seen, the known findings likewise (folded away), the
resolved ones, the amendment conformance follow proposed (--diff, its
output) and the drift it left to a person (--follow-log, its stderr). One
drift across a list of many webhooks is one row. The digest is bounded to
fit a GitHub issue; the reports hold the rest.

--baseline compares the report with an earlier one first, as run
--baseline does, for a report made without it.

--github-output appends the figures a workflow decides by to FILE, one
key=value a line (for $GITHUB_OUTPUT): outcome, tested (true when the
outcome is conformant or nonconformant: the API answered well enough to
judge), new, known, resolved, findings (errors and drift, new and known)
places (the groups of new findings), coverage_regressions (the
required responses the baseline judged and the report did not) and headline ("2 new findings in 1
place").

Exit status: 0, 2 usage or input error (a report, baseline, diff or log
that cannot be read, or a FILE that cannot be written).
`

// diffTarget is the file a unified diff amends, from its "+++ b/PATH" line.
var diffTarget = regexp.MustCompile(`(?m)^\+\+\+ b/(\S+)`)

// cmdSummary implements `conformance summary`.
func cmdSummary(_ context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "summary")
	reportPath := fs.String("report", "", "the JSON report to digest (`R.json`)")
	baselinePath := fs.String("baseline", "", "compare the report with the earlier JSON report `PREVIOUS.json` first")
	diffPath := fs.String("diff", "", "the amendment conformance follow --diff wrote to `FILE`")
	logPath := fs.String("follow-log", "", "what conformance follow wrote on stderr, in `FILE`: its needs-a-person lines are listed")
	title := fs.String("title", "Conformance", "head the digest with `TEXT`")
	link := fs.String("link", "", "link `URL` as the run that made the report")
	output := fs.String("output", "", "write the digest to `FILE` (whole or not at all) instead of stdout")
	githubOutput := fs.String("github-output", "", "append the figures as key=value lines to `FILE` (such as $GITHUB_OUTPUT)")
	addMaxInputFlag(fs, e)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *reportPath == "" {
		return usageErr(e, "summary: give --report R.json")
	}
	if *githubOutput != "" && *githubOutput == *output {
		return usageErr(e, "summary: --output and --github-output name the same file %s", *output)
	}
	rep, err := readReportFlag(e, "report", *reportPath)
	if err != nil {
		return usageErr(e, "summary: %s", err)
	}
	base, err := loadBaseline(e, *baselinePath)
	if err != nil {
		return usageErr(e, "summary: %s", err)
	}
	compareBaseline(e, "summary", rep, base)

	opts := []report.DigestOption{report.WithTitle(*title), report.WithLink(*link)}
	if *diffPath != "" {
		diff, err := readInput(e, *diffPath)
		if err != nil {
			return usageErr(e, "summary: --diff %s", runOneLine(err.Error()))
		}
		opts = append(opts, report.WithDiff(diff))
		if m := diffTarget.FindSubmatch(diff); m != nil {
			opts = append(opts, report.WithSpecName(string(m[1])))
		}
	}
	if *logPath != "" {
		log, err := readInput(e, *logPath)
		if err != nil {
			return usageErr(e, "summary: --follow-log %s", runOneLine(err.Error()))
		}
		opts = append(opts, report.WithNeedsPerson(needsPersonLines(log)...))
	}

	write := func(w io.Writer) error { return report.WriteDigest(w, rep, opts...) }
	if *output == "" || *output == "-" {
		err = write(e.stdout)
	} else {
		err = writeFileAtomic(*output, write)
	}
	if err != nil {
		return usageErr(e, "summary: writing %s: %s", orStdout(*output), runOneLine(err.Error()))
	}
	if *githubOutput != "" {
		if err := appendFigures(*githubOutput, rep.Counts()); err != nil {
			return usageErr(e, "summary: --github-output %s", runOneLine(err.Error()))
		}
	}
	return exitOK
}

// needsPersonLines are the lines of follow's stderr about drift it left
// to a person.
func needsPersonLines(log []byte) []string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if line := sc.Text(); strings.Contains(line, "needs a person") {
			lines = append(lines, line)
		}
	}
	return lines
}

// appendFigures appends the figures to path, one key=value a line.
func appendFigures(path string, c report.DigestCounts) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	figures := []struct{ key, value string }{
		{"outcome", string(c.Outcome)},
		{"tested", strconv.FormatBool(c.Tested)},
		{"new", strconv.Itoa(c.New)},
		{"known", strconv.Itoa(c.Known)},
		{"resolved", strconv.Itoa(c.Resolved)},
		{"findings", strconv.Itoa(c.Findings)},
		{"places", strconv.Itoa(c.NewPlaces)},
		{"coverage_regressions", strconv.Itoa(c.CoverageRegressions)},
		{"headline", fmt.Sprintf("%d new %s in %d %s", c.New, plural(c.New, "finding", "findings"), c.NewPlaces, plural(c.NewPlaces, "place", "places"))},
	}
	var b strings.Builder
	for _, kv := range figures {
		fmt.Fprintf(&b, "%s=%s\n", kv.key, kv.value)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func orStdout(path string) string {
	if path == "" || path == "-" {
		return "stdout"
	}
	return path
}
