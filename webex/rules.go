package webex

import "github.com/webex-conformance/webhooks/conformance"

// The Webex layer's rules, declared in the generic catalogue
// (conformance.Declare) so that conformance.Rules(), the CLI's
// `conformance rules` and docs/rules.md list them beside the engine's.

// What conformance run's suite checks beyond the shape of each answer:
// that the Webex webhooks API behaves as its operations say.
var (
	RuleBehaviorUnknownID          = conformance.Declare(conformance.OriginRun, "behavior.unknown-id", conformance.SeverityError, "getWebhookDetails responses.404", "an unknown webhook id is not answered 404")
	RuleBehaviorNoToken            = conformance.Declare(conformance.OriginRun, "behavior.no-token", conformance.SeverityError, "security bearerAuth, responses.401", "a request without a token is not refused with 401")
	RuleBehaviorBadToken           = conformance.Declare(conformance.OriginRun, "behavior.bad-token", conformance.SeverityError, "security bearerAuth, responses.401", "a request with an invalid token is not refused with 401")
	RuleBehaviorMethodNotAllowed   = conformance.Declare(conformance.OriginRun, "behavior.method-not-allowed", conformance.SeverityError, "paths.{path} methods (RFC 9110 15.5.6)", "a method the path does not have is not answered 405")
	RuleBehaviorListedNotFound     = conformance.Declare(conformance.OriginRun, "behavior.listed-not-found", conformance.SeverityError, "listWebhooks, getWebhookDetails", "a webhook the list returned cannot be fetched")
	RuleBehaviorIDMismatch         = conformance.Declare(conformance.OriginRun, "behavior.id-mismatch", conformance.SeverityError, "getWebhookDetails path parameter webhookId", "a fetched webhook has another id than the one asked for")
	RuleBehaviorCreateFailed       = conformance.Declare(conformance.OriginRun, "behavior.create-failed", conformance.SeverityError, "createWebhook responses.200", "a valid create is refused (no 2xx) or answered without a webhook; a 2xx the spec does not document is status.undocumented")
	RuleBehaviorCreateEcho         = conformance.Declare(conformance.OriginRun, "behavior.create-echo", conformance.SeverityError, "createWebhook requestBody, responses.200", "the created webhook does not hold the name, targetUrl, resource, event or filter it was created with")
	RuleBehaviorCreatedNotFound    = conformance.Declare(conformance.OriginRun, "behavior.created-not-found", conformance.SeverityError, "getWebhookDetails responses.200", "a created (or updated) webhook cannot be fetched")
	RuleBehaviorCreatedNotListed   = conformance.Declare(conformance.OriginRun, "behavior.created-not-listed", conformance.SeverityError, "listWebhooks", "the created webhook is on no page of the list (a note when the list was not walked to its end)")
	RuleBehaviorUpdateFailed       = conformance.Declare(conformance.OriginRun, "behavior.update-failed", conformance.SeverityError, "updateWebhook responses.200", "a valid update is not answered 200 with the webhook")
	RuleBehaviorUpdateNotApplied   = conformance.Declare(conformance.OriginRun, "behavior.update-not-applied", conformance.SeverityError, "updateWebhook requestBody", "an update of the name or targetUrl did not stick")
	RuleBehaviorSecretEcho         = conformance.Declare(conformance.OriginRun, "behavior.secret-echo", conformance.SeverityError, "createWebhook, updateWebhook secret", "the echoed secret differs from the one sent, compared by SHA-256 (a note when none is echoed)")
	RuleBehaviorBadCreateAccepted  = conformance.Declare(conformance.OriginRun, "behavior.bad-create-accepted", conformance.SeverityError, "createWebhook responses.400", "an invalid create is not refused with 400")
	RuleBehaviorDeleteFailed       = conformance.Declare(conformance.OriginRun, "behavior.delete-failed", conformance.SeverityError, "deleteWebhook responses.204", "deleting a webhook is refused (no 2xx); a 2xx the spec does not document is status.undocumented")
	RuleBehaviorDeletedStillFound  = conformance.Declare(conformance.OriginRun, "behavior.deleted-still-found", conformance.SeverityError, "getWebhookDetails responses.404", "a deleted webhook can still be fetched")
	RuleBehaviorDeletedStillListed = conformance.Declare(conformance.OriginRun, "behavior.deleted-still-listed", conformance.SeverityError, "listWebhooks", "a deleted webhook is still listed")
	RuleBehaviorPhantomCreate      = conformance.Declare(conformance.OriginRun, "behavior.phantom-create", conformance.SeverityError, "createWebhook, updateWebhook", "a webhook named with the run's id exists that no answer handed over (a note when the write that sent its name failed on the server)")
	RuleBehaviorLeftBehind         = conformance.Declare(conformance.OriginRun, "behavior.left-behind", conformance.SeverityError, "deleteWebhook", "a webhook the run made could not be deleted; the case carries the command that deletes it")
)

// What the suite checks of listWebhooks' pages.
var (
	RulePaginationMaxExceeded  = conformance.Declare(conformance.OriginRun, "pagination.max-exceeded", conformance.SeverityError, "listWebhooks parameter max", "a page holds more webhooks than max asked for")
	RulePaginationNextMissing  = conformance.Declare(conformance.OriginRun, "pagination.next-missing", conformance.SeverityError, "listWebhooks header Link (RFC 8288)", "a full page has no next link though more webhooks exist")
	RulePaginationHostChanged  = conformance.Declare(conformance.OriginRun, "pagination.host-changed", conformance.SeverityError, "listWebhooks header Link (RFC 8288)", "the next link leaves the target's scheme and host; it is not followed, so the token stays with the target")
	RulePaginationPathChanged  = conformance.Declare(conformance.OriginRun, "pagination.path-changed", conformance.SeverityError, "listWebhooks header Link (RFC 8288)", "the next link points at another path than the list")
	RulePaginationMaxDropped   = conformance.Declare(conformance.OriginRun, "pagination.max-dropped", conformance.SeverityError, "listWebhooks parameter max, header Link", "the next link drops or changes max")
	RulePaginationQueryDropped = conformance.Declare(conformance.OriginRun, "pagination.query-dropped", conformance.SeverityError, "listWebhooks parameter ownedBy, header Link", "the next link drops or changes ownedBy")
	RulePaginationLoop         = conformance.Declare(conformance.OriginRun, "pagination.loop", conformance.SeverityError, "listWebhooks header Link (RFC 8288)", "the next link points at a page already visited")
)

// conformance receive's own finding on a Webex delivery; the envelope is
// judged by the request rules.
var (
	RuleNotificationSignature = conformance.Declare(conformance.OriginReceive, "notification.signature", conformance.SeverityError, "createWebhook callbacks.notification header X-Spark-Signature (HMAC-SHA1, RFC 2104)", "a delivery's X-Spark-Signature is missing, malformed (not 40 lower-case hex digits), repeated, or not the HMAC-SHA1 of the body keyed with the webhook's secret")
)
