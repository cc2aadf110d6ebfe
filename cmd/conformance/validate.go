package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/har"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/redact"
	"github.com/webex-conformance/webhooks/webex"
)

const validateHelp = `usage: conformance validate (--har FILE... | --operation OPID --status CODE [--header 'Name: value']... [--body FILE|-]
                            [--query Q] [--request-header 'Name: value']... [--request-body FILE|-])
                           [--judge requests|responses|both] [--format text|json|junit|markdown --output PATH]...
                           [--fail-on error|drift] [--spec PATH] [--baseline FILE] [--max-input-bytes N] [--require OP:STATUS]...

Validates recorded exchanges against the spec: every entry of one or more
HAR 1.2 recordings, its request and its response (one case per entry), or one
response given by its operation, status, headers and body, with the request
that asked for it when --query, --request-header or --request-body describe
one (a request body is application/json unless a --request-header says
otherwise; no credential is taken, so the security requirement is noted as
not judged). An entry that matches no operation of the spec (an
undocumented method or path) is the client's finding, operation.unknown,
whatever the server answered. --judge responses counts only what the server
answered, --judge requests only what the client sent. --format and --output
may be repeated and pair up as for run. On a terminal, stderr shows how a
recording is coming along (entries, MB/s, time left); piped, nothing.
With --spec and one exchange, stderr says how many defects the document
itself has; with --har it does not count them (on a large document that
costs more than judging the recording): conformance lint lists them.

` + baselineHelp + `
` + requireHelp + `
Exit status: 0 conformant, 1 nonconformant (findings at or above --fail-on),
2 usage or input error, 3 untested (no response could be judged, or a
required one was not) or interrupted.
`

