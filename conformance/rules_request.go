package conformance

// Rule ids of the request rules: what a client sends, judged against the
// operation it calls. A client that breaks one of these gets a 400 (or a
// 401, a 415) from the API, so all are errors but the undocumented body
// property, which the API may simply not know yet.
const (
	RuleRequestParameter        = "request.parameter"
	RuleRequestSecurity         = "request.security"
	RuleRequestContentType      = "request.content-type"
	RuleRequestBodyMissing      = "request.body.missing"
	RuleRequestBodyEmpty        = "request.body.empty"
	RuleRequestBodyJSON         = "request.body.json"
	RuleRequestBodyLimit        = "request.body.limit"
	RuleRequestBodyDepth        = "request.body.depth"
	RuleRequestBodyType         = "request.body.type"
	RuleRequestBodyRequired     = "request.body.required"
	RuleRequestBodyFormat       = "request.body.format"
	RuleRequestBodyEnum         = "request.body.enum"
	RuleRequestBodyUndocumented = "request.body.undocumented"
	RuleRequestBodyAdditional   = "request.body.additional"
	RuleRequestBodyConstraint   = "request.body.constraint"
	RuleRequestBodyDuplicate    = "request.body.duplicate"
	// RuleRequestUnjudged is a note from readers of recordings: the
	// request could not be judged (its body was not recorded).
	RuleRequestUnjudged = "request.unjudged"
)

var requestRules = []Rule{
	{RuleRequestParameter, SeverityError, "operation.parameters (path, query, header, cookie): required, schema, style, explode",
		"a required parameter is absent, or a parameter's value breaks its schema (type, minimum, maximum, enum, format, length) or is given more than once where the schema takes one value"},
	{RuleRequestSecurity, SeverityError, "operation.security (or the top-level security), components.securitySchemes",
		"the request carries none of the credentials the operation's security requirement asks for (for example no Authorization: Bearer token)"},
	{RuleRequestContentType, SeverityError, "operation.requestBody.content.{media type}",
		"a request body has no Content-Type, or one the operation does not document, or a JSON charset other than UTF-8"},
	{RuleRequestBodyMissing, SeverityError, "operation.requestBody.required", "the operation requires a body and the request has none"},
	{RuleRequestBodyEmpty, SeverityError, "operation without requestBody", "a request body is sent to an operation that documents none"},
	{RuleRequestBodyJSON, SeverityError, "operation.requestBody.content.application/json (RFC 8259)",
		"the request body is not valid JSON: malformed, truncated or invalid UTF-8"},
	{RuleRequestBodyLimit, SeverityError, "engine limit WithMaxBodyBytes", "the request body is larger than the size cap; it is not judged further"},
	{RuleRequestBodyDepth, SeverityError, "engine limit WithMaxDepth", "the request JSON nests deeper than the nesting cap; it is not judged further"},
	{RuleRequestBodyType, SeverityError, "requestBody schema.type, schema.nullable",
		"a value of the request body has the wrong JSON type or is null where not nullable"},
	{RuleRequestBodyRequired, SeverityError, "requestBody schema.required", "a required property of the request body is missing"},
	{RuleRequestBodyFormat, SeverityError, "requestBody schema.format", "a date-time, date, uri, byte or int32/int64 value of the request body is malformed"},
	{RuleRequestBodyEnum, SeverityError, "requestBody schema.enum",
		"a value of the request body is not one of the documented enum values (the API refuses it)"},
	{RuleRequestBodyUndocumented, SeverityDrift, "requestBody schema.properties", "the request body has a property its schema does not declare (at any depth)"},
	{RuleRequestBodyAdditional, SeverityError, "requestBody schema.additionalProperties: false", "the request body has a property its schema forbids"},
	{RuleRequestBodyConstraint, SeverityError, "requestBody schema minLength, maxLength, minimum, maximum, minItems, maxItems, pattern, allOf/oneOf/anyOf/not, ...",
		"a value of the request body breaks another schema constraint"},
	{RuleRequestBodyDuplicate, SeverityError, "requestBody schema.properties (RFC 8259 section 4)",
		"a declared property appears twice in one object of the request body"},
	{RuleRequestUnjudged, SeverityInfo, "HAR 1.2 request.postData", "a recorded request could not be judged: its body was not saved, or saved in an encoding other than base64; its response still is"},
}

// requestBodyRule maps a body rule found in a request body to its request
// rule.
var requestBodyRule = map[string]string{
	RuleBodyJSON:         RuleRequestBodyJSON,
	RuleBodyLimit:        RuleRequestBodyLimit,
	RuleBodyDepth:        RuleRequestBodyDepth,
	RuleBodyType:         RuleRequestBodyType,
	RuleBodyRequired:     RuleRequestBodyRequired,
	RuleBodyFormat:       RuleRequestBodyFormat,
	RuleBodyEnum:         RuleRequestBodyEnum,
	RuleBodyUndocumented: RuleRequestBodyUndocumented,
	RuleBodyAdditional:   RuleRequestBodyAdditional,
	RuleBodyConstraint:   RuleRequestBodyConstraint,
	RuleBodyDuplicate:    RuleRequestBodyDuplicate,
}
