package conformance

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Rule is one rule of a catalogue: a finding names the rule it breaks.
// Rules are made only by Declare (and read back by RuleByID), so a finding
// cannot carry an id no catalogue declares; the zero Rule is no rule.
type Rule struct{ e *ruleEntry }

// ID is the rule's stable id, the one findings, reports and baselines
// carry.
func (r Rule) ID() string {
	if r.e == nil {
		return ""
	}
	return r.e.id
}

// String is the id.
func (r Rule) String() string { return r.ID() }

// GoString names the rule by its id (%#v, a test's failure message).
func (r Rule) GoString() string { return "conformance.Rule(" + strconv.Quote(r.ID()) + ")" }

// Severity is the severity of the rule's findings.
func (r Rule) Severity() Severity {
	if r.e == nil {
		return ""
	}
	return r.e.severity
}

// Side is the party the rule's findings blame; empty for the notes on the
// document (spec.*), which blame neither.
func (r Rule) Side() Side {
	if r.e == nil {
		return ""
	}
	return r.e.side
}

// Origin says what emits the rule.
func (r Rule) Origin() Origin {
	if r.e == nil {
		return ""
	}
	return r.e.origin
}

// Enforces names the part of the OpenAPI document, the RFC or the bound
// the rule holds traffic to.
func (r Rule) Enforces() string {
	if r.e == nil {
		return ""
	}
	return r.e.enforces
}

// FiresWhen says in one line what makes the rule fire.
func (r Rule) FiresWhen() string {
	if r.e == nil {
		return ""
	}
	return r.e.firesWhen
}

// MarshalText writes the id.
func (r Rule) MarshalText() ([]byte, error) { return []byte(r.ID()), nil }

// UnmarshalText reads an id back (from a report or a baseline): the
// declared rule, or for an id no linked catalogue declares (a report of
// another version) a rule that keeps the id and nothing else.
func (r *Rule) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = Rule{}
		return nil
	}
	if d, ok := RuleByID(string(b)); ok {
		*r = d
		return nil
	}
	*r = Rule{&ruleEntry{id: string(b)}}
	return nil
}

// Origin is what emits a rule.
type Origin string

const (
	OriginResponse Origin = "response" // the engine, judging a response
	OriginRequest  Origin = "request"  // the engine, judging a request
	OriginSpec     Origin = "spec"     // the engine, loading the spec
	OriginRun      Origin = "run"      // conformance run, checking behaviour
	OriginProxy    Origin = "proxy"    // conformance proxy
	OriginReceive  Origin = "receive"  // conformance receive, judging a delivery
)

