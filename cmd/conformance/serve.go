package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/internal/metrics"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/webex"
)

const serveHelp = `usage: conformance serve [--listen ADDR] [--token TOKEN]... [--fault SPEC]... [--seed N]
                        [--max-webhooks N] [--max-body-bytes N] [--page-limit N]
                        [--deactivate-after N/WINDOW] [--deliver-to HOST|CIDR]...
                        [--log] [--metrics ADDR]

Serves a stateful mock of the Webex webhooks API under /v1 until SIGINT or
SIGTERM. Without --token it makes one up, prints it on start and accepts
only it. POST /_mock/events {resource, event, actorId, data}, with a token
it accepts, delivers a notification to every matching webhook. Deliveries
never go to link-local (cloud metadata), unspecified or multicast
addresses, checked once the target's name is resolved; --deliver-to
restricts them further to the host names and networks it lists.

--log writes one JSON line per request on stderr (log/slog); --metrics
serves Prometheus metrics at http://ADDR/metrics:
conformance_exchanges_total{operation,status} and the histogram
conformance_response_duration_seconds{operation}.

Exit status: 0 after a signal, 2 usage error, 3 the server could not listen
(a port in use) or failed.
`

// serveGrace bounds how long in-flight requests may finish after a signal.
const serveGrace = 5 * time.Second

// cmdServe runs the mock of the Webex webhooks API until ctx is cancelled.
func cmdServe(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "serve")
	listen := fs.String("listen", "127.0.0.1:8080", "`ADDR` to listen on (host:port; port 0 picks a free one)")
	var tokens listFlag
	fs.Var(&tokens, "token", "accept only this bearer `TOKEN` (repeatable; default: one made up and printed on start)")
	var faultSpecs listFlag
	fs.Var(&faultSpecs, "fault", "inject a fault `SPEC`: STATUS:RATE[:RETRY_AFTER_SECONDS] such as 429:0.2, or latency:DURATION[:RATE] such as latency:50ms (repeatable)")
	seed := fs.Int64("seed", 0, "make ids and fault choices reproducible with this `N` (default: random)")
	maxWebhooks := fs.Int("max-webhooks", mock.DefaultMaxWebhooks, "store at most `N` webhooks; a create beyond answers 409")
	maxBody := fs.Int64("max-body-bytes", mock.DefaultMaxBodyBytes, "accept request bodies of at most `N` bytes; larger answers 400")
	pageLimit := fs.Int("page-limit", mock.DefaultPageLimit, "the server's page size and largest accepted max, `N`")
	deactivateAfter := fs.String("deactivate-after", fmt.Sprintf("%d/%s", mock.DefaultDeactivateAfter, shortDuration(mock.DefaultDeactivateWindow)),
		"deactivate a webhook after `N/WINDOW` failed deliveries (N within WINDOW, such as 100/5m)")
	var deliverTo listFlag
	fs.Var(&deliverTo, "deliver-to", "deliver notifications only to this `HOST` name, IP address or CIDR (repeatable; default: anywhere but link-local, unspecified and multicast addresses)")
	logRequests := fs.Bool("log", false, "log one JSON line per request on stderr: time, method, path, operation, status, duration_ms, trackingId (never a token)")
	metricsAddr := fs.String("metrics", "", "serve Prometheus metrics at http://`ADDR`/metrics (exchanges by operation and status, response times)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *maxWebhooks < 1 || *maxBody < 1 || *pageLimit < 1 {
		return usageErr(e, "serve: --max-webhooks, --max-body-bytes and --page-limit must be 1 or more")
	}
	failLimit, failWindow, err := mock.ParseDeactivation(*deactivateAfter)
	if err != nil {
		return usageErr(e, "serve: --deactivate-after: %v", err)
	}
	for _, t := range deliverTo {
		if _, _, err := mock.ParseDeliverTo(t); err != nil {
			return usageErr(e, "serve: --deliver-to: %v", err)
		}
	}
	var faults []mock.Fault
	var share float64
	for _, spec := range faultSpecs {
		f, err := mock.ParseFault(spec)
		if err != nil {
			return usageErr(e, "serve: --fault: %v", err)
		}
		faults = append(faults, f)
		if f.Status != 0 {
			share += f.Rate
		}
	}
	if share > 1+1e-9 {
		return usageErr(e, "serve: the status faults' rates add up to %g, more than 1", share)
	}
	made := ""
	if len(tokens) == 0 {
		// A mock that takes any token would pass a client that sends a
		// wrong one, and fail the suite's bad-token probe.
		made = mock.NewToken()
		tokens = append(tokens, made)
	}
	opts := []mock.Option{
		mock.WithTokens(tokens...),
		mock.WithFaults(faults...),
		mock.WithMaxWebhooks(*maxWebhooks),
		mock.WithMaxBodyBytes(*maxBody),
		mock.WithPageLimit(*pageLimit),
		mock.WithDeactivation(failLimit, failWindow),
		mock.WithDeliverTo(deliverTo...),
	}
	if serveFlagSet(fs, "seed") {
		opts = append(opts, mock.WithSeed(*seed))
	}
	if e.getenv("GOGC") == "" {
		// The live heap is the stored webhooks and a few buffers; collecting
		// it at every doubling costs more CPU per request than the memory
		// saves.
		debug.SetGCPercent(400)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return listenFailed(e, "serve", "", *listen, err)
	}
	var handler http.Handler = mock.New(opts...)
	if *logRequests || *metricsAddr != "" {
		eng, err := webex.Engine()
		if err != nil {
			return usageErr(e, "serve: the embedded spec: %s", runOneLine(err.Error()))
		}
		var logger *slog.Logger
		if *logRequests {
			logger = slog.New(slog.NewJSONHandler(e.stderr, nil))
		}
		var m *metrics.Metrics
		if *metricsAddr != "" {
			m = metrics.New(metrics.Served)
			stop, err := startMetrics(e, "serve", *metricsAddr, m)
			if err != nil {
				ln.Close()
				return listenFailed(e, "serve", "--metrics", *metricsAddr, err)
			}
			defer stop()
		}
		handler = observeServed(handler, eng, logger, m, tokens)
	}
	srv := newServer(handler, mockLimits, log.New(e.stderr, "conformance serve: ", 0))
	fmt.Fprintf(e.stderr, "conformance serve: mock of the Webex webhooks API at http://%s%s\n", serveDialAddr(ln.Addr()), mock.BasePath)
	if made != "" {
		fmt.Fprintf(e.stderr, "token: %s\n", made)
	}
	if err := serveUntil(ctx, srv, ln, serveGrace, nil); err != nil {
		fmt.Fprintf(e.stderr, "conformance serve: %v\n", err)
		return exitUntestable
	}
	return exitOK
}

// serveFlagSet reports whether the named flag was given on the command line.
func serveFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// serveDialAddr is an address clients can dial: a wildcard listen address
// (":8080", "0.0.0.0:8080") is reached through localhost.
func serveDialAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", strconv.Itoa(t.Port))
	}
	return a.String()
}

// shortDuration writes 5m0s as 5m, for a default that reads like an example.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
