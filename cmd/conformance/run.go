package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/redact"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/webex"
	"github.com/webex-conformance/webhooks/webex/runner"
)

const runHelp = `usage: conformance run [--target URL] [--webhook-id ID]... [--allow-writes] [--generate N [--seed S]]
                      [--rate N] [--timeout DUR] [--format text|json|junit|markdown --output PATH]...
                      [--fail-on error|drift] [--spec PATH] [--baseline FILE] [--max-input-bytes N]
                      [--require OP:STATUS]...

Runs the conformance suite. Without --target it starts the mock in-process
and runs every scenario against it, writes included. With --target it reads
the access token from WEBEX_TOKEN and is read-only unless --allow-writes:
webhooks it creates are named conformance-<run id>-... and deleted again,
also when the run fails or is interrupted.

--generate N adds N requests drawn from the spec after the suite: valid
ones, which must be accepted, and invalid ones (one parameter or property
broken as the spec says), which must be refused with a documented 4xx. A
failing one is shrunk before it is reported. --seed S draws them (default
1): the same seed, spec and answers send the same requests. Without
--allow-writes only reads are drawn. With --spec naming another API's
document, only the generated requests are sent (WEBEX_TOKEN, when set, is
sent as a bearer token); what they create is deleted through the spec's
delete operations.

--format and --output may be repeated: the n-th --format goes to the n-th
--output (an --output without its --format takes the format from its
extension: .json, .xml, .md, else text); a format without an output goes to
stdout. Every report gives each failing case a curl command that repeats
it, with $WEBEX_TOKEN in place of the token and secrets redacted; when no
text report goes to stdout, stderr lists the first few too.

` + baselineHelp + `
` + requireHelp + `With --target, getWebhookDetails:200 is required: a run that never judged
a Get Webhook Details body did not check what matters most (an account
without webhooks needs --webhook-id ID or --allow-writes).

Every report starts with the outcome: conformant, nonconformant,
untested (the target could not be tested well enough to judge: unreachable,
TLS failure, token rejected, not the API at that base URL, no 2xx where the
suite needed one, a required response not judged) or interrupted, with the
reason.

Exit status: 0 conformant, 1 nonconformant (findings at or above --fail-on,
or a webhook the run made left on the target), 2 usage or input error,
3 untested or interrupted.
`

// maxGenerate bounds --generate: a report holds a case per request.
const maxGenerate = 1_000_000

// defaultRequired is what a run against a target must judge: the response
// the project exists to check.
var defaultRequired = conformance.Requirement{Operation: "getWebhookDetails", Status: "200"}

// defaultTargetRate keeps a live account far from its rate limits.
const defaultTargetRate = 5

// minRate and maxRate bound --rate: below one request in about seventeen
// minutes a run would never end, and past a million a second the pause
// between requests rounds to nothing. NaN and infinities are no rate.
const (
	minRate = 1e-3
	maxRate = 1e6
)

func validRate(r float64) bool {
	return r == 0 || r >= minRate && r <= maxRate
}

// runOutput is one report to write.
type runOutput struct {
	format report.Format
	path   string // "" is stdout
}

