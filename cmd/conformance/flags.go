package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// reportFlags are the flags of every command that writes a report, defined
// once so that they read the same everywhere.
type reportFlags struct {
	formats, outputs listFlag
	failOn           string
}

func addReportFlags(fs *flag.FlagSet) *reportFlags {
	r := &reportFlags{}
	fs.Var(&r.formats, "format", "report `FORMAT`: text, json, junit or markdown (repeatable: the n-th --format goes to the n-th --output)")
	fs.Var(&r.outputs, "output", "write a report to `PATH` instead of stdout (repeatable; without its --format, the format follows the extension: .json, .xml, .md, else text)")
	fs.StringVar(&r.failOn, "fail-on", "drift", "exit 1 on findings of `SEVERITY` or worse: error or drift")
	return r
}

// severity is --fail-on read.
func (r *reportFlags) severity() (conformance.Severity, error) {
	sev, err := conformance.ParseFailOn(r.failOn)
	if err != nil {
		return "", fmt.Errorf("--fail-on: %w", err)
	}
	return sev, nil
}

// reports pairs the n-th --format with the n-th --output.
func (r *reportFlags) reports() ([]runOutput, error) {
	return runOutputs(r.formats, r.outputs)
}

// addSpecFlag is --spec, for every command that judges by a spec.
func addSpecFlag(fs *flag.FlagSet) *string {
	return fs.String("spec", "", "judge by the OpenAPI 3.0 or 3.1 document at `PATH` (default: the embedded Webex webhooks spec)")
}

const judgeUsage = "count the findings of `SIDES`: requests (the client's part), responses (the server's part) or both"

// addJudgeFlag is --judge, for every command that judges both halves of
// an exchange.
func addJudgeFlag(fs *flag.FlagSet) *string {
	return fs.String("judge", "both", judgeUsage)
}

// judgeSides reads --judge.
func judgeSides(s string) (conformance.Sides, error) {
	sides, err := conformance.ParseSides(s)
	if err != nil {
		return 0, fmt.Errorf("--judge: %w", err)
	}
	return sides, nil
}

// requireHelp is what run, validate and proxy say about --require.
const requireHelp = `--require OP:STATUS makes a response necessary: when no exchange judged a
response of operation OP with that status (a code such as 200, or a class
such as 2XX; OP alone: any response of OP), the outcome is untested (exit 3)
and the reason names it. Every report lists what the judged exchanges
covered of the spec: per operation the statuses documented and judged, the
headers, properties, enum values and parameters seen.
`

// addRequireFlag is --require, for run, validate and proxy.
func addRequireFlag(fs *flag.FlagSet) *listFlag {
	var l listFlag
	fs.Var(&l, "require", "the outcome is untested unless a response `OP:STATUS` was judged (repeatable; OP:2XX, or OP alone for any status)")
	return &l
}

// requirements reads --require against the engine's spec: an operation it
// lacks is an input error.
func requirements(eng *conformance.Engine, vals []string) ([]conformance.Requirement, error) {
	var out []conformance.Requirement
	for _, v := range vals {
		q, err := conformance.ParseRequirement(v)
		if err != nil {
			return nil, fmt.Errorf("--require %w", err)
		}
		if _, ok := eng.Operation(q.Operation); !ok {
			return nil, fmt.Errorf("--require %s: the spec has no operation %q", v, q.Operation)
		}
		out = append(out, q)
	}
	return out, nil
}
