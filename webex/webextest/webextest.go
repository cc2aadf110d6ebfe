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
