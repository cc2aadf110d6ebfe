// Package report is the result of a run, a validation or a proxy session:
// a Report of Cases, one per judged response, each with its verdict and
// findings; Summary counts them. Write renders a report for people and for
// machines: text (a terminal), json (the project's report format), junit
// (CI test reports) and markdown (a GitHub step summary).
//
//	rep := &report.Report{Tool: "conformance", Version: conformance.Version, Spec: eng.SpecInfo()}
//	rep.Add(report.Case{Name: "GET /webhooks", Findings: eng.Validate(x)})
//
//	f, err := report.ParseFormat("junit")
//	if err != nil { ... }
//	err = report.Write(os.Stdout, f, rep, report.WithRedact(eng.Redact))
//
// Each failing case carries its Case.Curl, the command that reproduces it
// (Curl renders one) with a shell variable in place of the credential
// ("Bearer $TOKEN" by default; the Webex suite writes $WEBEX_TOKEN, the
// variable its CLI reads): the "curl" field in json, a
// "reproduce:" line at the end of every failure's text in junit (the text
// CI viewers show beside a failure), a fenced sh block under the case in
// markdown and a "reproduce:" line under its findings in text. Passing and
// skipped cases carry none.
//
// Every string written passes through WithRedact's function and then the
// project's redactor (credentials after Bearer or Basic, the values of
// secret-like JSON properties, a curl command's body included), so a token
// or a webhook secret that slipped into a case still never reaches the
// output. "Bearer $TOKEN" is no credential and stays as it is, for the
// shell to fill in.
//
// Report.LeftBehind lists what a run made on its target and could not
// delete, each of the kind its producer names (the Webex suite's are
// webhooks); any of it makes the report nonconformant.
package report