// cmdValidate implements `conformance validate`.
func cmdValidate(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "validate")
	var hars, headers listFlag
	fs.Var(&hars, "har", "validate the HAR 1.2 recording in `FILE`, or stdin for - (repeatable; more files may follow)")
	opID := fs.String("operation", "", "validate one response of the operation `OPID` (e.g. getWebhookDetails)")
	status := fs.String("status", "", "the response's status `CODE` (with --operation)")
	fs.Var(&headers, "header", "a response header `'Name: value'` (with --operation; repeatable)")
	bodyPath := fs.String("body", "", "read the response body from `FILE`, or stdin for - (with --operation)")
	query := fs.String("query", "", "the request's query string `Q`, e.g. 'max=0&ownedBy=org' (with --operation)")
	var reqHeaders listFlag
	fs.Var(&reqHeaders, "request-header", "a request header `'Name: value'` (with --operation; repeatable)")
	reqBodyPath := fs.String("request-body", "", "read the request body from `FILE`, or stdin for - (with --operation)")
	reports := addReportFlags(fs)
	specPath := addSpecFlag(fs)
	baselinePath := addBaselineFlag(fs)
	addMaxInputFlag(fs, e)
	judgeFlag := addJudgeFlag(fs)
	requireFlags := addRequireFlag(fs)
	if code, ok := validateParse(e, fs, args, &hars); !ok {
		return code
	}
	sides, err := judgeSides(*judgeFlag)
	if err != nil {
		return usageErr(e, "validate: %v", err)
	}

	outs, err := reports.reports()
	if err != nil {
		return usageErr(e, "validate: %v", err)
	}
	sev, err := reports.severity()
	if err != nil {
		return usageErr(e, "validate: %v", err)
	}
	base, err := loadBaseline(e, *baselinePath)
	if err != nil {
		return usageErr(e, "validate: %s", err)
	}
	withRequest := *query != "" || len(reqHeaders) > 0 || *reqBodyPath != ""
	single := *opID != "" || *status != "" || len(headers) > 0 || *bodyPath != "" || withRequest
	switch {
	case len(hars) > 0 && single:
		return usageErr(e, "validate: --har cannot be combined with --operation, --status, --header, --body, --query, --request-header or --request-body")
	case *bodyPath == "-" && *reqBodyPath == "-":
		return usageErr(e, "validate: --body and --request-body cannot both read stdin")
	case len(hars) == 0 && !single:
		return usageErr(e, "validate: give --har FILE..., or --operation OPID --status CODE (see conformance validate --help)")
	case single && *opID == "":
		return usageErr(e, "validate: --status, --header, --body, --query, --request-header and --request-body need --operation OPID")
	case single && *status == "":
		return usageErr(e, "validate: --operation needs --status CODE")
	}

	eng, err := validateEngine(ctx, e, *specPath)
	if err != nil {
		return engineFailed(e, "validate", validateOneLine(err.Error()), err)
	}
	// The document's own defects are counted for one exchange, not for a
	// recording: on a large document working them out costs more than
	// judging a recording (kin-openapi loads and validates the whole
	// document), and lint is the command that lists them.
	countNotes := *specPath != "" && len(hars) == 0
	if countNotes {
		// Worked out beside the judging (nothing judged needs them) and
		// counted once it is done.
		go eng.SpecNotes()
	}
	reqs, err := requirements(eng, *requireFlags)
	if err != nil {
		return usageErr(e, "validate: %s", err)
	}
	rep := &report.Report{Tool: "conformance", Version: conformance.Version, Spec: eng.SpecInfo(), Judge: sides}
	cov := eng.NewCoverage()
	opts := []report.Option{report.WithRedact(eng.Redact)}
	j := judgement.New(eng, judgement.WithSides(sides), judgement.WithCoverage(cov))
	if single {
		x, err := validateSingle(e, eng, *opID, *status, headers, *bodyPath)
		if err != nil {
			return usageErr(e, "validate: %s", validateOneLine(err.Error()))
		}
		if withRequest {
			if err := validateRequest(e, x, *query, reqHeaders, *reqBodyPath, eng.MaxBodyBytes()); err != nil {
				return usageErr(e, "validate: %s", validateOneLine(err.Error()))
			}
		} else {
			// No request was described: only the response is judged.
			j = judgement.New(eng, judgement.WithSides(conformance.JudgeResponses), judgement.WithCoverage(cov))
		}
		c := j.Case(x)
		c.Name = fmt.Sprintf("%s %d", x.Operation, x.Response.Status)
		rep.Add(c)
		opts = append(opts, report.WithVerbose(true)) // one case: say how it went
	} else {
		for _, path := range hars {
			if ctx.Err() != nil {
				rep.MarkInterrupted("interrupted before every recording was read")
				break
			}
			if err := validateHAR(e, j, path, rep); err != nil {
				return usageErr(e, "validate: %s", validateOneLine(err.Error()))
			}
		}
	}

	rep.Coverage = cov.Report()
	rep.Require(reqs...)
	compareBaseline(e, "validate", rep, base)
	rep.Conclude(sev)
	if err := runWriteReports(e, "validate", outs, rep, opts...); err != nil {
		return exitUsage
	}
	if countNotes {
		noteSpecNotes(e, "validate", *specPath, eng)
	}
	outcome, _ := rep.Result()
	return exitFor(outcome)
}

// validateParse parses flags and lets files follow --har, as in
// `--har a.har b.har --format json`: the flag package stops at the first
// non-flag argument, so parsing resumes after each file.
func validateParse(e *env, fs *flag.FlagSet, args []string, hars *listFlag) (int, bool) {
	rest := args
	for {
		if code, ok := parseFlagsOnly(e, fs, rest); !ok {
			return code, false
		}
		rest = fs.Args()
		if len(rest) == 0 {
			return 0, true
		}
		if len(*hars) == 0 || rest[0] == "" {
			return flagUsageErr(e, fs, fmt.Sprintf("unexpected argument %q", rest[0])), false
		}
		*hars = append(*hars, rest[0])
		rest = rest[1:]
	}
}

// validateEngine compiles the spec at path, or the embedded one.
func validateEngine(ctx context.Context, e *env, path string) (*conformance.Engine, error) {
	var opts []conformance.Option
	if tok := e.getenv("WEBEX_TOKEN"); tok != "" {
		opts = append(opts, conformance.WithRedactions(tok))
	}
	eng, err := loadEngine(ctx, func() (*conformance.Engine, error) {
		if path != "" {
			doc, err := readInput(e, path)
			if err != nil {
				return nil, fmt.Errorf("--spec: %w", err)
			}
			return conformance.New(doc, append(opts, conformance.WithMaxSpecBytes(e.maxInput))...)
		}
		return webex.NewEngine(opts...)
	})
	if err != nil && path != "" && !errors.Is(err, errLoadInterrupted) {
		return nil, fmt.Errorf("--spec %s: %w", path, err)
	}
	return eng, err
}

