// Package webextest puts the Webex webhooks spec under a client project's
// tests: an http.RoundTripper that judges every exchange and fails the test
// at its end if any request or response did not conform. It lives apart
// from package webex so that programs importing webex (the CLI among them)
// do not link the testing package.
//
//	client := &http.Client{Transport: webextest.NewTransport(t)}
//	// ... exercise the code under test with client ...
package webextest

import (
	"testing"

	"github.com/webex-conformance/webhooks/conformance/conformancetest"
	"github.com/webex-conformance/webhooks/webex"
)

// NewTransport returns a conformancetest.Transport that judges every
// exchange by the Webex webhooks spec and fails tb, when the test ends, if
// any request or response did not conform. It is the one line a client
// test needs; opts are conformancetest's (WithBase, WithIgnorePaths, ...).
func NewTransport(tb testing.TB, opts ...conformancetest.Option) *conformancetest.Transport {
	tb.Helper()
	eng, err := webex.Engine()
	if err != nil {
		tb.Fatalf("webextest: %v", err)
	}
	return conformancetest.NewTestTransport(tb, eng, opts...)
}
