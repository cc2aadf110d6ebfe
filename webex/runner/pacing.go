package runner

import (
	"context"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// pacer spaces requests evenly to a rate; a nil pacer does not wait.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newPacer(rate float64) *pacer {
	if rate <= 0 {
		return nil
	}
	return &pacer{interval: time.Duration(float64(time.Second) / rate)}
}

func (p *pacer) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	p.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
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

// fallbackRetryWait is waited when a 429 carries no usable Retry-After;
// the engine reports the header itself.
const fallbackRetryWait = 5 * time.Second

// retryAfter reads Retry-After as delta-seconds or an HTTP-date.
func retryAfter(v string, now time.Time) time.Duration {
	d, err := httpheader.ParseRetryAfter(v, now)
	if err != nil {
		return fallbackRetryWait
	}
	return d
}
