package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/har"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/proxy"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/metrics"
)

const proxyHelp = `usage: conformance proxy --upstream URL [--listen ADDR] [--max-body-bytes N]
                        [--format text|json|junit|markdown --output PATH]... [--fail-on error|drift] [--spec PATH]
                        [--baseline FILE] [--har FILE] [--metrics ADDR] [--max-held-bytes N]
                        [--max-input-bytes N]
                        [--judge requests|responses|both] [--require OP:STATUS]...

Forwards every request to the upstream unchanged and streaming (clients keep
their paths: with --upstream https://webexapis.com/v1, a request for
/v1/webhooks goes to https://webexapis.com/v1/webhooks) and judges each
request and each response against the spec off the client's path (a body
above --max-body-bytes is forwarded whole, not judged). Each new kind of finding
is logged to stderr as it happens. On SIGINT or SIGTERM the exchanges in
flight get 5 s to finish, then the report is written, counting those cut
(--format and --output may be repeated and pair up as for run).
--har FILE records every forwarded exchange as HAR 1.2 (both bodies, the
response decoded; the token, credentials and secrets redacted), for
validate --har to replay. --metrics serves Prometheus metrics at http://ADDR/metrics:
conformance_exchanges_total{operation,status},
conformance_findings_total{rule,severity,operation} and the histogram
conformance_upstream_duration_seconds{operation}.
A request no documented operation matches (an undocumented method or path)
is the client's finding, operation.unknown, whatever the upstream answered.
--judge responses counts only what the upstream answered (a mock's author
behind a sloppy client), --judge requests only what the client sent.

` + baselineHelp + `
` + requireHelp + `
Exit status: 0 conformant, 1 nonconformant (findings at or above --fail-on),
2 usage or input error, 3 untested (the proxy could not serve, or judged no
response).
`

// proxyGrace bounds how long in-flight requests may finish after a signal.
const proxyGrace = 5 * time.Second

