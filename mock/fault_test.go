package mock_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/mock"
)

func TestParseFault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec string
		want mock.Fault
		err  string
	}{
		{spec: "429:0.2", want: mock.Fault{Status: 429, Rate: 0.2, RetryAfter: time.Second}},
		{spec: "429:0.2:0", want: mock.Fault{Status: 429, Rate: 0.2}},
		{spec: "423:0.2:90", want: mock.Fault{Status: 423, Rate: 0.2, RetryAfter: 90 * time.Second}},
		{spec: "503:1", want: mock.Fault{Status: 503, Rate: 1, RetryAfter: time.Second}},
		{spec: "500:0.05", want: mock.Fault{Status: 500, Rate: 0.05, RetryAfter: time.Second}},
		{spec: "latency:50ms", want: mock.Fault{Latency: 50 * time.Millisecond, Rate: 1}},
		{spec: "latency:1s:0.1", want: mock.Fault{Latency: time.Second, Rate: 0.1}},
		{spec: "429:2", err: "rate"},
		{spec: "429:0", err: "rate"},
		{spec: "429:-0.1", err: "rate"},
		{spec: "429:NaN", err: "rate"},
		{spec: "429:x", err: "rate"},
		{spec: "nope", err: "want STATUS:RATE"},
		{spec: "", err: "want STATUS:RATE"},
		{spec: "200:0.5", err: "status 200"},
		{spec: "418:0.5", err: "status 418"},
		{spec: "abc:0.5", err: "neither"},
		{spec: "latency:fast", err: "duration"},
		{spec: "latency:-1s", err: "duration"},
		{spec: "latency:0s", err: "positive latency"},
		{spec: "429:0.5:-1", err: "Retry-After"},
		{spec: "429:0.5:soon", err: "Retry-After"},
		{spec: "429:0.5:1:2", err: "want STATUS:RATE"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			f, err := mock.ParseFault(tt.spec)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.NotContains(t, err.Error(), "\n")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, f)
			again, err := mock.ParseFault(f.String())
			require.NoError(t, err, "String gives a spec back: %s", f.String())
			assert.Equal(t, f, again)
		})
	}
}

func TestRetryAfterOfFaults(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]string{"429:1": "1", "429:1:0": "0", "429:1:30": "30", "423:1:5": "5"} {
		ts := mocktest.NewServer(t, mock.WithFaults(mock.MustParseFault(spec)))
		r := do(t, ts, call{method: "GET", path: "/webhooks", token: ts.Token})
		assertWebexError(t, r, mustAtoi(t, spec[:3]))
		assert.Equal(t, want, r.header.Get("Retry-After"), spec)
	}
	for d, want := range map[time.Duration]string{0: "0", 1500 * time.Millisecond: "2", time.Minute: "60"} {
		ts := mocktest.NewServer(t, mock.WithFaults(mock.Fault{Status: 429, Rate: 1, RetryAfter: d}))
		r := do(t, ts, call{method: "GET", path: "/webhooks", token: ts.Token})
		assert.Equal(t, want, r.header.Get("Retry-After"), d)
	}
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

func TestFaultsShareAndDeterminism(t *testing.T) {
	t.Parallel()
	run := func(seed int64) []int {
		ts := mocktest.NewServer(t, mock.WithSeed(seed), mock.WithFaults(
			mock.MustParseFault("429:0.2"), mock.MustParseFault("503:0.1"), mock.MustParseFault("500:0.1")))
		statuses := make([]int, 500)
		for i := range statuses {
			statuses[i] = do(t, ts, call{method: "GET", path: "/webhooks", token: ts.Token}).status
		}
		return statuses
	}
	a, b := run(7), run(7)
	assert.Equal(t, a, b, "same seed, same faulted requests")
	assert.NotEqual(t, a, run(8))
	count := map[int]int{}
	for _, s := range a {
		count[s]++
	}
	// Shares within a wide band around 20/10/10/60 percent of 500.
	assert.InDelta(t, 100, count[429], 40)
	assert.InDelta(t, 50, count[503], 30)
	assert.InDelta(t, 50, count[500], 30)
	assert.InDelta(t, 300, count[200], 60)
	assert.Len(t, count, 4)
}

func TestFaultedRequestsChangeNothing(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithFaults(mock.Fault{Status: 503, Rate: 1}))
	r := do(t, ts, call{method: "POST", path: "/webhooks", body: createBody("x"), token: ts.Token})
	assertWebexError(t, r, http.StatusServiceUnavailable)
	assert.Empty(t, ts.Webhooks())
}

func TestLatencyAppliesAndHonoursClientCancel(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithLatency(time.Hour))
	client := ts.Client()
	client.Timeout = 50 * time.Millisecond
	req, err := http.NewRequest("GET", ts.URL+"/webhooks", nil)
	require.NoError(t, err)
	_, err = client.Do(req)
	require.Error(t, err, "an hour of latency outlasts the client's timeout")
	// The server is not stuck: Close returns once the handler saw the cancel.
	ts.Close()
}

func TestNewPanicsOnInvalidFault(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { mock.New(mock.WithFaults(mock.Fault{Status: 200, Rate: 1})) })
	assert.Panics(t, func() { mock.New(mock.WithFaults(mock.Fault{Status: 429, Rate: 3})) })
	assert.Panics(t, func() { mock.MustParseFault("nope") })
}

func FuzzParseFault(f *testing.F) {
	for _, s := range []string{"429:0.2", "503:0.1:5", "latency:50ms", "latency:1s:0.5", "nope", "429:2", "::", "latency::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		fault, err := mock.ParseFault(spec)
		if err != nil {
			return
		}
		again, err := mock.ParseFault(fault.String())
		require.NoError(t, err, "%q -> %q", spec, fault.String())
		assert.Equal(t, fault, again)
		mock.New(mock.WithFaults(fault)) // accepted faults never panic
	})
}
