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
// A HAR recording (browser devtools, a proxy) is judged entry by entry:
// ReplayHAR adds one case per entry to a Report, and ReadHAR streams the
// entries as exchanges for callers that judge them themselves.
//
//	rep := &conformance.Report{Tool: "conformance", Version: conformance.Version, Spec: eng.SpecInfo()}
//	err = eng.ReplayHAR(f, "recording.har", rep)
//
//	err = conformance.ReadHAR(f, func(h *conformance.HAREntry) error { ... eng.Validate(&h.Exchange) ... })
//
// In a client's tests, a Transport judges every response the client
// receives and passes it on unchanged. NewTestTransport fails the test at
// its end if any response did not conform; a Transport of one's own (or
// NewTransport, for options such as WithSpec) is checked with
// AssertConformant when the test chooses.
//
//	client := &http.Client{Transport: conformance.NewTestTransport(t, nil)}
//
//	tr := &conformance.Transport{}
//	client := &http.Client{Transport: tr}
//	// ... exercise the client ...
//	tr.AssertConformant(t)
//
// Rules() lists every rule the engine applies with its severity. Schemas
// the compiled validators leave to kin-openapi (allOf, oneOf, anyOf,
// pattern and the rarer keywords) get body.undocumented too: a property is
// undocumented when the schemas that apply to its object (its own, every
// allOf branch, the oneOf or anyOf branches the object matches) declare
// properties, none declares this one, and none mentions
// additionalProperties. An object that matches no oneOf or anyOf branch, or
// several oneOf branches, is already an error and is not searched.
package conformance