// The generic catalogue: every rule the engine, the proxy and the
// generic front ends emit, each declared once, here, with its severity,
// what it enforces and when it fires. A layer above declares its own rules
// with Declare in its own package (the Webex layer's are in package webex;
// generated requests' in conformance/generate). A finding is made with
// NewFinding from a declared Rule; docs/rules.md's table lists every
// catalogue and a test fails when it does not match (go test ./conformance
// -run TestDocsRuleTable -update-docs rewrites it).
var (
	RuleOperationUnknown   = Declare(OriginRequest, "operation.unknown", SeverityError, "paths.{path}.{method}", "no documented operation matches the request's method and path")
	RuleStatusUndocumented = Declare(OriginResponse, "status.undocumented", SeverityError, "operation.responses", "the status code is not documented for the operation (nor by a range or default)")
	RuleContentType        = Declare(OriginResponse, "content-type", SeverityError, "response.content.{media type}", "a body has no Content-Type, or one the response does not document, or a JSON charset other than UTF-8")
	RuleBodyJSON           = Declare(OriginResponse, "body.json", SeverityError, "response.content.application/json (RFC 8259)", "the body is not valid JSON: malformed, truncated, invalid UTF-8, or empty where a body is documented")
	RuleBodyEmpty          = Declare(OriginResponse, "body.empty", SeverityError, "response without content (e.g. 204)", "a body is present where the response documents none")
	RuleBodyLimit          = Declare(OriginResponse, "body.limit", SeverityError, "engine limit WithMaxBodyBytes", "the body is larger than the size cap; it is not judged further")
	RuleBodyDepth          = Declare(OriginResponse, "body.depth", SeverityError, "engine limit WithMaxDepth", "the JSON nests deeper than the nesting cap; it is not judged further")
	RuleBodyType           = Declare(OriginResponse, "body.type", SeverityError, "schema.type (3.1: a type list, \"null\" among them), schema.nullable (3.0)", "a value has the wrong JSON type, is null where not nullable, or is a number no float64 holds")
	RuleBodyRequired       = Declare(OriginResponse, "body.required", SeverityError, "schema.required", "a required property is missing")
	RuleBodyFormat         = Declare(OriginResponse, "body.format", SeverityError, "schema.format; 3.1: contentEncoding, contentMediaType (asserted unless WithFormatAnnotations)", "a date-time (RFC 3339, time zone required), date, uri (absolute), byte or int32/int64 value is malformed")
	RuleBodyEnum           = Declare(OriginResponse, "body.enum", SeverityDrift, "schema.enum", "a value is not one of the documented enum values")
	RuleBodyUndocumented   = Declare(OriginResponse, "body.undocumented", SeverityDrift, "schema.properties", "an object has a property its schema does not declare (at any depth)")
	RuleBodyAdditional     = Declare(OriginResponse, "body.additional", SeverityError, "schema.additionalProperties: false; 3.1: unevaluatedProperties: false", "an object has a property its schema forbids")
	RuleBodyConstraint     = Declare(OriginResponse, "body.constraint", SeverityError, "schema minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, allOf/oneOf/anyOf/not, ...; 3.1: const, exclusiveMinimum/Maximum, prefixItems, contains, if/then/else, dependentRequired, propertyNames, unevaluatedItems, false", "a value breaks another schema constraint")
	RuleBodyDuplicate      = Declare(OriginResponse, "body.duplicate", SeverityError, "schema.properties (RFC 8259 section 4)", "a declared property appears twice in one object: parsers disagree on which value wins")
	RuleBodyBudget         = Declare(OriginResponse, "body.budget", SeverityError, "engine bound on work per body (proportional to its size)", "the schema (recursive allOf/oneOf/anyOf) is too expensive to judge the body completely; the part not reached is not judged")
	RuleHeaderRequired     = Declare(OriginResponse, "header.required", SeverityError, "response.headers.{name}.required", "a required header is absent")
	RuleHeaderFormat       = Declare(OriginResponse, "header.format", SeverityError, "response.headers.{name}.schema; RFC 9110 10.2.3 (Retry-After), RFC 8288 (Link)", "a header value is ill-formed: a Retry-After or Link anywhere, or any header against its documented schema type")
	RuleHeaderEnum         = Declare(OriginResponse, "header.enum", SeverityDrift, "response.headers.{name}.schema.enum", "a header value is not one of the documented enum values")
	RuleFindingsCapped     = Declare(OriginResponse, "findings.capped", SeverityInfo, "engine bound: 20 findings of a rule per body", "a body breaks one rule more than 20 times; the first 20 are kept and the rest counted, so that one response cannot make a huge report")
	RuleEngineInternal     = Declare(OriginResponse, "engine.internal", SeverityError, "-", "the engine itself failed on a response (a bug: please report it with the response)")

	// What a client sends, judged against the operation it calls. A client
	// that breaks one of these gets a 400 (or a 401, a 415) from the API,
	// so all are errors but the undocumented body property, which the API
	// may simply not know yet.
	RuleRequestParameter        = Declare(OriginRequest, "request.parameter", SeverityError, "operation.parameters (path, query, header, cookie): required, schema, style, explode", "a required parameter is absent, or a parameter's value breaks its schema (type, minimum, maximum, enum, format, length) or is given more than once where the schema takes one value")
	RuleRequestSecurity         = Declare(OriginRequest, "request.security", SeverityError, "operation.security (or the top-level security), components.securitySchemes", "the request carries none of the credentials the operation's security requirement asks for (for example no Authorization: Bearer token)")
	RuleRequestContentType      = Declare(OriginRequest, "request.content-type", SeverityError, "operation.requestBody.content.{media type}", "a request body has no Content-Type, or one the operation does not document, or a JSON charset other than UTF-8")
	RuleRequestBodyMissing      = Declare(OriginRequest, "request.body.missing", SeverityError, "operation.requestBody.required", "the operation requires a body and the request has none")
	RuleRequestBodyEmpty        = Declare(OriginRequest, "request.body.empty", SeverityError, "operation without requestBody", "a request body is sent to an operation that documents none")
	RuleRequestBodyJSON         = Declare(OriginRequest, "request.body.json", SeverityError, "operation.requestBody.content.application/json (RFC 8259)", "the request body is not valid JSON: malformed, truncated or invalid UTF-8")
	RuleRequestBodyLimit        = Declare(OriginRequest, "request.body.limit", SeverityError, "engine limit WithMaxBodyBytes", "the request body is larger than the size cap; it is not judged further")
	RuleRequestBodyDepth        = Declare(OriginRequest, "request.body.depth", SeverityError, "engine limit WithMaxDepth", "the request JSON nests deeper than the nesting cap; it is not judged further")
	RuleRequestBodyType         = Declare(OriginRequest, "request.body.type", SeverityError, "requestBody schema.type, schema.nullable", "a value of the request body has the wrong JSON type or is null where not nullable")
	RuleRequestBodyRequired     = Declare(OriginRequest, "request.body.required", SeverityError, "requestBody schema.required", "a required property of the request body is missing")
	RuleRequestBodyFormat       = Declare(OriginRequest, "request.body.format", SeverityError, "requestBody schema.format", "a date-time, date, uri, byte or int32/int64 value of the request body is malformed")
	RuleRequestBodyEnum         = Declare(OriginRequest, "request.body.enum", SeverityError, "requestBody schema.enum", "a value of the request body is not one of the documented enum values (the API refuses it)")
	RuleRequestBodyUndocumented = Declare(OriginRequest, "request.body.undocumented", SeverityDrift, "requestBody schema.properties", "the request body has a property its schema does not declare (at any depth)")
	RuleRequestBodyAdditional   = Declare(OriginRequest, "request.body.additional", SeverityError, "requestBody schema.additionalProperties: false", "the request body has a property its schema forbids")
	RuleRequestBodyConstraint   = Declare(OriginRequest, "request.body.constraint", SeverityError, "requestBody schema minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, allOf/oneOf/anyOf/not, ...", "a value of the request body breaks another schema constraint")
	RuleRequestBodyDuplicate    = Declare(OriginRequest, "request.body.duplicate", SeverityError, "requestBody schema.properties (RFC 8259 section 4)", "a declared property appears twice in one object of the request body")
	RuleRequestBodyBudget       = Declare(OriginRequest, "request.body.budget", SeverityError, "engine bound on work per body (proportional to its size)", "the request body's schema is too expensive to judge it completely; the part not reached is not judged")
	RuleRequestUnjudged         = Declare(OriginRequest, "request.unjudged", SeverityInfo, "HAR 1.2 request.postData", "a recorded request could not be judged: its body was not saved, or saved in an encoding other than base64; its response still is")

	// Notes on the document itself (Engine.SpecNotes, conformance lint). A
	// note never stops the engine from judging traffic.
	RuleSpecExample     = Declare(OriginSpec, "spec.example", SeverityInfo, "example, examples (OpenAPI 3.0.3: SHOULD match the schema)", "an example does not match its schema")
	RuleSpecDefault     = Declare(OriginSpec, "spec.default", SeverityInfo, "schema.default", "a default value does not match its schema")
	RuleSpecName        = Declare(OriginSpec, "spec.name", SeverityInfo, "components.{type}.{name} (^[a-zA-Z0-9.\\-_]+$)", "a component name has characters OpenAPI does not allow (spaces, ...)")
	RuleSpecOperationID = Declare(OriginSpec, "spec.operation-id", SeverityInfo, "operation.operationId (unique)", "two operations share an operationId; the later one is known by its method and path")
	RuleSpecPattern     = Declare(OriginSpec, "spec.pattern", SeverityInfo, "schema.pattern (ECMA-262)", "a pattern is not a regular expression the engine can run (lookaround, backreferences); it is not checked")
	RuleSpecResponse    = Declare(OriginSpec, "spec.response", SeverityInfo, "operation.responses", "a response key is not a status, a status range or default; it is ignored")
	RuleSpecServer      = Declare(OriginSpec, "spec.server", SeverityInfo, "servers.url", "a server URL has no readable path; operations are matched from /")
	RuleSpecKeyword     = Declare(OriginSpec, "spec.keyword", SeverityInfo, "OpenAPI 3.1 Schema Object (JSON Schema 2020-12)", "a 3.1 document uses a 3.0 keyword that means nothing there (nullable, a boolean exclusiveMinimum or exclusiveMaximum); the engine ignores it")
	RuleSpecInvalid     = Declare(OriginSpec, "spec.invalid", SeverityInfo, "OpenAPI 3.0.3, 3.1", "anything else kin-openapi's document validation finds wrong")

	// A behaviour a run checks (the Webex suite's scenarios, generated
	// requests) could not be checked: the server failed.
	RuleBehaviorNotJudged = Declare(OriginRun, "behavior.not-judged", SeverityInfo, "-", "the server answered 5xx or 429 (after retries), so the behaviour could not be checked; the engine still judged the answer")

	// The proxy's own findings.
	RuleProxyUpstreamTruncated = Declare(OriginProxy, "proxy.upstream-truncated", SeverityError, "RFC 9112 section 6 (message body length)", "the upstream's body ended before its Content-Length or last chunk; the client's connection was aborted and the partial body not judged")
	RuleProxyFindingsCapped    = Declare(OriginProxy, "proxy.findings-capped", SeverityInfo, "proxy bound: 50 kinds of finding per case", "a case of a long proxy run met more kinds of finding than it keeps; the rest are counted")
)

