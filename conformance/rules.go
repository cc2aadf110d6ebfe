package conformance

// Rule ids the engine reports of responses (request rules: rules_request.go).
// The runner adds pagination.* and behavior.*.
const (
	RuleOperationUnknown   = "operation.unknown"
	RuleStatusUndocumented = "status.undocumented"
	RuleContentType        = "content-type"
	RuleBodyJSON           = "body.json"
	RuleBodyEmpty          = "body.empty"
	RuleBodyLimit          = "body.limit"
	RuleBodyDepth          = "body.depth"
	RuleBodyType           = "body.type"
	RuleBodyRequired       = "body.required"
	RuleBodyFormat         = "body.format"
	RuleBodyEnum           = "body.enum"
	RuleBodyUndocumented   = "body.undocumented"
	RuleBodyAdditional     = "body.additional"
	RuleBodyConstraint     = "body.constraint"
	RuleBodyDuplicate      = "body.duplicate"
	RuleBodyBudget         = "body.budget"
	RuleHeaderRequired     = "header.required"
	RuleHeaderFormat       = "header.format"
	RuleHeaderEnum         = "header.enum"
	RuleEngineInternal     = "engine.internal"

	// The proxy's, for exchanges it could not judge completely.
	RuleProxyUpstreamTruncated = "proxy.upstream-truncated"
	RuleProxyFindingsCapped    = "proxy.findings-capped"
)

// Rule describes one rule of the engine.
type Rule struct {
	ID       string
	Severity Severity
	// Enforces names the part of the OpenAPI document (or the RFC) the
	// rule holds a response to.
	Enforces  string
	FiresWhen string
}

var rules = append([]Rule{
	{RuleOperationUnknown, SeverityError, "paths.{path}.{method}", "no documented operation matches the request's method and path"},
	{RuleStatusUndocumented, SeverityError, "operation.responses", "the status code is not documented for the operation (nor by a range or default)"},
	{RuleContentType, SeverityError, "response.content.{media type}", "a body has no Content-Type, or one the response does not document, or a JSON charset other than UTF-8"},
	{RuleBodyJSON, SeverityError, "response.content.application/json (RFC 8259)", "the body is not valid JSON: malformed, truncated, invalid UTF-8, or empty where a body is documented"},
	{RuleBodyEmpty, SeverityError, "response without content (e.g. 204)", "a body is present where the response documents none"},
	{RuleBodyLimit, SeverityError, "engine limit WithMaxBodyBytes", "the body is larger than the size cap; it is not judged further"},
	{RuleBodyDepth, SeverityError, "engine limit WithMaxDepth", "the JSON nests deeper than the nesting cap; it is not judged further"},
	{RuleBodyType, SeverityError, "schema.type, schema.nullable", "a value has the wrong JSON type, is null where not nullable, or is a number no float64 holds"},
	{RuleBodyRequired, SeverityError, "schema.required", "a required property is missing"},
	{RuleBodyFormat, SeverityError, "schema.format", "a date-time (RFC 3339, time zone required), date, uri (absolute), byte or int32/int64 value is malformed"},
	{RuleBodyEnum, SeverityDrift, "schema.enum", "a value is not one of the documented enum values"},
	{RuleBodyUndocumented, SeverityDrift, "schema.properties", "an object has a property its schema does not declare (at any depth)"},
	{RuleBodyAdditional, SeverityError, "schema.additionalProperties: false", "an object has a property its schema forbids"},
	{RuleBodyConstraint, SeverityError, "schema minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, allOf/oneOf/anyOf/not, ...", "a value breaks another schema constraint"},
	{RuleBodyDuplicate, SeverityError, "schema.properties (RFC 8259 section 4)", "a declared property appears twice in one object: parsers disagree on which value wins"},
	{RuleBodyBudget, SeverityError, "engine bound on work per body (proportional to its size)", "the schema (recursive allOf/oneOf/anyOf) is too expensive to judge the body completely; the part not reached is not judged"},
	{RuleHeaderRequired, SeverityError, "response.headers.{name}.required", "a required header is absent"},
	{RuleHeaderFormat, SeverityError, "response.headers.{name}.schema; RFC 9110 10.2.3 (Retry-After), RFC 8288 (Link)", "a header value is ill-formed: a Retry-After or Link anywhere, or any header against its documented schema type"},
	{RuleHeaderEnum, SeverityDrift, "response.headers.{name}.schema.enum", "a header value is not one of the documented enum values"},
	{RuleEngineInternal, SeverityError, "-", "the engine itself failed on a response (a bug: please report it with the response)"},
	{RuleProxyUpstreamTruncated, SeverityError, "RFC 9112 section 6 (message body length)", "the upstream's body ended before its Content-Length or last chunk; the client's connection was aborted and the partial body not judged"},
	{RuleProxyFindingsCapped, SeverityInfo, "proxy bound: 50 kinds of finding per case", "a case of a long proxy run met more kinds of finding than it keeps; the rest are counted"},

	// Notes on the document itself (Engine.SpecNotes, conformance lint).
	{RuleSpecExample, SeverityInfo, "example, examples (OpenAPI 3.0.3: SHOULD match the schema)", "an example does not match its schema"},
	{RuleSpecDefault, SeverityInfo, "schema.default", "a default value does not match its schema"},
	{RuleSpecName, SeverityInfo, "components.{type}.{name} (^[a-zA-Z0-9.\\-_]+$)", "a component name has characters OpenAPI does not allow (spaces, ...)"},
	{RuleSpecOperationID, SeverityInfo, "operation.operationId (unique)", "two operations share an operationId; the later one is known by its method and path"},
	{RuleSpecPattern, SeverityInfo, "schema.pattern (ECMA-262)", "a pattern is not a regular expression the engine can run (lookaround, backreferences); it is not checked"},
	{RuleSpecResponse, SeverityInfo, "operation.responses", "a response key is not a status, a status range or default; it is ignored"},
	{RuleSpecServer, SeverityInfo, "servers.url", "a server URL has no readable path; operations are matched from /"},
	{RuleSpecInvalid, SeverityInfo, "OpenAPI 3.0.3", "anything else kin-openapi's document validation finds wrong"},
}, requestRules...)

// Rules lists every rule the engine applies, in a stable order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

var ruleSeverity = func() map[string]Severity {
	m := make(map[string]Severity, len(rules))
	for _, r := range rules {
		m[r.ID] = r.Severity
	}
	return m
}()
