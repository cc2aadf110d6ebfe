// Command conformance checks whether an HTTP API answers the way its OpenAPI
// description says: against a live target (run), a recording (validate),
// live traffic (proxy), and it serves a faithful mock of the Webex webhooks
// API (serve).
//
//	conformance run                                            # the suite against the embedded mock
//	WEBEX_TOKEN=... conformance run --target https://webexapis.com/v1
//	conformance validate --spec openapi.yaml --har session.har
//	conformance proxy --spec openapi.yaml --upstream https://api.example.com/v1
//
// conformance help lists every command; docs/commands.md has each one's help.
package main
