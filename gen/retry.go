package gen

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// RetryPolicy bounds the retries of WithRetry. The zero value is usable.
type RetryPolicy struct {
	// MaxAttempts counts every try, the first included; 1 disables
	// retrying. Zero or less means DefaultMaxAttempts.
	MaxAttempts int
	// MaxWait caps every single wait, whatever Retry-After asks for. Zero
	// or less means DefaultMaxWait.
	MaxWait time.Duration
}

// Defaults applied for the zero fields of a RetryPolicy.
const (
	DefaultMaxAttempts = 4
	DefaultMaxWait     = 30 * time.Second
)

// backoffBase is the first wait when the server gave no usable Retry-After;
// each further attempt doubles it.
const backoffBase = 500 * time.Millisecond

// drainLimit bounds how much of a discarded response is read so that its
// connection can be reused; a larger body is closed unread.
const drainLimit = 64 << 10

// WithRetry retries requests the server refused or could not serve:
//
//   - 429 Too Many Requests and 423 Locked for every method, since the
//     request was refused, not processed;
//   - 502, 503 and 504 for GET, PUT and DELETE only, which are idempotent:
//     a POST may have been processed before the gateway failed.
//
// It waits as long as Retry-After says (delta-seconds or an HTTP-date); when
// the header is missing or malformed (Webex once sent "rand(30),add(30)") it
// backs off exponentially from 500ms with jitter. No wait exceeds
// p.MaxWait. A request body is re-sent intact on each try: through
// Request.GetBody, or buffered once in memory when GetBody is nil. When the
// request's context is done, WithRetry stops at once and returns the
// context's error. After the last attempt the last response is returned as
// is, for AsError to turn into an *APIError.
//
// WithRetry works in any order with WithHTTPClient: it wraps the client's
// HttpRequestDoer when the first request is sent, after NewClient has set
// its default. Requests bypassing the request editors (c.Client.Do called
// directly) are not retried. Give WithRetry once per client.
func WithRetry(p RetryPolicy) ClientOption {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultMaxWait
	}
	return func(c *Client) error {
		var once sync.Once
		c.RequestEditors = append(c.RequestEditors, func(context.Context, *http.Request) error {
			// The editors run before every c.Client.Do; once.Do orders this
			// single write before any caller's read of c.Client.
			once.Do(func() {
				next := c.Client
				if next == nil {
					next = http.DefaultClient
				}
				c.Client = &retryDoer{policy: p, next: next}
			})
			return nil
		})
		return nil
	}
}

// retryDoer is the HttpRequestDoer installed by WithRetry.
type retryDoer struct {
	policy RetryPolicy
	next   HttpRequestDoer
	// sleep waits for d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// now is the clock for HTTP-date Retry-After values.
	now func() time.Time
}

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	req, err := rewindable(req)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		try := req
		if attempt > 1 && req.GetBody != nil {
			try = req.Clone(ctx)
			if try.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		resp, err := d.next.Do(try)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			return nil, err
		}
		if attempt >= d.policy.MaxAttempts || !retryable(req.Method, resp.StatusCode) {
			return resp, nil
		}
		wait := d.wait(resp.Header.Get("Retry-After"), attempt)
		discard(resp)
		if err := d.sleepFor(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// wait is how long to pause before attempt+1.
func (d *retryDoer) wait(retryAfter string, attempt int) time.Duration {
	now := time.Now
	if d.now != nil {
		now = d.now
	}
	w, err := httpheader.ParseRetryAfter(retryAfter, now())
	if err != nil {
		w = backoff(attempt, d.policy.MaxWait)
	}
	return min(w, d.policy.MaxWait)
}

func (d *retryDoer) sleepFor(ctx context.Context, w time.Duration) error {
	if d.sleep != nil {
		return d.sleep(ctx, w)
	}
	return sleepCtx(ctx, w)
}

// backoff is base·2^(attempt-1), capped, with "equal jitter": a random
// point in its upper half, so that clients refused together do not return
// together yet each still waits a meaningful time.
func backoff(attempt int, limit time.Duration) time.Duration {
	w := backoffBase
	for i := 1; i < attempt && w < limit; i++ {
		w *= 2
	}
	w = min(w, limit)
	half := w / 2
	return half + rand.N(half+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func retryable(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusLocked:
		return true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return method == http.MethodGet || method == http.MethodPut || method == http.MethodDelete
	}
	return false
}

// rewindable returns req, or a shallow copy whose body can be obtained
// again: the generated client's bodies already have GetBody (bytes.Reader);
// any other body is read once into memory.
func rewindable(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return req, nil
	}
	buf, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	r.Body, _ = r.GetBody()
	r.ContentLength = int64(len(buf))
	return r, nil
}

// discard drains (up to a limit) and closes a response that will not be
// returned, so its connection goes back to the pool.
func discard(resp *http.Response) {
	if resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	_ = resp.Body.Close()
}
