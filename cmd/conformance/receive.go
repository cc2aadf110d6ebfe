package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/webex/receiver"
)

const receiveHelp = `usage: conformance receive --listen ADDR [--path P] [--judge requests|responses|both]
                          [--spec PATH --webhook NAME | [--spec PATH] --callback OP.NAME]
                          [--format text|json|junit|markdown --output PATH]... [--fail-on error|drift]
                          [--max-body-bytes N] [--max-concurrent N] [--max-input-bytes N]

Receives webhook deliveries: answers 204 to every POST (to any path, or only
to P with --path) and judges each against the spec's notification callback:
the envelope by the request rules, and, when the environment variable
WEBEX_WEBHOOK_SECRET holds the webhook's secret, its X-Spark-Signature
(notification.signature: missing, malformed or wrong). Each finding is
logged to stderr as it arrives; on SIGINT or SIGTERM the report is written,
one case per delivery (after 1,000, one case per path; after 100 paths, one
case for the rest). Point a webhook's
targetUrl at it through any tunnel to check live deliveries. A delivery is
the notifier's request: its findings are on the request side, so --judge
responses counts none of them.

With --spec PATH --webhook NAME the deliveries are judged against the
OpenAPI 3.1 document's top-level webhook NAME (its POST operation); with
--callback OP.NAME against the callback NAME of the operation OP (of
--spec's document, or of the Webex spec without it). No signature is
checked then: X-Spark-Signature is Webex's.

Exit status: 0 conformant, 1 findings at or above --fail-on, 2 usage error,
3 no delivery was received or the receiver could not serve.
`

// receiveLimits serve `conformance receive`: deliveries are small and
// answered at once.
var receiveLimits = serverLimits{ReadHeader: 10 * time.Second, Read: time.Minute, Idle: 2 * time.Minute, MaxHeader: 64 << 10}

// receiveGrace bounds how long deliveries in flight may finish after a signal.
const receiveGrace = 5 * time.Second

// cmdReceive implements `conformance receive`.
func cmdReceive(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "receive")
	listen := fs.String("listen", "", "`ADDR` to listen on (host:port; port 0 picks a free one)")
	path := fs.String("path", "", "judge only deliveries POSTed to path `P` (default: any path)")
	specPath := fs.String("spec", "", "judge by the OpenAPI 3.0 or 3.1 document at `PATH` (with --webhook or --callback)")
	webhook := fs.String("webhook", "", "judge deliveries against the document's top-level webhook `NAME` (OpenAPI 3.1)")
	callback := fs.String("callback", "", "judge deliveries against the callback NAME of the operation OP (`OP.NAME`)")
	maxBody := fs.Int64("max-body-bytes", 1<<20, "judge deliveries of at most `N` bytes (a larger one is read no further, answered and reported as body.limit)")
	concurrent := fs.Int("max-concurrent", receiver.DefaultMaxConcurrent, "read and judge at most `N` deliveries at once (more wait, unread)")
	addMaxInputFlag(fs, e)
	reports := addReportFlags(fs)
	judgeFlag := addJudgeFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	sides, err := judgeSides(*judgeFlag)
	if err != nil {
		return usageErr(e, "receive: %v", err)
	}
	if *listen == "" {
		return usageErr(e, "receive: --listen ADDR is required")
	}
	if *path != "" && !strings.HasPrefix(*path, "/") {
		return usageErr(e, "receive: --path %q must start with /", *path)
	}
	var opts []receiver.Option
	switch {
	case *webhook != "" && *callback != "":
		return usageErr(e, "receive: --webhook and --callback exclude each other")
	case *webhook != "" && *specPath == "":
		return usageErr(e, "receive: --webhook NAME needs --spec PATH (a document with top-level webhooks)")
	case *specPath != "" && *webhook == "" && *callback == "":
		return usageErr(e, "receive: --spec PATH needs --webhook NAME or --callback OP.NAME")
	case *webhook != "":
		opts = append(opts, receiver.WithWebhook(*webhook))
	case *callback != "":
		op, name, ok := strings.Cut(*callback, ".")
		if !ok || op == "" || name == "" {
			return usageErr(e, "receive: --callback %q is not OP.NAME (an operationId, a dot, a callback name)", *callback)
		}
		opts = append(opts, receiver.WithCallback(op, name))
	}
	outs, err := reports.reports()
	if err != nil {
		return usageErr(e, "receive: %v", err)
	}
	sev, err := conformance.ParseFailOn(reports.failOn)
	if err != nil {
		return usageErr(e, "receive: %v", err)
	}
	secret := e.getenv("WEBEX_WEBHOOK_SECRET")
	if *maxBody <= 0 {
		return usageErr(e, "receive: --max-body-bytes must be 1 or more")
	}
	if *concurrent <= 0 {
		return usageErr(e, "receive: --max-concurrent must be 1 or more")
	}
	eng, err := runEngine(ctx, e, *specPath, conformance.WithRedactions(secret, e.getenv("WEBEX_TOKEN")), conformance.WithMaxBodyBytes(*maxBody))
	if err != nil {
		return engineFailed(e, "receive", runOneLine(err.Error()), err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return listenFailed(e, "receive", "", *listen, err)
	}
	where := "http://" + serveDialAddr(ln.Addr()) + *path
	signatures := "signatures checked with WEBEX_WEBHOOK_SECRET"
	switch {
	case len(opts) > 0:
		signatures = "signatures not checked (X-Spark-Signature is the Webex notification's)"
		secret = ""
	case secret == "":
		signatures = "signatures not checked (WEBEX_WEBHOOK_SECRET is not set)"
	}
	opts = append(opts, receiver.WithSecret(secret), receiver.WithPath(*path), receiver.WithLogger(newHumanLogger(e.stderr, "receive", eng.Redact)), receiver.WithTarget("deliveries to "+where), receiver.WithSides(sides), receiver.WithMaxConcurrent(*concurrent))
	rcv, err := receiver.New(eng, opts...)
	if err != nil {
		ln.Close()
		return usageErr(e, "receive: %s", runOneLine(err.Error()))
	}
	paths := " (any path)"
	if *path != "" {
		paths = ""
	}
	fmt.Fprintf(e.stderr, "conformance receive: deliveries to %s%s; %s (Ctrl-C writes the report)\n", where, paths, signatures)
	errorLog := log.New(redactingWriter{w: e.stderr, redact: eng.Redact}, "conformance receive: ", 0)
	if err := serveUntil(ctx, newServer(rcv, receiveLimits, errorLog), ln, receiveGrace, nil); err != nil {
		fmt.Fprintf(e.stderr, "conformance receive: %s\n", runOneLine(err.Error()))
		return exitUntestable
	}
	rep := rcv.Report()
	fmt.Fprintf(e.stderr, "conformance receive: %d %s judged\n", rcv.Deliveries(), plural(rcv.Deliveries(), "delivery", "deliveries"))
	rep.Conclude(sev)
	if err := runWriteReports(e, "receive", outs, rep, report.WithRedact(eng.Redact), report.WithVerbose(true)); err != nil {
		return exitUsage
	}
	outcome, _ := rep.Result()
	return exitFor(outcome)
}
