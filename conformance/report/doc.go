// Package report writes a conformance.Report for people and for machines:
// text (a terminal), json (the project's report format), junit (CI test
// reports) and markdown (a GitHub step summary).
//
//	f, err := report.ParseFormat("junit")
//	if err != nil { ... }
//	err = report.Write(os.Stdout, f, rep, report.Options{})
//
// The writers print only what the report holds, minus Case.Curl, and pass
// every string through Options.Redact and a Bearer-credential scrubber, so
// a token that slipped into a finding still never reaches the output.
package report
