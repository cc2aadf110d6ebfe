package generate

import "github.com/webex-conformance/webhooks/conformance"

// The rules of generated requests, for any document: what the answer to a
// request drawn from the spec says of the API's behaviour (Judge). A
// generated request whose answer is 5xx or 429 is
// conformance.RuleBehaviorNotJudged.
var (
	RuleInvalidAccepted = conformance.Declare(conformance.OriginRun, "behavior.invalid-accepted", conformance.SeverityError, "operation.parameters, operation.requestBody (schemas, required, media types); responses 4xx", "a generated request the spec calls invalid (one parameter or property broken) is not refused with a 4xx; the finding names the location and the value")
	RuleValidRefused    = conformance.Declare(conformance.OriginRun, "behavior.valid-refused", conformance.SeverityError, "operation.parameters, operation.requestBody; responses 2xx", "a generated request the spec calls valid is refused (400, 415, 422, ...); the finding names what the request held")
)
