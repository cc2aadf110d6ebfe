package cputime

import (
	"testing"
	"time"
)

// ReportPerOp reports the process's CPU time since start, divided by
// b.N, as the cpu-ns/op metric.
func ReportPerOp(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(Process()-start)/float64(b.N), "cpu-ns/op")
}
