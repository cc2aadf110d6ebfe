// Package mock is a stateful, in-memory fake of the Webex webhooks API, fast
// and strict enough to sit in every unit test of a Webex client.
//
// In a test, with package mock/mocktest:
//
//	ts := mocktest.NewServer(t) // ts.URL is the base URL (…/v1), ts.Token a valid token
//
// As a handler of one's own:
//
//	srv := httptest.NewServer(mock.New(mock.WithTokens("t"))) // the API under srv.URL + mock.BasePath
//
// As a process: conformance serve --listen 127.0.0.1:8080.
//
// It serves the five operations of the spec (list, create, get details,
// update, delete webhooks) under /v1 and behaves like Webex, also when
// things go wrong:
//
//   - Bearer auth: 401 without a valid token. Each token is its own caller,
//     who lists and reads its own webhooks and the org-wide ones.
//   - Validation as the service does it: 400 naming the field for a missing
//     or empty required field, a wrong type, null for an optional field, a
//     property given twice, an unknown resource or event, a targetUrl that
//     is not an absolute http(s) URL, an ownedBy other than org, an update
//     status other than active, a repeated or bad max or ownedBy, a body on
//     list, get or delete, broken JSON; 415 for a body that is not
//     application/json in UTF-8; 404 for an unknown id or path; 405 (with
//     Allow) for a method the path does not have. Create answers 200.
//     Behind these checks the engine's request rules refuse whatever else
//     the spec forbids, so the mock accepts no request the engine judges an
//     error.
//   - Webex-like ids (base64 of ciscospark://us/WEBHOOK/<uuid>), created in
//     RFC 3339 UTC with milliseconds, orgId, createdBy and appId filled, the
//     secret echoed.
//   - List: creation order, max (capped at the page limit, 100 by default),
//     ownedBy=org, and an absolute Link rel="next" built from the request's
//     host that keeps every query parameter.
//   - A TrackingID header on every response (the client's own, when it sent
//     a plain one), and Webex error bodies: {message, errors:[{description}],
//     trackingId}.
//   - Faults on demand (WithFaults, ParseFault): a share of the requests
//     answered 429 with Retry-After, 500, 503, ..., or delayed.
//   - Bounded: at most DefaultMaxWebhooks webhooks (409 beyond) and request
//     bodies of at most DefaultMaxBodyBytes (400 beyond); see the options.
//   - Notifications: Server.Emit (and POST /_mock/events, outside /v1,
//     authorized like the API) delivers an Event to every active webhook
//     it matches (resource, event, the `all` firehose, the key=value
//     filter), POSTing the envelope signed with the webhook's secret, at
//     most DefaultDeliveryConcurrency at once, each within the delivery
//     timeout, without holding up API requests. Failed deliveries (non-2xx,
//     unreachable, timed out) are counted per webhook in a sliding window:
//     100 within five minutes set its status to inactive (WithDeactivation)
//     until a PUT with status active, which also restarts the count. The
//     lower threshold Webex applies right after a reactivation is not
//     modelled.
//
// Tests can look inside: Server.Webhooks (a snapshot of what is stored),
// Server.FailedDeliveries, Server.Deactivate (as Webex does after failed
// deliveries, to exercise reactivation without failing them first) and
// Server.Reset.
//
// Every response the server sends is valid against the spec: its tests run
// each exchange of a full scenario, faults included, through the
// conformance engine.
package mock