// ruleEntry is a rule's catalogue entry; a Rule points at one.
type ruleEntry struct {
	id        string
	severity  Severity
	enforces  string
	firesWhen string
	origin    Origin
	side      Side
}

var catalogue struct {
	sync.RWMutex
	rules []Rule
	index map[string]Rule
}

// Declare adds a rule to the catalogue and returns it: origin says what
// emits it, id is the stable id findings carry, sev their severity,
// enforces the part of the OpenAPI document, the RFC or the bound it holds
// traffic to, firesWhen in one line what makes it fire. Each layer declares
// its rules once, as package-level variables, so that they are all in the
// catalogue before anything lists them. Declaring an id twice is a mistake
// in the declaring package and stops the program at once.
func Declare(origin Origin, id string, sev Severity, enforces, firesWhen string) Rule {
	catalogue.Lock()
	defer catalogue.Unlock()
	if _, dup := catalogue.index[id]; dup {
		panic("conformance: rule " + id + " declared twice")
	}
	if catalogue.index == nil {
		catalogue.index = map[string]Rule{}
	}
	r := Rule{&ruleEntry{id: id, severity: sev, enforces: enforces, firesWhen: firesWhen, origin: origin, side: origin.side()}}
	catalogue.index[id] = r
	catalogue.rules = append(catalogue.rules, r)
	return r
}

