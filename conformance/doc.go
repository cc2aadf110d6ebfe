// Package conformance judges HTTP requests and responses against an
// OpenAPI 3.0 description. The spec is compiled once into a route table
// and, per operation, into validators for its parameters, security
// requirement and request body and, per status, for its response, each
// checking a JSON body while it reads it; every departure comes back as a
// Finding with a stable rule id, a severity, a JSON pointer (or
// header:Name, query:name, path:name) and a redacted value.
//
//	eng, err := conformance.New() // the embedded Webex webhooks spec
//	if err != nil { ... }
//	x := &conformance.Exchange{Request: req, Response: resp}
//	findings := eng.Validate(x)        // the response
//	findings = eng.ValidateRequest(x)  // the request (rules request.*)
//	findings = eng.ValidateExchange(x) // both, request first
//
// CompileCallback and CompileWebhook compile the request half of a
// callback's or a webhook's operation on its own, for requests no path of
// the spec reaches.
//
// Around the engine, each in its own package: conformance/har
// streams a HAR recording's entries and replays them into a report,
// conformance/report holds the report model and its writers, and
// conformance/conformancetest puts the engine under a client's tests as an
// http.RoundTripper.
//
// Rules() lists every declared rule (this package's, and those the layers
// above declare with Declare: generated requests', the Webex suite's) with
// its severity and what it enforces; SlowSchemas
// says which schemas of a spec the single pass leaves to the judge of
// whole values, and for which keywords. Schemas the single pass leaves
// aside (allOf, oneOf, anyOf, pattern and the rarer keywords) get
// body.undocumented too: a property is
// undocumented when the schemas that apply to its object (its own, every
// allOf branch, the oneOf or anyOf branches the object matches) declare
// properties, none declares this one, and none mentions
// additionalProperties. An object that matches no oneOf or anyOf branch, or
// several oneOf branches, is already an error and is not searched.
package conformance
