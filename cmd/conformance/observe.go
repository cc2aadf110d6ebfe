package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/internal/metrics"
	"github.com/webex-conformance/webhooks/internal/redact"
)

// metricsLimits serve /metrics: a scrape is one small GET.
var metricsLimits = serverLimits{ReadHeader: 5 * time.Second, Read: 30 * time.Second, Idle: 2 * time.Minute, MaxHeader: 16 << 10}

// startMetrics serves m at http://addr/metrics until the returned stop is
// called; the error is the listen's.
func startMetrics(e *env, cmd, addr string, m *metrics.Metrics) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := newServer(m.Mux(), metricsLimits, log.New(e.stderr, "conformance "+cmd+": metrics: ", 0))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, srv, ln, time.Second, nil) }()
	fmt.Fprintf(e.stderr, "conformance %s: Prometheus metrics at http://%s/metrics\n", cmd, serveDialAddr(ln.Addr()))
	return func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Fprintf(e.stderr, "conformance %s: metrics: %s\n", cmd, runOneLine(err.Error()))
		}
	}, nil
}

// served is what observe learns of each request the mock answered.
type served struct {
	method, path, operation, trackingID string
	status                              int
	duration                            time.Duration
}

// observeServed wraps h so that each answered request is logged (when
// logger is not nil) and counted (when m is not nil). The operation comes
// from the spec; redact hides any token that a client put in its path.
func observeServed(h http.Handler, eng *conformance.Engine, logger *slog.Logger, m *metrics.Metrics, tokens []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s := served{method: r.Method, path: redact.Text(r.URL.EscapedPath(), tokens...), status: sw.status, duration: time.Since(start)}
		if s.status == 0 {
			s.status = http.StatusOK
		}
		if op, ok := eng.FindOperation(r.Method, r.URL.EscapedPath()); ok {
			s.operation = op.ID
		}
		s.trackingID = w.Header().Get("TrackingID")
		if m != nil {
			m.Exchange(s.operation, s.status, s.duration, nil)
		}
		if logger != nil {
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", s.method),
				slog.String("path", s.path),
				slog.String("operation", s.operation),
				slog.Int("status", s.status),
				slog.Float64("duration_ms", float64(s.duration.Microseconds())/1000),
				slog.String("trackingId", s.trackingID))
		}
	})
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes a flush on, for handlers that stream.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
