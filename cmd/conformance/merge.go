package main

import (
	"context"
	"errors"

	"github.com/webex-conformance/webhooks/conformance/report"
)

const mergeHelp = `usage: conformance merge REPORT.json... [--format text|json|junit|markdown --output PATH]...
                        [--fail-on error|drift] [--allow-mixed-specs] [--max-input-bytes N]

Joins the JSON reports of shards (CI jobs that split a set of recordings,
one proxy per service, several nights) into one report: the cases of each
in order, the findings their baselines resolved that no shard saw again,
the requirements, and the coverage, joined (exchanges add up, what any
shard saw is seen). The outcome is worked out again from the whole: a
required response one shard did not judge and another did is judged; a
shard that was interrupted, or could not test its target, makes the whole
so. Reports judged by different specs (by the spec's SHA-256) are refused
unless --allow-mixed-specs. --format and --output pair up as for run.

Exit status: 0 conformant, 1 nonconformant, 2 usage or input error (a
report that cannot be read, or reports of different specs), 3 untested or
interrupted.
`

// cmdMerge implements `conformance merge`.
func cmdMerge(_ context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "merge")
	reports := addReportFlags(fs)
	mixed := fs.Bool("allow-mixed-specs", false, "merge reports judged by different specs")
	addMaxInputFlag(fs, e)
	var paths []string
	rest := args
	for {
		if code, ok := parseFlagsOnly(e, fs, rest); !ok {
			return code
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		paths = append(paths, rest[0])
		rest = rest[1:]
	}
	if len(paths) == 0 {
		return usageErr(e, "merge: give the JSON reports to merge (see conformance merge --help)")
	}
	outs, err := reports.reports()
	if err != nil {
		return usageErr(e, "merge: %v", err)
	}
	sev, err := reports.severity()
	if err != nil {
		return usageErr(e, "merge: %v", err)
	}
	shards := make([]*report.Report, len(paths))
	for i, p := range paths {
		data, err := readInput(e, p)
		if err != nil {
			return usageErr(e, "merge: %s", runOneLine(err.Error()))
		}
		if shards[i], err = report.ReadJSON(data); err != nil {
			return usageErr(e, "merge: %s: %s", p, runOneLine(err.Error()))
		}
	}
	rep, err := report.Merge(shards, *mixed)
	var mse *report.MixedSpecsError
	if errors.As(err, &mse) {
		return usageErr(e, "merge: %s was judged by another spec (sha256 %s) than %s (sha256 %s); give --allow-mixed-specs to merge them anyway",
			paths[mse.Other], short(mse.OtherSHA), paths[mse.First], short(mse.FirstSHA))
	}
	if err != nil {
		return usageErr(e, "merge: %v", err)
	}
	rep.Conclude(sev)
	if err := runWriteReports(e, "merge", outs, rep); err != nil {
		return exitUsage
	}
	outcome, _ := rep.Result()
	return exitFor(outcome)
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	if sum == "" {
		return "unknown"
	}
	return sum
}
