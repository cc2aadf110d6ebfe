// Package webex is the Webex layer on top of the generic conformance
// engine: the Webex webhooks spec (package api) compiled into an engine,
// the Webex layer's rules (rules.go: behavior.* of the suite, pagination.*,
// notification.signature), and one-line conveniences for the CLI and for
// client projects. Below it the engine, the report, HAR, the proxy, follow
// and the test transport know no Webex; beside it live the typed client (gen), the mock (mock),
// the suite's scenarios (webex/runner) and the delivery judge
// (webex/receiver).
//
// In a client project's test, webex/webextest.NewTransport is the one
// line that judges every exchange. To judge recorded exchanges:
//
//	eng, err := webex.NewEngine()
//	findings := eng.ValidateExchange(x)
package webex
