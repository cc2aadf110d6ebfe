// Package cputime measures the CPU time of the whole process, for
// benchmarks whose wall time mostly shows how the scheduler interleaved
// clients and servers on a small machine:
//
//	start := cputime.Process()
//	// ... b.RunParallel(...) ...
//	cputime.ReportPerOp(b, start)
package cputime
