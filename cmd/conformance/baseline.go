package main

import (
	"flag"
	"fmt"

	"github.com/webex-conformance/webhooks/conformance/report"
)

// baselineHelp is what run, validate and proxy say about --baseline.
const baselineHelp = `--baseline FILE compares the findings with an earlier JSON report: those it
had are marked known and fail nothing, the others are new, and its findings
not seen again (where the same operation and status were judged) are listed
as resolved. A finding is the same across runs by rule, operation, status,
pointer with array indices folded (/items/*/resource) and, for enum and type
findings, the value. A baseline judged by another spec version is used with a
warning; a missing or broken one is an input error.
`

// addBaselineFlag is --baseline, for run, validate and proxy.
func addBaselineFlag(fs *flag.FlagSet) *string {
	return fs.String("baseline", "", "compare with the earlier JSON report in `FILE`: only findings it lacks fail")
}

// loadBaseline reads the report at path, nil for "". Its error is one line.
func loadBaseline(e *env, path string) (*report.Report, error) {
	if path == "" {
		return nil, nil
	}
	return readReportFlag(e, "baseline", path)
}

// readReportFlag reads the JSON report at path, given by the flag --name.
// Its error is one line that names the flag.
func readReportFlag(e *env, name, path string) (*report.Report, error) {
	data, err := readInput(e, path)
	if err != nil {
		return nil, fmt.Errorf("--%s %s", name, runOneLine(err.Error()))
	}
	rep, err := report.ReadJSON(data)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %s", name, path, runOneLine(err.Error()))
	}
	return rep, nil
}

// compareBaseline marks rep's findings against base, when there is one,
// and passes on its warning.
func compareBaseline(e *env, cmd string, rep, base *report.Report) {
	if base == nil {
		return
	}
	if w := rep.CompareBaseline(base); w != "" {
		fmt.Fprintf(e.stderr, "conformance %s: warning: %s\n", cmd, runOneLine(w))
	}
}
