package gen

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptDoer answers with scripted responses and records what it was sent.
type scriptDoer struct {
	mu      sync.Mutex
	script  []scripted
	methods []string
	bodies  []string
	closed  []*trackedBody
}

type scripted struct {
	status     int
	retryAfter string
	err        error
}

type trackedBody struct {
	io.Reader
	closed atomic.Bool
}

func (b *trackedBody) Close() error { b.closed.Store(true); return nil }

func (d *scriptDoer) Do(req *http.Request) (*http.Response, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.methods = append(d.methods, req.Method)
	var body string
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = string(b)
	}
	d.bodies = append(d.bodies, body)
	i := min(len(d.methods)-1, len(d.script)-1)
	s := d.script[i]
	if s.err != nil {
		return nil, s.err
	}
	tb := &trackedBody{Reader: strings.NewReader(`{"message":"x","trackingId":"t"}`)}
	d.closed = append(d.closed, tb)
	h := http.Header{}
	if s.retryAfter != "" {
		h.Set("Retry-After", s.retryAfter)
	}
	return &http.Response{StatusCode: s.status, Header: h, Body: tb, Request: req}, nil
}

// newTestRetryDoer records waits instead of sleeping.
func newTestRetryDoer(p RetryPolicy, next HttpRequestDoer, now time.Time) (*retryDoer, *[]time.Duration) {
	var waits []time.Duration
	d := &retryDoer{policy: p, next: next, now: func() time.Time { return now },
		sleep: func(ctx context.Context, w time.Duration) error {
			waits = append(waits, w)
			return ctx.Err()
		}}
	return d, &waits
}

func TestRetryWhatIsRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method   string
		status   int
		attempts int
	}{
		{http.MethodGet, 429, 3}, {http.MethodPost, 429, 3}, {http.MethodPut, 429, 3}, {http.MethodDelete, 429, 3},
		{http.MethodGet, 423, 3}, {http.MethodPost, 423, 3},
		{http.MethodGet, 502, 3}, {http.MethodGet, 503, 3}, {http.MethodGet, 504, 3},
		{http.MethodPut, 503, 3}, {http.MethodDelete, 504, 3},
		{http.MethodPost, 502, 1}, {http.MethodPost, 503, 1}, {http.MethodPost, 504, 1},
		{http.MethodPatch, 503, 1},
		{http.MethodGet, 500, 1}, {http.MethodGet, 400, 1}, {http.MethodGet, 401, 1}, {http.MethodGet, 404, 1},
		{http.MethodGet, 409, 1}, {http.MethodGet, 200, 1}, {http.MethodDelete, 204, 1},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			next := &scriptDoer{script: []scripted{{status: tt.status, retryAfter: "0"}}}
			d, waits := newTestRetryDoer(RetryPolicy{MaxAttempts: 3, MaxWait: time.Second}, next, time.Now())
			req := httptest.NewRequest(tt.method, "https://webexapis.com/v1/webhooks", nil)
			resp, err := d.Do(req)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode, "the last response is returned")
			assert.Len(t, next.methods, tt.attempts)
			assert.Len(t, *waits, tt.attempts-1)
			for i, b := range next.closed[:len(next.closed)-1] {
				assert.True(t, b.closed.Load(), "discarded response %d not closed", i)
			}
			assert.False(t, next.closed[len(next.closed)-1].closed.Load(), "the returned response must stay open")
		})
	}
}

