// Package webextest puts the Webex webhooks spec under a client project's
// tests: an http.RoundTripper that judges every exchange and fails the test
// at its end if any request or response did not conform. It lives apart
// from package webex so that programs importing webex (the CLI among them)
// do not link the testing package.
//
//	client := &http.Client{Transport: webextest.NewTransport(t)}
//	// ... exercise the code under test with client ...
package webextest
