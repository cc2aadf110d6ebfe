package runner

import (
	"net/http"
	"time"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// config says what to test and how gently; zero fields take the defaults
// newRunner gives them.
type config struct {
	Target       string
	Token        string
	WebhookIDs   []string
	AllowWrites  bool
	Rate         float64
	Timeout      time.Duration
	PageSize     int
	MaxGets      int
	MaxPages     int
	MaxRetryWait time.Duration
	Retries      int
	NotifyURL    string
	RunID        string
	Transport    http.RoundTripper
	Progress     func(report.Case)
	Generate     int
	Seed         uint64
	Require      []conformance.Requirement
}

// Option configures Run.
type Option func(*config)

// WithToken is the access token sent as a bearer credential. It never
// appears in any output.
func WithToken(token string) Option { return func(c *config) { c.Token = token } }

// WithWebhookIDs fetches these webhooks instead of the listed ones.
func WithWebhookIDs(ids ...string) Option {
	return func(c *config) { c.WebhookIDs = append(c.WebhookIDs, ids...) }
}

// WithWrites enables the create, update and delete scenarios (read-only
// by default). Whatever the run creates it deletes again.
func WithWrites(allow bool) Option { return func(c *config) { c.AllowWrites = allow } }

// WithRate caps requests per second; 0 (the default) means unpaced.
func WithRate(perSecond float64) Option { return func(c *config) { c.Rate = perSecond } }

// WithTimeout bounds each request; the default is 30s.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.Timeout = d } }

// WithPageSize is the max of the small-page list walks, which follow next
// links even on an account with few webhooks; the default is 1. The main
// list asks for the target's default page size.
func WithPageSize(n int) Option { return func(c *config) { c.PageSize = n } }

// WithMaxGets caps how many listed webhooks are fetched one by one; the
// default is 10.
func WithMaxGets(n int) Option { return func(c *config) { c.MaxGets = n } }

// WithMaxPages caps a pagination walk; the default is 50.
func WithMaxPages(n int) Option { return func(c *config) { c.MaxPages = n } }

// WithMaxRetryWait bounds the wait a 429 Retry-After may impose; the
// default is 60s.
func WithMaxRetryWait(d time.Duration) Option { return func(c *config) { c.MaxRetryWait = d } }

// WithRetries is how often a 429, or a 5xx to an idempotent request, is
// retried: the default is 3, negative means never.
func WithRetries(n int) Option { return func(c *config) { c.Retries = n } }

// WithNotifyURL is the targetUrl of the webhooks the suite creates. The
// default host is under .invalid (RFC 2606), so that no notification of
// the account can ever be delivered anywhere.
func WithNotifyURL(u string) Option { return func(c *config) { c.NotifyURL = u } }

// WithRunID makes the names of created webhooks unique to the run: 8
// lower-case hex digits, random by default.
func WithRunID(id string) Option { return func(c *config) { c.RunID = id } }

// WithTransport sends the requests; the default is a clone of
// http.DefaultTransport (TLS verification on).
func WithTransport(rt http.RoundTripper) Option { return func(c *config) { c.Transport = rt } }

// WithProgress is called after each case is recorded.
func WithProgress(f func(report.Case)) Option { return func(c *config) { c.Progress = f } }

// WithGenerate adds n requests drawn from the spec after the suite (see
// conformance/generate): valid ones must be accepted, invalid ones
// refused. Without WithWrites only reads are drawn. Against a spec that is
// not the Webex webhooks API, only the generated requests are sent.
func WithGenerate(n int) Option { return func(c *config) { c.Generate = n } }

// WithSeed draws the generated requests; the same seed, spec and answers
// send the same requests. The default is 1.
func WithSeed(seed uint64) Option { return func(c *config) { c.Seed = seed } }

// WithRequire lists responses the run must judge, on top of the 2xx
// answers the suite itself needs.
func WithRequire(reqs ...conformance.Requirement) Option {
	return func(c *config) { c.Require = append(c.Require, reqs...) }
}
