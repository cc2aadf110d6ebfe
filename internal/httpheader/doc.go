// Package httpheader parses the HTTP response headers that steer a client of
// the Webex API: Retry-After (RFC 9110 §10.2.3) and Link (RFC 8288 §3).
//
// The parsers are strict, so that a conformance check can flag a header that
// a lenient client would quietly accept (Webex once sent
// "Retry-After: rand(30),add(30)"); clients that must keep going on such a
// header fall back on their own defaults, or use [NextLink], which skips
// malformed link-values instead of failing.
//
//	wait, err := httpheader.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
//	if err != nil { wait = backoff(attempt) }
//
//	if next, ok := httpheader.NextLink(resp.Header); ok { ... }
package httpheader