// cmdRun implements `conformance run`.
func cmdRun(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "run")
	var ids listFlag
	target := fs.String("target", "", "test the API at base `URL` (e.g. https://webexapis.com/v1); default: the mock, in-process")
	fs.Var(&ids, "webhook-id", "fetch the webhook `ID` instead of the listed ones (repeatable; needs --target)")
	allowWrites := fs.Bool("allow-writes", false, "with --target: also create, update and delete webhooks (all named conformance-<run id>-..., all deleted again)")
	rate := fs.Float64("rate", 0, fmt.Sprintf("at most `N` requests per second (default %d with --target, unpaced against the mock)", defaultTargetRate))
	timeout := fs.Duration("timeout", 30*time.Second, "give up on a request after `DUR`, a duration such as 30s or 2m")
	generateN := fs.Int("generate", 0, "after the suite, send `N` requests drawn from the spec (valid must be accepted, invalid refused)")
	seed := fs.Uint64("seed", 1, "draw the generated requests from seed `S`")
	reports := addReportFlags(fs)
	specPath := addSpecFlag(fs)
	baselinePath := addBaselineFlag(fs)
	addMaxInputFlag(fs, e)
	requireFlags := addRequireFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	rateSet := false
	fs.Visit(func(f *flag.Flag) { rateSet = rateSet || f.Name == "rate" })

	outs, err := reports.reports()
	if err != nil {
		return usageErr(e, "run: %v", err)
	}
	sev, err := reports.severity()
	if err != nil {
		return usageErr(e, "run: %v", err)
	}
	base, err := loadBaseline(e, *baselinePath)
	if err != nil {
		return usageErr(e, "run: %s", err)
	}
	switch {
	case !validRate(*rate):
		return usageErr(e, "run: --rate must be 0 (unpaced) or a number of requests per second from %g to %g", minRate, maxRate)
	case *timeout <= 0:
		return usageErr(e, "run: --timeout must be positive")
	case *target == "" && len(ids) > 0:
		return usageErr(e, "run: --webhook-id needs --target")
	case *generateN < 0:
		return usageErr(e, "run: --generate must not be negative")
	case *generateN > maxGenerate:
		return usageErr(e, "run: --generate is at most %d", maxGenerate)
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if seedSet && *generateN == 0 {
		return usageErr(e, "run: --seed needs --generate")
	}

	opts := []runner.Option{runner.WithWebhookIDs(ids...), runner.WithWrites(*allowWrites), runner.WithTimeout(*timeout),
		runner.WithGenerate(*generateN), runner.WithSeed(*seed)}
	runTarget, token, pace := *target, "", *rate
	var stopMock func()
	if *target == "" {
		// Against the mock: writes included, and a few webhooks span
		// several pages.
		opts = append(opts, runner.WithWrites(true), runner.WithPageSize(2))
		token, runTarget, stopMock, err = runStartMock()
		if err != nil {
			fmt.Fprintf(e.stderr, "conformance run: cannot start the mock: %v\n", err)
			return exitUntestable
		}
		defer stopMock()
	} else {
		token = e.getenv("WEBEX_TOKEN")
		if !rateSet {
			pace = defaultTargetRate
		}
	}
	opts = append(opts, runner.WithToken(token), runner.WithRate(pace))

	eng, err := runEngine(ctx, e, *specPath, conformance.WithRedactions(token))
	if err != nil {
		return engineFailed(e, "run", runOneLine(err.Error()), err)
	}
	if _, webex := eng.Operation("listWebhooks"); token == "" && *target != "" && (webex || *generateN == 0) {
		// Another API's document needs no token to be generated for.
		return usageErr(e, "run: --target needs the access token in the environment variable WEBEX_TOKEN")
	}
	noteSpecNotes(e, "run", *specPath, eng)
	redact := eng.Redact // the engine knows the token: WithRedactions above
	required, err := requirements(eng, *requireFlags)
	if err != nil {
		return usageErr(e, "run: %s", err)
	}
	if _, ok := eng.Operation(defaultRequired.Operation); ok && *target != "" {
		required = append([]conformance.Requirement{defaultRequired}, required...)
	}
	opts = append(opts, runner.WithRequire(required...))

	if e.isTerminal {
		opts = append(opts, runner.WithProgress(runProgress(e.stderr, redact)))
	}
	rep, err := runner.Run(ctx, judgement.New(eng, judgement.WithSides(conformance.JudgeResponses)), runTarget, opts...)
	if rep == nil {
		return usageErr(e, "run: %s", runOneLine(redact(err.Error())))
	}
	if *target == "" {
		rep.Target = "embedded mock"
	}
	compareBaseline(e, "run", rep, base)
	rep.Conclude(sev)
	outcome, reason := rep.Result()
	switch outcome {
	case report.Interrupted:
		fmt.Fprintf(e.stderr, "conformance run: %s\n", runOneLine(redact(reason)))
	case report.Untested:
		fmt.Fprintf(e.stderr, "conformance run: cannot test %s: %s\n", redact(rep.Target), runOneLine(redact(reason)))
	}
	code := exitFor(outcome)
	if !runTextToStdout(outs) {
		runReproduce(e.stderr, rep, redact)
	}

	// Against the mock, the passing cases are the point: show them.
	if err := runWriteReports(e, "run", outs, rep, report.WithRedact(redact), report.WithVerbose(*target == "" && !e.isTerminal)); err != nil {
		return exitUsage
	}
	return code
}

// runEngine compiles the spec at path, or the embedded one, until ctx is
// done.
func runEngine(ctx context.Context, e *env, path string, opts ...conformance.Option) (*conformance.Engine, error) {
	return loadEngine(ctx, func() (*conformance.Engine, error) {
		if path != "" {
			doc, err := readInput(e, path)
			if err != nil {
				return nil, err
			}
			return conformance.New(doc, append(opts, conformance.WithMaxSpecBytes(e.maxInput))...)
		}
		return webex.NewEngine(opts...)
	})
}

// runWriteReports writes rep once per output; an error has been reported
// on stderr when it returns one.
func runWriteReports(e *env, cmd string, outs []runOutput, rep *report.Report, opts ...report.Option) error {
	for _, o := range outs {
		color := report.WithColor(o.path == "" && e.colorStdout() && o.format == report.Text)
		if err := writeOutput(o.path, e.stdout, o.format, rep, append(opts[:len(opts):len(opts)], color)...); err != nil {
			fmt.Fprintf(e.stderr, "conformance %s: writing the report: %s\n", cmd, runOneLine(err.Error()))
			return err
		}
		if o.path != "" {
			s := rep.Summary()
			outcome, _ := rep.Result()
			fmt.Fprintf(e.stderr, "conformance: wrote %s (%s): %s; %d %s, %d %s, %d failed, %d skipped\n",
				o.path, o.format, outcome, s.Cases, plural(s.Cases, "case", "cases"), s.Passed, report.PassedWord(outcome), s.Failed, s.Skipped)
		}
	}
	return nil
}

