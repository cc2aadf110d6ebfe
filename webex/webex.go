package webex

import (
	"net/http"
	"sync"
	"testing"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/conformancetest"
)

// NewEngine compiles the Webex webhooks spec (api/openapi.yaml) with opts.
func NewEngine(opts ...conformance.Option) (*conformance.Engine, error) {
	return conformance.New(api.Spec, opts...)
}

// Engine is the Webex webhooks spec compiled once per process with no
// options, shared: an engine is immutable and safe for concurrent use.
func Engine() (*conformance.Engine, error) { return sharedEngine() }

var sharedEngine = sync.OnceValues(func() (*conformance.Engine, error) { return NewEngine() })

// NewTestTransport returns a conformancetest.Transport over base (nil:
// http.DefaultTransport) that judges every exchange by the Webex webhooks
// spec and fails tb, when the test ends, if any request or response did
// not conform. It is the one line a client test needs:
//
//	client := &http.Client{Transport: webex.NewTestTransport(t, nil)}
func NewTestTransport(tb testing.TB, base http.RoundTripper) *conformancetest.Transport {
	tb.Helper()
	eng, err := Engine()
	if err != nil {
		tb.Fatalf("webex: %v", err)
	}
	return conformancetest.NewTestTransport(tb, eng, base)
}
