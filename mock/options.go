package mock

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"
)

// Defaults of the mock's bounds. They keep a long-running `conformance serve`
// within a few tens of megabytes whatever its clients send.
const (
	DefaultPageLimit    = 100      // Webex's own page size for webhooks
	DefaultMaxWebhooks  = 1000     // stored webhooks, across all callers
	DefaultMaxBodyBytes = 16 << 10 // request body of a create or update
)

// Option configures a Server.
type Option func(*config)

type config struct {
	tokens       []string
	faults       []Fault
	seed         int64
	seeded       bool
	maxWebhooks  int
	maxBodyBytes int64
	pageLimit    int
	now          func() time.Time

	deliveryTimeout  time.Duration
	deliveryClient   *http.Client
	policy           deliveryPolicy
	maxInFlight      int
	deactivateAfter  int
	deactivateWindow time.Duration
}

func newConfig(opts []Option) config {
	c := config{
		maxWebhooks:  DefaultMaxWebhooks,
		maxBodyBytes: DefaultMaxBodyBytes,
		pageLimit:    DefaultPageLimit,
		now:          time.Now,

		deliveryTimeout:  DefaultDeliveryTimeout,
		maxInFlight:      DefaultMaxDeliveriesInFlight,
		deactivateAfter:  DefaultDeactivateAfter,
		deactivateWindow: DefaultDeactivateWindow,
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithTokens limits the bearer tokens the server accepts to the ones given.
// Without it, New accepts any non-empty bearer token (and mocktest.NewServer
// accepts only the token it makes up). Each token stands for a different
// person: a caller lists and reads its own webhooks and the org-wide ones.
// Repeated uses add up; empty strings are ignored.
func WithTokens(tokens ...string) Option {
	return func(c *config) {
		for _, t := range tokens {
			if t != "" {
				c.tokens = append(c.tokens, t)
			}
		}
	}
}

// NewToken makes up a bearer token for a mock to accept (with WithTokens):
// random, so that no other token passes by chance.
func NewToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "mock-" + hex.EncodeToString(b[:])
}

// WithFaults makes the server misbehave on purpose: answer a share of the
// requests with an error status (429 with Retry-After, 500, 503, ...) or
// delay them. Build faults with ParseFault or as literals; New panics on a
// Fault that ParseFault would reject. Repeated uses add up.
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}

// WithLatency delays every response by d. It is the same as the fault
// "latency:d".
func WithLatency(d time.Duration) Option {
	return WithFaults(Fault{Latency: d, Rate: 1})
}

// WithSeed makes the server deterministic: the same seed gives the same
// webhook ids, tracking ids, and the same choice of faulted requests for the
// same sequence of requests. Without it the seed is random.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed, c.seeded = seed, true }
}

// WithMaxWebhooks caps the number of stored webhooks (default
// DefaultMaxWebhooks). A create beyond it is answered 409 Conflict with a
// Webex error body. n < 1 keeps the default.
func WithMaxWebhooks(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxWebhooks = n
		}
	}
}

// WithMaxBodyBytes caps the size of a create or update body (default
// DefaultMaxBodyBytes). A larger body is answered 400 Bad Request with a
// Webex error body: the spec documents no 413. n < 1 keeps the default.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxBodyBytes = n
		}
	}
}

// WithPageLimit sets the server's own page size (default 100, as Webex): the
// page size when a list asks for no max, and the largest page whatever max
// it asks for. n < 1 keeps the default.
func WithPageLimit(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.pageLimit = n
		}
	}
}

// WithClock sets the source of `created` timestamps, for tests that want
// fixed times. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithDeactivation sets when failed deliveries deactivate a webhook: n
// failures within window (Webex: 100 within five minutes, the default). A
// PUT with status active reactivates the webhook and starts the count
// afresh. n < 1 or window <= 0 keeps the default.
func WithDeactivation(n int, window time.Duration) Option {
	return func(c *config) {
		if n >= 1 && window > 0 {
			c.deactivateAfter, c.deactivateWindow = n, window
		}
	}
}

// WithDeliveryTimeout bounds each notification delivery, from dialing to
// the end of the answer's headers (default DefaultDeliveryTimeout); a
// delivery that takes longer fails. d <= 0 keeps the default.
func WithDeliveryTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.deliveryTimeout = d
		}
	}
}

// WithDeliveryClient makes deliveries with client instead of the server's
// own, for example an httptest TLS server's Client(). Redirects and the
// addresses it connects to are the client's business; the server's own
// client follows no redirect and keeps to the delivery policy (see
// WithDeliverTo).
func WithDeliveryClient(client *http.Client) Option {
	return func(c *config) {
		if client != nil {
			c.deliveryClient = client
		}
	}
}