// writeOutput writes rep to the file at path, or to stdout when path is
// empty. Colour is dropped for files: an escape sequence in a saved report
// is noise.
func writeOutput(path string, stdout io.Writer, f report.Format, rep *report.Report, opts ...report.Option) error {
	if path == "" || path == "-" {
		return report.Write(stdout, f, rep, opts...)
	}
	opts = append(opts[:len(opts):len(opts)], report.WithColor(false))
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.Write(file, f, rep, opts...); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// runOutputs pairs the n-th --format with the n-th --output.
func runOutputs(formats, outputs []string) ([]runOutput, error) {
	var outs []runOutput
	toStdout := 0
	seen := map[string]string{} // absolute path → as given
	for i := 0; i < len(formats) || i < len(outputs); i++ {
		var o runOutput
		if i < len(outputs) {
			o.path = outputs[i]
			if o.path == "-" {
				o.path = ""
			}
		}
		if o.path != "" {
			// Two reports to one file would leave only the last one.
			abs, err := filepath.Abs(o.path)
			if err != nil {
				abs = filepath.Clean(o.path)
			}
			if first, dup := seen[abs]; dup {
				if first == o.path {
					return nil, fmt.Errorf("--output %s is given twice: each report needs a file of its own", o.path)
				}
				return nil, fmt.Errorf("--output %s and --output %s are the same file: each report needs a file of its own", first, o.path)
			}
			seen[abs] = o.path
		}
		switch {
		case i < len(formats):
			f, err := report.ParseFormat(formats[i])
			if err != nil {
				return nil, fmt.Errorf("--format: %w", err)
			}
			o.format = f
		default:
			o.format = runFormatOf(o.path)
		}
		if o.path == "" {
			toStdout++
		}
		outs = append(outs, o)
	}
	if len(outs) == 0 {
		outs = []runOutput{{format: report.Text}}
	}
	if toStdout > 1 {
		return nil, errors.New("only one report can go to stdout: give each --format its --output")
	}
	return outs, nil
}

func runFormatOf(path string) report.Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return report.JSON
	case ".xml":
		return report.JUnit
	case ".md", ".markdown":
		return report.Markdown
	}
	return report.Text
}

// runStartMock serves the mock on a loopback port with a token made up for
// the run.
func runStartMock() (token, baseURL string, stop func(), err error) {
	token = mock.NewToken()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, err
	}
	srv := &http.Server{Handler: mock.New(mock.WithTokens(token)), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return token, "http://" + ln.Addr().String() + mock.BasePath, stop, nil
}

// runProgress prints one line per case as the run goes.
func runProgress(w io.Writer, redact func(string) string) func(report.Case) {
	return func(c report.Case) {
		mark := map[report.Verdict]string{report.VerdictPass: "ok  ", report.VerdictFail: "FAIL", report.VerdictSkip: "skip"}[c.Verdict]
		status := "   "
		if c.Status != 0 {
			status = fmt.Sprint(c.Status)
		}
		fmt.Fprintf(w, "  %s %s %-6s %s\n", mark, status, runOneLine(c.Method), runOneLine(redact(c.Name)))
	}
}

// runTextToStdout reports whether a text report goes to stdout: it shows
// each failing case's curl command, so stderr need not repeat them.
func runTextToStdout(outs []runOutput) bool {
	for _, o := range outs {
		if o.path == "" && o.format == report.Text {
			return true
		}
	}
	return false
}

// runReproduce lists on stderr the curl commands of the first failing
// cases, for a person watching a run whose reports go to files or are
// meant for machines; every report holds all of them.
func runReproduce(w io.Writer, rep *report.Report, redact func(string) string) {
	const most = 10
	n := 0
	for _, c := range rep.Cases {
		if c.Curl == "" || c.Verdict != report.VerdictFail || c.KnownOnly() {
			continue
		}
		if n == 0 {
			fmt.Fprintln(w, "conformance: reproduce a failing case with:")
		}
		if n++; n > most {
			fmt.Fprintf(w, "  ... and more: every failing case has its command in the report\n")
			return
		}
		fmt.Fprintf(w, "  # %s\n  %s\n", runOneLine(redact(c.Name)), runOneLine(redact(c.Curl)))
	}
}

// runOneLine keeps the first line of an error message, its control
// characters escaped.
func runOneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return redact.Line(s)
}
