// Package metrics is what `conformance serve --metrics` and `conformance
// proxy --metrics` expose to Prometheus: exchanges by operation and status,
// findings by rule, severity and operation, and a latency histogram, on a
// registry of their own beside the Go runtime's and the process's metrics.
//
//	m := metrics.New(metrics.Upstream)
//	m.Exchange(op, status, d, findings) // per exchange; m.Handler() serves /metrics
package metrics