// side is the party the findings of an origin's rules blame. What the
// engine finds in a request, and in a delivery conformance receive takes
// (the notifier's request), is the sender's; everything else an exchange
// shows is the server's.
func (o Origin) side() Side {
	switch o {
	case OriginRequest, OriginReceive:
		return SideRequest
	case OriginSpec:
		return ""
	}
	return SideResponse
}

// rank orders origins in a listing: what the engine judges first, then
// the notes on the document, then the front ends' own rules.
func (o Origin) rank() int {
	switch o {
	case OriginResponse:
		return 0
	case OriginRequest:
		return 1
	case OriginSpec:
		return 2
	case OriginRun:
		return 3
	case OriginProxy:
		return 4
	case OriginReceive:
		return 5
	}
	return 6
}

// Rules lists every declared rule, of every layer linked into the program,
// by origin and then by id: the order does not depend on which package
// declared its rules first.
func Rules() []Rule {
	catalogue.RLock()
	out := slices.Clone(catalogue.rules)
	catalogue.RUnlock()
	slices.SortFunc(out, func(a, b Rule) int {
		if c := cmp.Compare(a.e.origin.rank(), b.e.origin.rank()); c != 0 {
			return c
		}
		return strings.Compare(a.e.id, b.e.id)
	})
	return out
}

// RuleByID returns the declared rule of an id, for what reads ids back:
// reports, baselines.
func RuleByID(id string) (Rule, bool) {
	catalogue.RLock()
	r, ok := catalogue.index[id]
	catalogue.RUnlock()
	return r, ok
}

// NewFinding returns a finding of rule with the catalogue's severity and
// side.
func NewFinding(rule Rule, pointer, message, expected, actual string) Finding {
	return Finding{Rule: rule, Severity: rule.Severity(), Side: rule.Side(), Pointer: pointer, Message: message, Expected: expected, Actual: actual}
}

// AsNote is the finding as a note: for a check that could not be carried
// to its end (a list not walked to its last page, a secret not echoed), so
// that it is told but fails nothing.
func (f Finding) AsNote() Finding {
	f.Severity = SeverityInfo
	return f
}

// RulesMarkdown renders every declared rule as a Markdown table, the one
// docs/rules.md shows.
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("| rule | severity | from | fires when | enforces |\n|---|---|---|---|---|\n")
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	for _, r := range Rules() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID(), r.Severity(), r.Origin(), cell.Replace(r.FiresWhen()), cell.Replace(r.Enforces()))
	}
	return b.String()
}
