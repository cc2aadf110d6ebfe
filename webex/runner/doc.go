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
// The suite lists with the target's own page size and again with a small
// one (WithPageSize, default 1, a few pages), so that an account with
// two webhooks still follows a next link.
//
// A run that could not see the API answer is untested, not passed: Run
// returns an *UntestableError when the target is unreachable, rejects the
// token, does not answer the list like the Webex webhooks API (a wrong base
// path), or never answered 2xx to an operation the suite needs (the list;
// get, once a webhook exists; create, update and delete with WithWrites).
// A 5xx or 429 where a 2xx was needed, after the retries, leaves its case
// skipped as not judged.
//
// Read-only by default; with WithWrites(true) it creates webhooks under a
// run-scoped name prefix and target URL and always deletes them again, also
// when the run fails or its context is cancelled: any 2xx create with an id
// is tracked, the run sweeps webhooks of its own after every write that
// handed none back and once more at the end, and each one it could not
// delete is a failing behavior.left-behind case with its id.
//
//	eng, err := webex.NewEngine(conformance.WithRedactions(token))
//	j := judgement.New(eng, judgement.WithSides(conformance.JudgeResponses))
//	rep, err := runner.Run(ctx, j, "https://webexapis.com/v1", runner.WithToken(token))
package runner
