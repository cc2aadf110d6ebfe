package runner

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPacerSpacesRequests(t *testing.T) {
	t.Parallel()
	assert.Nil(t, newPacer(0), "no rate, no pacing")
	require.NoError(t, newPacer(0).wait(context.Background()))

	p := newPacer(0.5) // one request every 2 s
	require.NoError(t, p.wait(context.Background()), "the first request goes at once")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, p.wait(ctx), context.DeadlineExceeded, "the second one has to wait its turn")

	cancelled, stop := context.WithCancel(context.Background())
	stop()
	assert.Error(t, newPacer(0).wait(cancelled))
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"7", 7 * time.Second},
		{" 0 ", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"", fallbackRetryWait},
		{"rand(30),add(30)", fallbackRetryWait},
		{"-3", fallbackRetryWait},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, retryAfter(tc.in, now), tc.in)
	}
}
