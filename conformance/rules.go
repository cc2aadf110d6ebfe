package conformance

import (
	"fmt"
	"strings"
)

// Rule describes one rule the project can emit: the engine judging a
// response or a request, a note on the spec, a behaviour the run checks, a
// proxy's own finding.
type Rule struct {
	ID       string
	Severity Severity
	// Enforces names the part of the OpenAPI document, the RFC or the
	// bound the rule holds traffic to.
	Enforces string
	// FiresWhen says in one line what makes the rule fire.
	FiresWhen string
	// Origin says what emits it.
	Origin Origin
	// Side is the party its findings blame; empty for the notes on the
	// document (spec.*), which blame neither.
	Side Side
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

// The catalogue: every rule id the project emits, each declared once, here,
// with its severity, what it enforces and when it fires. A finding is made
// with NewFinding from one of these ids; a test fails for an id emitted
// anywhere in the code that is not declared here, and for a rule table in
// docs/rules.md that does not match (go test ./conformance -run
// TestDocsRuleTable -update-docs rewrites it).
var (
	RuleOperationUnknown   = declare(OriginRequest, "operation.unknown", SeverityError, "paths.{path}.{method}", "no documented operation matches the request's method and path")
	RuleStatusUndocumented = declare(OriginResponse, "status.undocumented", SeverityError, "operation.responses", "the status code is not documented for the operation (nor by a range or default)")
	RuleContentType        = declare(OriginResponse, "content-type", SeverityError, "response.content.{media type}", "a body has no Content-Type, or one the response does not document, or a JSON charset other than UTF-8")
	RuleBodyJSON           = declare(OriginResponse, "body.json", SeverityError, "response.content.application/json (RFC 8259)", "the body is not valid JSON: malformed, truncated, invalid UTF-8, or empty where a body is documented")
	RuleBodyEmpty          = declare(OriginResponse, "body.empty", SeverityError, "response without content (e.g. 204)", "a body is present where the response documents none")
	RuleBodyLimit          = declare(OriginResponse, "body.limit", SeverityError, "engine limit WithMaxBodyBytes", "the body is larger than the size cap; it is not judged further")
	RuleBodyDepth          = declare(OriginResponse, "body.depth", SeverityError, "engine limit WithMaxDepth", "the JSON nests deeper than the nesting cap; it is not judged further")
	RuleBodyType           = declare(OriginResponse, "body.type", SeverityError, "schema.type (3.1: a type list, \"null\" among them), schema.nullable (3.0)", "a value has the wrong JSON type, is null where not nullable, or is a number no float64 holds")
	RuleBodyRequired       = declare(OriginResponse, "body.required", SeverityError, "schema.required", "a required property is missing")
	RuleBodyFormat         = declare(OriginResponse, "body.format", SeverityError, "schema.format; 3.1: contentEncoding, contentMediaType (asserted unless WithFormatAnnotations)", "a date-time (RFC 3339, time zone required), date, uri (absolute), byte or int32/int64 value is malformed")
	RuleBodyEnum           = declare(OriginResponse, "body.enum", SeverityDrift, "schema.enum", "a value is not one of the documented enum values")
	RuleBodyUndocumented   = declare(OriginResponse, "body.undocumented", SeverityDrift, "schema.properties", "an object has a property its schema does not declare (at any depth)")
	RuleBodyAdditional     = declare(OriginResponse, "body.additional", SeverityError, "schema.additionalProperties: false; 3.1: unevaluatedProperties: false", "an object has a property its schema forbids")
	RuleBodyConstraint     = declare(OriginResponse, "body.constraint", SeverityError, "schema minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, allOf/oneOf/anyOf/not, ...; 3.1: const, exclusiveMinimum/Maximum, prefixItems, contains, if/then/else, dependentRequired, propertyNames, unevaluatedItems, false", "a value breaks another schema constraint")
	RuleBodyDuplicate      = declare(OriginResponse, "body.duplicate", SeverityError, "schema.properties (RFC 8259 section 4)", "a declared property appears twice in one object: parsers disagree on which value wins")
	RuleBodyBudget         = declare(OriginResponse, "body.budget", SeverityError, "engine bound on work per body (proportional to its size)", "the schema (recursive allOf/oneOf/anyOf) is too expensive to judge the body completely; the part not reached is not judged")
	RuleHeaderRequired     = declare(OriginResponse, "header.required", SeverityError, "response.headers.{name}.required", "a required header is absent")
	RuleHeaderFormat       = declare(OriginResponse, "header.format", SeverityError, "response.headers.{name}.schema; RFC 9110 10.2.3 (Retry-After), RFC 8288 (Link)", "a header value is ill-formed: a Retry-After or Link anywhere, or any header against its documented schema type")
	RuleHeaderEnum         = declare(OriginResponse, "header.enum", SeverityDrift, "response.headers.{name}.schema.enum", "a header value is not one of the documented enum values")
	RuleFindingsCapped     = declare(OriginResponse, "findings.capped", SeverityInfo, "engine bound: 20 findings of a rule per body", "a body breaks one rule more than 20 times; the first 20 are kept and the rest counted, so that one response cannot make a huge report")
	RuleEngineInternal     = declare(OriginResponse, "engine.internal", SeverityError, "-", "the engine itself failed on a response (a bug: please report it with the response)")

	// What a client sends, judged against the operation it calls. A client
	// that breaks one of these gets a 400 (or a 401, a 415) from the API,
	// so all are errors but the undocumented body property, which the API
	// may simply not know yet.
	RuleRequestParameter        = declare(OriginRequest, "request.parameter", SeverityError, "operation.parameters (path, query, header, cookie): required, schema, style, explode", "a required parameter is absent, or a parameter's value breaks its schema (type, minimum, maximum, enum, format, length) or is given more than once where the schema takes one value")
	RuleRequestSecurity         = declare(OriginRequest, "request.security", SeverityError, "operation.security (or the top-level security), components.securitySchemes", "the request carries none of the credentials the operation's security requirement asks for (for example no Authorization: Bearer token)")
	RuleRequestContentType      = declare(OriginRequest, "request.content-type", SeverityError, "operation.requestBody.content.{media type}", "a request body has no Content-Type, or one the operation does not document, or a JSON charset other than UTF-8")
	RuleRequestBodyMissing      = declare(OriginRequest, "request.body.missing", SeverityError, "operation.requestBody.required", "the operation requires a body and the request has none")
	RuleRequestBodyEmpty        = declare(OriginRequest, "request.body.empty", SeverityError, "operation without requestBody", "a request body is sent to an operation that documents none")
	RuleRequestBodyJSON         = declare(OriginRequest, "request.body.json", SeverityError, "operation.requestBody.content.application/json (RFC 8259)", "the request body is not valid JSON: malformed, truncated or invalid UTF-8")
	RuleRequestBodyLimit        = declare(OriginRequest, "request.body.limit", SeverityError, "engine limit WithMaxBodyBytes", "the request body is larger than the size cap; it is not judged further")
	RuleRequestBodyDepth        = declare(OriginRequest, "request.body.depth", SeverityError, "engine limit WithMaxDepth", "the request JSON nests deeper than the nesting cap; it is not judged further")
	RuleRequestBodyType         = declare(OriginRequest, "request.body.type", SeverityError, "requestBody schema.type, schema.nullable", "a value of the request body has the wrong JSON type or is null where not nullable")
	RuleRequestBodyRequired     = declare(OriginRequest, "request.body.required", SeverityError, "requestBody schema.required", "a required property of the request body is missing")
	RuleRequestBodyFormat       = declare(OriginRequest, "request.body.format", SeverityError, "requestBody schema.format", "a date-time, date, uri, byte or int32/int64 value of the request body is malformed")
	RuleRequestBodyEnum         = declare(OriginRequest, "request.body.enum", SeverityError, "requestBody schema.enum", "a value of the request body is not one of the documented enum values (the API refuses it)")
	RuleRequestBodyUndocumented = declare(OriginRequest, "request.body.undocumented", SeverityDrift, "requestBody schema.properties", "the request body has a property its schema does not declare (at any depth)")
	RuleRequestBodyAdditional   = declare(OriginRequest, "request.body.additional", SeverityError, "requestBody schema.additionalProperties: false", "the request body has a property its schema forbids")
	RuleRequestBodyConstraint   = declare(OriginRequest, "request.body.constraint", SeverityError, "requestBody schema minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, allOf/oneOf/anyOf/not, ...", "a value of the request body breaks another schema constraint")
	RuleRequestBodyDuplicate    = declare(OriginRequest, "request.body.duplicate", SeverityError, "requestBody schema.properties (RFC 8259 section 4)", "a declared property appears twice in one object of the request body")
	RuleRequestBodyBudget       = declare(OriginRequest, "request.body.budget", SeverityError, "engine bound on work per body (proportional to its size)", "the request body's schema is too expensive to judge it completely; the part not reached is not judged")
	RuleRequestUnjudged         = declare(OriginRequest, "request.unjudged", SeverityInfo, "HAR 1.2 request.postData", "a recorded request could not be judged: its body was not saved, or saved in an encoding other than base64; its response still is")

	// Notes on the document itself (Engine.SpecNotes, conformance lint). A
	// note never stops the engine from judging traffic.
	RuleSpecExample     = declare(OriginSpec, "spec.example", SeverityInfo, "example, examples (OpenAPI 3.0.3: SHOULD match the schema)", "an example does not match its schema")
	RuleSpecDefault     = declare(OriginSpec, "spec.default", SeverityInfo, "schema.default", "a default value does not match its schema")
	RuleSpecName        = declare(OriginSpec, "spec.name", SeverityInfo, "components.{type}.{name} (^[a-zA-Z0-9.\\-_]+$)", "a component name has characters OpenAPI does not allow (spaces, ...)")
	RuleSpecOperationID = declare(OriginSpec, "spec.operation-id", SeverityInfo, "operation.operationId (unique)", "two operations share an operationId; the later one is known by its method and path")
	RuleSpecPattern     = declare(OriginSpec, "spec.pattern", SeverityInfo, "schema.pattern (ECMA-262)", "a pattern is not a regular expression the engine can run (lookaround, backreferences); it is not checked")
	RuleSpecResponse    = declare(OriginSpec, "spec.response", SeverityInfo, "operation.responses", "a response key is not a status, a status range or default; it is ignored")
	RuleSpecServer      = declare(OriginSpec, "spec.server", SeverityInfo, "servers.url", "a server URL has no readable path; operations are matched from /")
	RuleSpecKeyword     = declare(OriginSpec, "spec.keyword", SeverityInfo, "OpenAPI 3.1 Schema Object (JSON Schema 2020-12)", "a 3.1 document uses a 3.0 keyword that means nothing there (nullable, a boolean exclusiveMinimum or exclusiveMaximum); the engine ignores it")
	RuleSpecInvalid     = declare(OriginSpec, "spec.invalid", SeverityInfo, "OpenAPI 3.0.3, 3.1", "anything else kin-openapi's document validation finds wrong")

	// What conformance run checks beyond the shape of each answer: that
	// the target behaves as the operations say.
	RuleBehaviorNotJudged          = declare(OriginRun, "behavior.not-judged", SeverityInfo, "-", "the server answered 5xx or 429 (after retries), so the behaviour could not be checked; the engine still judged the answer")
	RuleBehaviorUnknownID          = declare(OriginRun, "behavior.unknown-id", SeverityError, "getWebhookDetails responses.404", "an unknown webhook id is not answered 404")
	RuleBehaviorNoToken            = declare(OriginRun, "behavior.no-token", SeverityError, "security bearerAuth, responses.401", "a request without a token is not refused with 401")
	RuleBehaviorBadToken           = declare(OriginRun, "behavior.bad-token", SeverityError, "security bearerAuth, responses.401", "a request with an invalid token is not refused with 401")
	RuleBehaviorMethodNotAllowed   = declare(OriginRun, "behavior.method-not-allowed", SeverityError, "paths.{path} methods (RFC 9110 15.5.6)", "a method the path does not have is not answered 405")
	RuleBehaviorListedNotFound     = declare(OriginRun, "behavior.listed-not-found", SeverityError, "listWebhooks, getWebhookDetails", "a webhook the list returned cannot be fetched")
	RuleBehaviorIDMismatch         = declare(OriginRun, "behavior.id-mismatch", SeverityError, "getWebhookDetails path parameter webhookId", "a fetched webhook has another id than the one asked for")
	RuleBehaviorCreateFailed       = declare(OriginRun, "behavior.create-failed", SeverityError, "createWebhook responses.200", "a valid create is refused (no 2xx) or answered without a webhook; a 2xx the spec does not document is status.undocumented")
	RuleBehaviorCreateEcho         = declare(OriginRun, "behavior.create-echo", SeverityError, "createWebhook requestBody, responses.200", "the created webhook does not hold the name, targetUrl, resource, event or filter it was created with")
	RuleBehaviorCreatedNotFound    = declare(OriginRun, "behavior.created-not-found", SeverityError, "getWebhookDetails responses.200", "a created (or updated) webhook cannot be fetched")
	RuleBehaviorCreatedNotListed   = declare(OriginRun, "behavior.created-not-listed", SeverityError, "listWebhooks", "the created webhook is on no page of the list (a note when the list was not walked to its end)")
	RuleBehaviorUpdateFailed       = declare(OriginRun, "behavior.update-failed", SeverityError, "updateWebhook responses.200", "a valid update is not answered 200 with the webhook")
	RuleBehaviorUpdateNotApplied   = declare(OriginRun, "behavior.update-not-applied", SeverityError, "updateWebhook requestBody", "an update of the name or targetUrl did not stick")
	RuleBehaviorSecretEcho         = declare(OriginRun, "behavior.secret-echo", SeverityError, "createWebhook, updateWebhook secret", "the echoed secret differs from the one sent, compared by SHA-256 (a note when none is echoed)")
	RuleBehaviorBadCreateAccepted  = declare(OriginRun, "behavior.bad-create-accepted", SeverityError, "createWebhook responses.400", "an invalid create is not refused with 400")
	RuleBehaviorDeleteFailed       = declare(OriginRun, "behavior.delete-failed", SeverityError, "deleteWebhook responses.204", "deleting a webhook is refused (no 2xx); a 2xx the spec does not document is status.undocumented")
	RuleBehaviorDeletedStillFound  = declare(OriginRun, "behavior.deleted-still-found", SeverityError, "getWebhookDetails responses.404", "a deleted webhook can still be fetched")
	RuleBehaviorDeletedStillListed = declare(OriginRun, "behavior.deleted-still-listed", SeverityError, "listWebhooks", "a deleted webhook is still listed")
	RuleBehaviorPhantomCreate      = declare(OriginRun, "behavior.phantom-create", SeverityError, "createWebhook, updateWebhook", "a webhook named with the run's id exists that no answer handed over (a note when the write that sent its name failed on the server)")
	RuleBehaviorLeftBehind         = declare(OriginRun, "behavior.left-behind", SeverityError, "deleteWebhook", "a webhook the run made could not be deleted; the case carries the command that deletes it")
	RuleBehaviorInvalidAccepted    = declare(OriginRun, "behavior.invalid-accepted", SeverityError, "operation.parameters, operation.requestBody (schemas, required, media types); responses 4xx", "a generated request the spec calls invalid (one parameter or property broken) is not refused with a 4xx; the finding names the location and the value")
	RuleBehaviorValidRefused       = declare(OriginRun, "behavior.valid-refused", SeverityError, "operation.parameters, operation.requestBody; responses 2xx", "a generated request the spec calls valid is refused (400, 415, 422, ...); the finding names what the request held")
	RulePaginationMaxExceeded      = declare(OriginRun, "pagination.max-exceeded", SeverityError, "listWebhooks parameter max", "a page holds more webhooks than max asked for")
	RulePaginationNextMissing      = declare(OriginRun, "pagination.next-missing", SeverityError, "listWebhooks header Link (RFC 8288)", "a full page has no next link though more webhooks exist")
	RulePaginationHostChanged      = declare(OriginRun, "pagination.host-changed", SeverityError, "listWebhooks header Link (RFC 8288)", "the next link leaves the target's scheme and host; it is not followed, so the token stays with the target")
	RulePaginationPathChanged      = declare(OriginRun, "pagination.path-changed", SeverityError, "listWebhooks header Link (RFC 8288)", "the next link points at another path than the list")
	RulePaginationMaxDropped       = declare(OriginRun, "pagination.max-dropped", SeverityError, "listWebhooks parameter max, header Link", "the next link drops or changes max")
	RulePaginationQueryDropped     = declare(OriginRun, "pagination.query-dropped", SeverityError, "listWebhooks parameter ownedBy, header Link", "the next link drops or changes ownedBy")
	RulePaginationLoop             = declare(OriginRun, "pagination.loop", SeverityError, "listWebhooks header Link (RFC 8288)", "the next link points at a page already visited")

	// The proxy's own findings.
	RuleProxyUpstreamTruncated = declare(OriginProxy, "proxy.upstream-truncated", SeverityError, "RFC 9112 section 6 (message body length)", "the upstream's body ended before its Content-Length or last chunk; the client's connection was aborted and the partial body not judged")
	RuleProxyFindingsCapped    = declare(OriginProxy, "proxy.findings-capped", SeverityInfo, "proxy bound: 50 kinds of finding per case", "a case of a long proxy run met more kinds of finding than it keeps; the rest are counted")

	// conformance receive's own finding; the envelope is judged by the request rules.
	RuleNotificationSignature = declare(OriginReceive, "notification.signature", SeverityError, "createWebhook callbacks.notification header X-Spark-Signature (HMAC-SHA1, RFC 2104)", "a delivery's X-Spark-Signature is missing, malformed (not 40 lower-case hex digits), repeated, or not the HMAC-SHA1 of the body keyed with the webhook's secret")
)

var (
	rules     []Rule
	ruleIndex = map[string]int{}
	// ruleSeverity is each rule's severity, for the engine's findings.
	ruleSeverity = map[string]Severity{}
	// ruleSide is the side each rule's findings blame.
	ruleSide = map[string]Side{}
)

// declare adds a rule to the catalogue and returns its id. Declaring an
// id twice is a mistake in this file and stops the program at once.
func declare(origin Origin, id string, sev Severity, enforces, firesWhen string) string {
	if _, dup := ruleIndex[id]; dup {
		panic("conformance: rule " + id + " declared twice")
	}
	ruleIndex[id] = len(rules)
	ruleSeverity[id] = sev
	side := origin.side()
	ruleSide[id] = side
	rules = append(rules, Rule{ID: id, Severity: sev, Enforces: enforces, FiresWhen: firesWhen, Origin: origin, Side: side})
	return id
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

// Rules lists every rule the project can emit, in catalogue order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// RuleByID returns the catalogue's entry for id.
func RuleByID(id string) (Rule, bool) {
	i, ok := ruleIndex[id]
	if !ok {
		return Rule{}, false
	}
	return rules[i], true
}

// NewFinding returns a finding of the rule id with the catalogue's
// severity. It panics for an id the catalogue lacks: a rule is declared
// before anything emits it.
func NewFinding(id, pointer, message, expected, actual string) Finding {
	r, ok := RuleByID(id)
	if !ok {
		panic(fmt.Sprintf("conformance: rule %q is not in the catalogue (rules.go)", id))
	}
	return Finding{Rule: r.ID, Severity: r.Severity, Side: r.Side, Pointer: pointer, Message: message, Expected: expected, Actual: actual}
}

// AsNote is the finding as a note: for a check that could not be carried
// to its end (a list not walked to its last page, a secret not echoed), so
// that it is told but fails nothing.
func (f Finding) AsNote() Finding {
	f.Severity = SeverityInfo
	return f
}

// RulesMarkdown renders the catalogue as a Markdown table, the one
// docs/rules.md shows.
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("| rule | severity | from | fires when | enforces |\n|---|---|---|---|---|\n")
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	for _, r := range rules {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, r.Severity, r.Origin, cell.Replace(r.FiresWhen), cell.Replace(r.Enforces))
	}
	return b.String()
}
