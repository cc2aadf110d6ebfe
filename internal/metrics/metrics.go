package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/webex-conformance/webhooks/conformance"
)

// UnknownOperation labels an exchange that matches no operation of the
// spec, so that the label's values stay the spec's operationIds.
const UnknownOperation = "unknown"

// Latency names the histogram and says what it times.
type Latency struct {
	Name string // e.g. conformance_upstream_duration_seconds
	Help string
}

// Upstream is the proxy's histogram: from a request's arrival to the end
// of the upstream's response.
var Upstream = Latency{
	Name: "conformance_upstream_duration_seconds",
	Help: "Time from a request's arrival at the proxy to the end of the upstream's response, by operation.",
}

// Served is the mock's histogram: the time it takes to answer.
var Served = Latency{
	Name: "conformance_response_duration_seconds",
	Help: "Time the mock takes to answer a request, by operation.",
}

// Metrics counts exchanges and findings. Its methods may be called from
// any goroutine.
type Metrics struct {
	registry  *prometheus.Registry
	exchanges *prometheus.CounterVec
	findings  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
}

// New returns the metrics with the latency histogram lat.
func New(lat Latency) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		exchanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conformance_exchanges_total",
			Help: "Exchanges (a request and its response), by the spec's operationId (or unknown) and HTTP status.",
		}, []string{"operation", "status"}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conformance_findings_total",
			Help: "Findings of the conformance engine, by rule id, severity and operationId.",
		}, []string{"rule", "severity", "operation"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: lat.Name,
			Help: lat.Help,
			// From a loopback mock (well under a millisecond) to a slow
			// API (tens of seconds).
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation"}),
	}
	m.registry.MustRegister(m.exchanges, m.findings, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Exchange counts one exchange of operation (empty: UnknownOperation) that
// was answered status after d, with its findings.
func (m *Metrics) Exchange(operation string, status int, d time.Duration, findings []conformance.Finding) {
	m.ExchangeLabel(operation, strconv.Itoa(status), d, findings)
}

// ExchangeLabel is Exchange with the status label given: a caller that
// counts statuses chosen by someone else folds them into a bounded set of
// values first (the documented ones and "other").
func (m *Metrics) ExchangeLabel(operation, status string, d time.Duration, findings []conformance.Finding) {
	if operation == "" {
		operation = UnknownOperation
	}
	m.latency.WithLabelValues(operation).Observe(d.Seconds())
	for _, f := range findings {
		op := f.Operation
		if op == "" {
			op = operation
		}
		m.findings.WithLabelValues(f.Rule.ID(), string(f.Severity), op).Inc()
	}
	// Last: a scrape that counts the exchange sees its findings and its
	// latency too.
	m.exchanges.WithLabelValues(operation, status).Inc()
}

// Handler serves the metrics in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Mux serves Handler at /metrics and nothing else.
func (m *Metrics) Mux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return mux
}
