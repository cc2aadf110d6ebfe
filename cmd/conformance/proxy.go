package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"runtime/debug"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/proxy"
	"github.com/webex-conformance/webhooks/conformance/report"
)

const proxyUsage = `usage: conformance proxy --upstream URL [--listen ADDR] [--format text|json|junit|markdown] [--output PATH]
                        [--fail-on error|drift] [--spec PATH]

Forwards every request to the upstream unchanged and streaming (clients keep
their paths: with --upstream https://webexapis.com/v1, a request for
/v1/webhooks goes to https://webexapis.com/v1/webhooks) and judges each
response against the spec off the client's path. Each new kind of finding
is logged to stderr as it happens; on SIGINT or SIGTERM the report is
written (--format and --output may be repeated and pair up as for run).

Exit status: 0 conformant, 1 findings at or above --fail-on, 2 usage or
input error, 3 the proxy could not serve.
`

// proxyGrace bounds how long in-flight requests may finish after a signal.
const proxyGrace = 5 * time.Second

// cmdProxy implements `conformance proxy`.
func cmdProxy(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "proxy")
	var formats, outputs runList
	upstream := fs.String("upstream", "", "forward to the API at base `URL` (e.g. https://webexapis.com/v1)")
	listen := fs.String("listen", "127.0.0.1:8081", "`address` to listen on (host:port; port 0 picks a free one)")
	fs.Var(&formats, "format", "report `format`: text, json, junit or markdown (repeatable)")
	fs.Var(&outputs, "output", "write a report to `PATH` instead of stdout (repeatable)")
	failOn := fs.String("fail-on", "drift", "exit 1 on findings of this `severity` or worse: error or drift")
	specPath := fs.String("spec", "", "judge by the OpenAPI 3.0 document at `PATH` (default: the embedded spec)")
	maxBody := fs.Int64("max-body", 1<<20, "judge response bodies up to `N` bytes (larger ones are forwarded, not judged)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), proxyUsage+"\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *upstream == "" {
		return usageErr(e, "proxy: --upstream URL is required")
	}
	if *maxBody <= 0 {
		return usageErr(e, "proxy: --max-body must be positive")
	}
	outs, err := runOutputs(formats, outputs)
	if err != nil {
		return usageErr(e, "proxy: %v", err)
	}
	sev, err := conformance.ParseFailOn(*failOn)
	if err != nil {
		return usageErr(e, "proxy: %v", err)
	}
	eng, err := runEngine(*specPath, conformance.WithMaxBodyBytes(*maxBody), conformance.WithRedactions(e.getenv("WEBEX_TOKEN")))
	if err != nil {
		return usageErr(e, "proxy: %s", runOneLine(err.Error()))
	}
	noteSpecNotes(e, "proxy", *specPath, eng)
	if e.getenv("GOGC") == "" {
		// The live heap is a few megabytes of buffers; collecting it at
		// every doubling costs more CPU per request than the memory saves.
		debug.SetGCPercent(400)
	}
	p, err := proxy.New(proxy.Config{Upstream: *upstream, Validator: eng, Log: e.stderr, MaxBodyBytes: *maxBody})
	if err != nil {
		return usageErr(e, "proxy: %v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return usageErr(e, "proxy: cannot listen on %s: %s", *listen, runOneLine(err.Error()))
	}
	base := strings.TrimRight(*upstream, "/")
	fmt.Fprintf(e.stderr, "conformance proxy: http://%s → %s (Ctrl-C writes the report)\n", ln.Addr(), eng.Redact(base))
	// What net/http logs (a malformed request, bytes an upstream sent
	// unasked) may quote traffic: it goes through the redactor.
	errorLog := log.New(redactingWriter{w: e.stderr, redact: eng.Redact}, "conformance proxy: ", 0)
	restore := redirectStdLog(errorLog)
	// Exchanges still in flight when the grace period ends are counted as
	// cut: Close counts them before their connections are closed.
	err = serveUntil(ctx, newServer(p, proxyLimits, errorLog), ln, proxyGrace, p.Close)
	p.Close()
	restore()
	if err != nil {
		fmt.Fprintf(e.stderr, "conformance proxy: %s\n", runOneLine(err.Error()))
		return exitUntestable
	}

	rep := p.Report()
	s := p.Stats()
	fmt.Fprintf(e.stderr, "conformance proxy: %d requests forwarded, %d judged, %d cut by the shutdown\n", s.Forwarded, s.Judged, s.Cut)
	rep.Conclude(sev)
	if err := runWriteReports(e, "proxy", outs, rep, report.Options{Redact: eng.Redact, Verbose: true}); err != nil {
		return exitUsage
	}
	outcome, _ := rep.Result()
	return exitFor(outcome)
}
