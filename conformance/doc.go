// Package conformance judges HTTP responses against an OpenAPI 3.0
// description. The spec is compiled once into a route table and, per
// operation and status, into validators that check a JSON body while they
// read it; every departure comes back as a Finding with a stable rule id, a
// severity, a JSON pointer and a redacted value.
//
//	eng, err := conformance.New() // the embedded Webex webhooks spec
//	if err != nil { ... }
//	findings := eng.Validate(&conformance.Exchange{Request: req, Response: resp})
//
// Rules() lists every rule the engine applies with its severity.
package conformance
