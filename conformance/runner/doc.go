// Package runner is the active conformance suite: it drives a Webex
// webhooks API (the embedded mock or a live --target) through scenarios,
// judges every raw response with the conformance engine, and adds its own
// pagination.* and behavior.* findings for expectations a schema cannot
// express (an unknown id answers 404, a deleted webhook is gone, next links
// keep max).
//
// Read-only by default; with AllowWrites it creates webhooks under a
// run-scoped name prefix and always deletes them again, also when the run
// fails or its context is cancelled.
//
//	eng, _ := conformance.New(conformance.WithRedactions(token))
//	rep, err := runner.Run(ctx, eng, runner.Config{Target: "https://webexapis.com/v1", Token: token})
package runner