// cmdProxy implements `conformance proxy`.
func cmdProxy(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "proxy")
	upstream := fs.String("upstream", "", "forward to the API at base `URL` (e.g. https://webexapis.com/v1)")
	listen := fs.String("listen", "127.0.0.1:8081", "`ADDR` to listen on (host:port; port 0 picks a free one)")
	reports := addReportFlags(fs)
	specPath := addSpecFlag(fs)
	baselinePath := addBaselineFlag(fs)
	maxBody := fs.Int64("max-body-bytes", 1<<20, "judge request and response bodies of at most `N` bytes (larger ones are forwarded, not judged)")
	maxHeld := fs.Int64("max-held-bytes", proxy.DefaultMaxHeldBytes, "hold at most `N` bytes of bodies for judging and recording, all exchanges together (past it, exchanges are forwarded and counted as not judged)")
	harPath := fs.String("har", "", "record every forwarded exchange in the HAR 1.2 file `FILE`, secrets redacted (replay it with validate --har)")
	metricsAddr := fs.String("metrics", "", "serve Prometheus metrics at http://`ADDR`/metrics (exchanges, findings, upstream latency)")
	addMaxInputFlag(fs, e)
	judgeFlag := addJudgeFlag(fs)
	requireFlags := addRequireFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	sides, err := judgeSides(*judgeFlag)
	if err != nil {
		return usageErr(e, "proxy: %v", err)
	}
	if *upstream == "" {
		return usageErr(e, "proxy: --upstream URL is required")
	}
	if *maxBody <= 0 {
		return usageErr(e, "proxy: --max-body-bytes must be 1 or more")
	}
	if *maxHeld <= 0 {
		return usageErr(e, "proxy: --max-held-bytes must be 1 or more")
	}
	outs, err := reports.reports()
	if err != nil {
		return usageErr(e, "proxy: %v", err)
	}
	sev, err := reports.severity()
	if err != nil {
		return usageErr(e, "proxy: %v", err)
	}
	baseline, err := loadBaseline(e, *baselinePath)
	if err != nil {
		return usageErr(e, "proxy: %s", err)
	}
	eng, err := runEngine(ctx, e, *specPath, conformance.WithMaxBodyBytes(*maxBody), conformance.WithRedactions(e.getenv("WEBEX_TOKEN")))
	if err != nil {
		return engineFailed(e, "proxy", runOneLine(err.Error()), err)
	}
	noteSpecNotes(e, "proxy", *specPath, eng)
	reqs, err := requirements(eng, *requireFlags)
	if err != nil {
		return usageErr(e, "proxy: %s", err)
	}
	if e.getenv("GOGC") == "" {
		// The live heap is a few megabytes of buffers; collecting it at
		// every doubling costs more CPU per request than the memory saves.
		debug.SetGCPercent(400)
	}
	if e.getenv("GOMEMLIMIT") == "" {
		// The bodies held are bounded by --max-held-bytes; the garbage of
		// judging and recording them is not, and GOGC=400 lets it pile up
		// to four times the live heap. A soft limit a little above the
		// budget makes the collector run before the process grows.
		debug.SetMemoryLimit(*maxHeld + 96<<20)
	}
	opts := []proxy.Option{proxy.WithLogger(newHumanLogger(e.stderr, "proxy", eng.Redact)), proxy.WithMaxHeldBytes(*maxHeld)}
	var m *metrics.Metrics
	if *metricsAddr != "" {
		m = metrics.New(metrics.Upstream)
		opts = append(opts, proxy.WithObservers(proxyMetrics(eng, m)))
	}
	var recorder *har.Writer
	if *harPath != "" {
		up, err := url.Parse(*upstream)
		if err != nil {
			return usageErr(e, "proxy: --upstream: %s", runOneLine(err.Error()))
		}
		recording, err := os.Create(*harPath)
		if err != nil {
			return usageErr(e, "proxy: --har: %s", runOneLine(err.Error()))
		}
		defer recording.Close()
		if recorder, err = har.NewWriter(recording, "conformance", conformance.Version, eng.Redact); err != nil {
			return usageErr(e, "proxy: --har %s: %s", *harPath, runOneLine(err.Error()))
		}
		// After the proxy's workers have stopped: every exchange is in.
		defer recorder.Close()
		opts = append(opts, proxy.WithObservers(newProxyRecorder(recorder, up, eng.MaxBodyBytes(), e.stderr)))
	}
	p, err := proxy.New(*upstream, judgement.New(eng, judgement.WithSides(sides)), opts...)
	if err != nil {
		return usageErr(e, "proxy: %v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		p.Close()
		return listenFailed(e, "proxy", "", *listen, err)
	}
	if m != nil {
		stop, err := startMetrics(e, "proxy", *metricsAddr, m)
		if err != nil {
			ln.Close()
			p.Close()
			return listenFailed(e, "proxy", "--metrics", *metricsAddr, err)
		}
		defer stop()
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
	if recorder != nil {
		if err := recorder.Close(); err != nil {
			fmt.Fprintf(e.stderr, "conformance proxy: --har %s: %s\n", *harPath, runOneLine(err.Error()))
		} else {
			fmt.Fprintf(e.stderr, "conformance proxy: wrote %s: %d %s (HAR 1.2, secrets redacted)\n", *harPath, recorder.Entries(), plural(recorder.Entries(), "exchange", "exchanges"))
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "conformance proxy: %s\n", runOneLine(err.Error()))
		return exitUntestable
	}

	rep := p.Report()
	rep.Require(reqs...)
	s := p.Stats()
	fmt.Fprintf(e.stderr, "conformance proxy: %d %s forwarded, %d judged, %d cut by the shutdown\n", s.Forwarded, plural(int(s.Forwarded), "request", "requests"), s.Judged, s.Cut)
	compareBaseline(e, "proxy", rep, baseline)
	rep.Conclude(sev)
	if err := runWriteReports(e, "proxy", outs, rep, report.WithRedact(eng.Redact), report.WithVerbose(true)); err != nil {
		return exitUsage
	}
	outcome, _ := rep.Result()
	return exitFor(outcome)
}

// proxyMetrics counts each finished exchange by its operation, with its
// findings and the time the upstream took.
func proxyMetrics(eng *conformance.Engine, m *metrics.Metrics) proxy.Observer {
	documented := documentedStatuses(eng)
	return proxy.ObserverFunc(func(f *proxy.Finished) {
		op := ""
		if o, ok := eng.FindOperation(f.Request.Method, f.Request.URL.EscapedPath()); ok {
			op = o.ID
		}
		m.ExchangeLabel(op, statusLabel(documented[op], f.Response.Status), f.Duration, f.Findings)
	})
}

// documentedStatuses lists the response keys each operation documents
// ("200", "4XX"), for the status label.
func documentedStatuses(eng *conformance.Engine) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, o := range eng.Operations() {
		keys := map[string]bool{}
		if o.Responses != nil {
			for k := range o.Responses.Map() {
				keys[strings.ToUpper(k)] = true
			}
		}
		out[o.ID] = keys
	}
	return out
}

// statusLabel is the metric label of a status: the code when the
// operation documents it, its range ("4XX") when that is documented, else
// "other". The upstream chooses the status; the label's values stay the
// spec's.
func statusLabel(documented map[string]bool, status int) string {
	code := strconv.Itoa(status)
	if documented[code] {
		return code
	}
	if r := code[:1] + "XX"; len(code) == 3 && documented[r] {
		return r
	}
	return "other"
}