// validateHAR replays one recording into rep; "-" reads it from stdin.
func validateHAR(e *env, j *judgement.Judge, path string, rep *report.Report) error {
	if path == "-" {
		if err := har.Replay(j, e.stdin, "stdin", rep); err != nil {
			return fmt.Errorf("stdin: %w", err)
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return fmt.Errorf("%s: is a directory, not a HAR file", path)
	}
	source := path
	if i := strings.LastIndexAny(source, `/\`); i >= 0 {
		source = source[i+1:]
	}
	var in io.Reader = f
	if e.isTerminal {
		// Progress on a terminal only: piped, stderr stays quiet.
		p := &harProgress{r: f, w: e.stderr, name: redact.Line(source), now: time.Now, entries: func() int { return len(rep.Cases) }}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			p.size = fi.Size()
		}
		defer p.done()
		in = p
	}
	if err := har.Replay(j, in, source, rep); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// validateSingle builds the exchange that --operation, --status, --header
// and --body describe.
func validateSingle(e *env, eng *conformance.Engine, opID, status string, headers []string, bodyPath string) (*conformance.Exchange, error) {
	op, ok := eng.Operation(opID)
	if !ok {
		return nil, fmt.Errorf("--operation: the spec has no operation %q", opID)
	}
	code, err := strconv.Atoi(status)
	if err != nil || code < 100 || code > 599 {
		return nil, fmt.Errorf("--status %q: expected an HTTP status code from 100 to 599", status)
	}
	h, err := validateHeaders("--header", headers)
	if err != nil {
		return nil, err
	}
	body, err := validateBody(e, "--body", bodyPath, eng.MaxBodyBytes())
	if err != nil {
		return nil, err
	}
	// No path is given: the path parameters are not judged.
	// validate takes no credential (a token on a command line ends up in
	// shell histories): the security requirement is not judged.
	return &conformance.Exchange{
		Operation: op.ID,
		Request:   conformance.Request{Method: op.Method, URL: &url.URL{}, Header: http.Header{}, Credentials: conformance.CredentialsNotGiven},
		Response:  conformance.Response{Status: code, Header: h, Body: body},
	}, nil
}

func validateHeaders(flagName string, lines []string) (http.Header, error) {
	h := http.Header{}
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || !validateToken(name) {
			return nil, fmt.Errorf("%s %q: expected 'Name: value'", flagName, line)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	return h, nil
}

// validateRequest fills in the request that --query, --request-header and
// --request-body describe.
func validateRequest(e *env, x *conformance.Exchange, query string, headers []string, bodyPath string, maxBody int64) error {
	query = strings.TrimPrefix(query, "?")
	if strings.ContainsAny(query, "# \t\r\n") {
		return fmt.Errorf("--query %q: expected a query string such as 'max=10&ownedBy=org'", query)
	}
	h, err := validateHeaders("--request-header", headers)
	if err != nil {
		return err
	}
	body, err := validateBody(e, "--request-body", bodyPath, maxBody)
	if err != nil {
		return err
	}
	if len(body) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	x.Request.URL.RawQuery = query
	x.Request.Header, x.Request.Body = h, body
	return nil
}

// validateBody reads --body, at most one byte past the engine's cap:
// enough for the engine to report a body too large without holding all of
// it.
func validateBody(e *env, flagName, path string, max int64) ([]byte, error) {
	var r io.Reader
	switch path {
	case "":
		return nil, nil
	case "-":
		r = e.stdin
	default:
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flagName, err)
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(bufio.NewReader(r), max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	return body, nil
}

// validateOneLine keeps an error on one line: a spec loader's message can
// span several.
func validateOneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " …"
	}
	return s
}

// validateToken reports whether s is an RFC 9110 token, as a header name
// must be.
func validateToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
