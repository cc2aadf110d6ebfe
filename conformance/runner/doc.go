// Package runner is the active conformance suite: it drives a Webex
// webhooks API (the embedded mock or a live --target) through scenarios,
// judges every raw response with the conformance engine, and adds its own
// pagination.* and behavior.* findings for expectations a schema cannot
// express (an unknown id answers 404, a deleted webhook is gone, next links
// keep max).
//
// Each failing case carries Case.Curl, a command that repeats its request
// with $WEBEX_TOKEN in place of the token, the invalid-token probe's token
// as [invalid], and every secret of a create or update body redacted; the
// report writers print it under the case.
//
// Read-only by default; with AllowWrites it creates webhooks under a
// run-scoped name prefix and always deletes them again, also when the run
// fails or its context is cancelled.
//
//	eng, _ := conformance.New(conformance.WithRedactions(token))
//	rep, err := runner.Run(ctx, eng, runner.Config{Target: "https://webexapis.com/v1", Token: token})
package runner
