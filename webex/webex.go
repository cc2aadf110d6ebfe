package webex

import (
	"sync"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

// NewEngine compiles the Webex webhooks spec (api/openapi.yaml) with opts.
func NewEngine(opts ...conformance.Option) (*conformance.Engine, error) {
	return conformance.New(api.Spec, opts...)
}

// Engine is the Webex webhooks spec compiled once per process with no
// options, shared: an engine is immutable and safe for concurrent use.
func Engine() (*conformance.Engine, error) { return sharedEngine() }

var sharedEngine = sync.OnceValues(func() (*conformance.Engine, error) { return NewEngine() })