func TestRetryWaits(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	const maxWait = 10 * time.Second
	// backoff for the first retry lies in [base/2, base].
	lo, hi := backoffBase/2, backoffBase
	tests := []struct {
		name       string
		retryAfter string
		min, max   time.Duration
	}{
		{name: "delta zero", retryAfter: "0", min: 0, max: 0},
		{name: "delta seconds", retryAfter: "3", min: 3 * time.Second, max: 3 * time.Second},
		{name: "delta with OWS", retryAfter: " 2 ", min: 2 * time.Second, max: 2 * time.Second},
		{name: "IMF-fixdate", retryAfter: "Thu, 26 Nov 2026 12:00:04 GMT", min: 4 * time.Second, max: 4 * time.Second},
		{name: "RFC 850 date", retryAfter: "Thursday, 26-Nov-26 12:00:05 GMT", min: 5 * time.Second, max: 5 * time.Second},
		{name: "asctime date", retryAfter: "Thu Nov 26 12:00:06 2026", min: 6 * time.Second, max: 6 * time.Second},
		{name: "date in the past", retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", min: 0, max: 0},
		{name: "capped by MaxWait", retryAfter: "194", min: maxWait, max: maxWait},
		{name: "date capped by MaxWait", retryAfter: "Fri, 27 Nov 2026 12:00:00 GMT", min: maxWait, max: maxWait},
		{name: "huge saturates then capped", retryAfter: "999999999999999999999999", min: maxWait, max: maxWait},
		{name: "missing", retryAfter: "", min: lo, max: hi},
		{name: "Webex expression", retryAfter: "rand(30),add(30)", min: lo, max: hi},
		{name: "negative", retryAfter: "-5", min: lo, max: hi},
		{name: "fraction", retryAfter: "1.5", min: lo, max: hi},
		{name: "unit", retryAfter: "30s", min: lo, max: hi},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := &scriptDoer{script: []scripted{{status: 429, retryAfter: tt.retryAfter}, {status: 200}}}
			d, waits := newTestRetryDoer(RetryPolicy{MaxAttempts: 3, MaxWait: maxWait}, next, now)
			resp, err := d.Do(httptest.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks", nil))
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			require.Len(t, *waits, 1)
			w := (*waits)[0]
			assert.GreaterOrEqual(t, w, tt.min)
			assert.LessOrEqual(t, w, tt.max)
		})
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	t.Parallel()
	limit := 3 * time.Second
	for attempt := 1; attempt <= 40; attempt++ {
		full := min(backoffBase<<min(attempt-1, 20), limit)
		for range 50 {
			w := backoff(attempt, limit)
			require.GreaterOrEqual(t, w, full/2, "attempt %d", attempt)
			require.LessOrEqual(t, w, full, "attempt %d", attempt)
		}
	}
}

func TestRetryBackoffNeverAboveMaxWait(t *testing.T) {
	t.Parallel()
	next := &scriptDoer{script: []scripted{{status: 503}}}
	d, waits := newTestRetryDoer(RetryPolicy{MaxAttempts: 12, MaxWait: 2 * time.Second}, next, time.Now())
	resp, err := d.Do(httptest.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks", nil))
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	require.Len(t, *waits, 11)
	for _, w := range *waits {
		assert.LessOrEqual(t, w, 2*time.Second)
	}
	assert.GreaterOrEqual(t, (*waits)[10], time.Second, "late waits reach the cap's upper half")
}

func TestRetryTransportErrorNotRetried(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection refused")
	next := &scriptDoer{script: []scripted{{err: boom}}}
	d, _ := newTestRetryDoer(RetryPolicy{MaxAttempts: 3, MaxWait: time.Second}, next, time.Now())
	_, err := d.Do(httptest.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks", nil))
	require.ErrorIs(t, err, boom)
	assert.Len(t, next.methods, 1)
}

// onlyReader hides the concrete type so http.NewRequest sets no GetBody.
type onlyReader struct{ io.Reader }

func TestRetryResendsBodyIntact(t *testing.T) {
	t.Parallel()
	const payload = `{"name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created"}`
	tests := []struct {
		name string
		body func() io.Reader
	}{
		{name: "with GetBody", body: func() io.Reader { return strings.NewReader(payload) }},
		{name: "without GetBody, buffered once", body: func() io.Reader { return onlyReader{strings.NewReader(payload)} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := &scriptDoer{script: []scripted{{status: 429, retryAfter: "0"}, {status: 423}, {status: 200}}}
			d, _ := newTestRetryDoer(RetryPolicy{MaxAttempts: 5, MaxWait: time.Millisecond}, next, time.Now())
			req, err := http.NewRequest(http.MethodPost, "https://webexapis.com/v1/webhooks", tt.body())
			require.NoError(t, err)
			resp, err := d.Do(req)
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, []string{payload, payload, payload}, next.bodies)
		})
	}
}

func TestRetryThroughGeneratedClient(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls++
		n := calls
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if n%3 != 0 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"message":"slow down","trackingId":"t"}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"a","name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created","status":"active","created":"2026-01-01T00:00:00Z"}`)
	}))
	t.Cleanup(srv.Close)

	// Both option orders must end up retrying.
	orders := map[string][]ClientOption{
		"retry first":         {WithRetry(RetryPolicy{MaxAttempts: 3}), WithHTTPClient(srv.Client())},
		"http client first":   {WithHTTPClient(srv.Client()), WithRetry(RetryPolicy{MaxAttempts: 3})},
		"default http client": {WithRetry(RetryPolicy{MaxAttempts: 3})},
	}
	for name, opts := range orders {
		mu.Lock()
		calls, bodies = 0, nil
		mu.Unlock()
		c, err := NewClientWithResponses(srv.URL, opts...)
		require.NoError(t, err, name)
		body := CreateWebhookRequest{Name: "n", TargetURL: "https://example.com/h", Resource: WebhookResourceMessages, Event: WebhookEventCreated}
		resp, err := c.CreateWebhookWithResponse(context.Background(), body)
		require.NoError(t, err, name)
		require.Equal(t, 200, resp.StatusCode(), name)
		require.NotNil(t, resp.JSON200, name)
		mu.Lock()
		assert.Len(t, bodies, 3, name)
		for _, b := range bodies {
			assert.JSONEq(t, `{"name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created"}`, b, name)
		}
		mu.Unlock()
	}
}

func TestRetryDefaults(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithRetry(RetryPolicy{}))
	require.NoError(t, err)
	_, err = c.DeleteWebhook(context.Background(), "x")
	require.NoError(t, err)
	d, ok := c.Client.(*retryDoer)
	require.True(t, ok, "the doer is wrapped at the first request")
	assert.Equal(t, RetryPolicy{MaxAttempts: DefaultMaxAttempts, MaxWait: DefaultMaxWait}, d.policy)
	_, err = c.DeleteWebhook(context.Background(), "x")
	require.NoError(t, err)
	assert.Same(t, d, c.Client, "wrapped once only")
}

func TestRetryStopsWhenContextDone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cancel  func(context.Context) (context.Context, func())
		wantErr error
	}{
		{name: "cancelled mid-wait", wantErr: context.Canceled,
			cancel: func(ctx context.Context) (context.Context, func()) { return context.WithCancel(ctx) }},
		{name: "deadline mid-wait", wantErr: context.DeadlineExceeded,
			cancel: func(ctx context.Context) (context.Context, func()) {
				return context.WithTimeout(ctx, 50*time.Millisecond)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			served := make(chan struct{}, 10)
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				calls.Add(1)
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusTooManyRequests)
				served <- struct{}{}
			}))
			t.Cleanup(srv.Close)
			ctx, cancel := tt.cancel(context.Background())
			defer cancel()
			c, err := NewClient(srv.URL, WithRetry(RetryPolicy{MaxAttempts: 5, MaxWait: time.Hour}))
			require.NoError(t, err)
			go func() {
				<-served
				if tt.wantErr == context.Canceled {
					cancel()
				}
			}()
			// Without the context check this would wait an hour and the
			// test binary's timeout would fail it.
			resp, err := c.ListWebhooks(ctx, nil)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, resp)
			assert.EqualValues(t, 1, calls.Load())
		})
	}
}

func TestRetryContextDoneBeforeFirstAttempt(t *testing.T) {
	t.Parallel()
	next := &scriptDoer{script: []scripted{{status: 200}}}
	d, _ := newTestRetryDoer(RetryPolicy{MaxAttempts: 3, MaxWait: time.Second}, next, time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks", nil).WithContext(ctx)
	_, err := d.Do(req)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, next.methods)
}

func TestRewindableReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk gone")
	req, err := http.NewRequest(http.MethodPost, "https://webexapis.com/v1/webhooks", io.NopCloser(io.MultiReader(bytes.NewReader([]byte("{")), errReader{boom})))
	require.NoError(t, err)
	_, err = rewindable(req)
	require.ErrorIs(t, err, boom)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
