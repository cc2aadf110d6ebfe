package mock_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

// netnsEnv marks the test binary re-run inside a network namespace of its
// own, where nothing but loopback exists.
const netnsEnv = "MOCK_TEST_IN_NETNS"

// inNetNS runs the calling test again, alone, in a new network and mount
// namespace (only loopback up; /etc/hosts replaced by hosts) and reports
// false in the caller, which then returns: a test that would reach
// addresses other than loopback if the code under test were wrong never
// touches a real network. Inside, it reports true. Without root or
// unshare(1) the test is skipped.
func inNetNS(t *testing.T, hosts string) bool {
	t.Helper()
	if os.Getenv(netnsEnv) == "1" {
		return true
	}
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux to run in a network namespace of its own (unshare -n); not run against a real network")
	}
	for _, tool := range []string{"unshare", "ip", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s to run in a network namespace of its own; not run against a real network", tool)
		}
	}
	hostsFile := filepath.Join(t.TempDir(), "hosts")
	require.NoError(t, os.WriteFile(hostsFile, []byte("127.0.0.1 localhost\n::1 localhost\n"+hosts), 0o644))
	cmd := exec.Command("unshare", "-n", "-m", "sh", "-c",
		`ip link set lo up && mount --bind "$1" /etc/hosts && exec "$2" -test.run="^$3\$" -test.v -test.count=1`,
		"sh", hostsFile, os.Args[0], t.Name())
	cmd.Env = append(os.Environ(), netnsEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "unshare failed") {
		t.Skipf("unshare cannot make a network namespace here (%s); not run against a real network", strings.TrimSpace(string(out)))
	}
	require.NoError(t, err, "in its own network namespace:\n%s", out)
	require.Contains(t, string(out), "--- PASS: "+t.Name(), "%s", out)
	return false
}

// The mock never delivers to link-local, unspecified or multicast
// addresses, however the target names them, and says why.
func TestDeliveryPolicyRefusesWhereItNeverDelivers(t *testing.T) {
	if !inNetNS(t, "169.254.169.254 metadata.test\n0.0.0.0 zero.test\n") {
		return
	}
	api := newAPIServer(t)
	for _, tc := range []struct{ url, reason string }{
		{"http://169.254.169.254/latest/meta-data/", "link-local address"},
		{"http://[fe80::1]/", "link-local address"},
		{"http://[::ffff:169.254.169.254]/", "link-local address"},
		{"http://metadata.test/latest/meta-data/", "link-local address"}, // checked after resolution
		{"http://0.0.0.0:9/", "unspecified address"},
		{"http://[::]:9/", "unspecified address"},
		{"http://zero.test:9/", "unspecified address"},
		{"http://224.0.0.1/", "multicast address"},
		{"http://[ff02::1]/", "multicast address"},
		{"http://255.255.255.255/", "broadcast address"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			h := api.create(t, gen.CreateWebhookRequest{TargetURL: tc.url, Resource: "rooms", Event: "deleted"})
			defer func() { _, _ = api.client.DeleteWebhookWithResponse(context.Background(), h.ID) }()
			ds, err := api.Emit(context.Background(), mock.Event{Resource: "rooms", Event: "deleted"})
			require.NoError(t, err)
			require.Len(t, ds, 1)
			var refused *mock.DeliveryRefusedError
			require.ErrorAs(t, ds[0].Err, &refused, "%v", ds[0].Err)
			assert.Equal(t, tc.reason, refused.Reason)
			assert.Equal(t, "refused: "+tc.reason, ds[0].Err.Error())
			b, err := json.Marshal(ds[0])
			require.NoError(t, err)
			assert.Contains(t, string(b), `"error":"refused: `+tc.reason+`"`)
		})
	}
}

func TestDeliverToRestricts(t *testing.T) {
	t.Parallel()
	target := statusTarget(t, http.StatusNoContent)
	port := target[strings.LastIndexByte(target, ':')+1:]
	for _, tc := range []struct {
		name, target string
		deliverTo    []string
		refused      bool
	}{
		{"a listed network", target, []string{"127.0.0.0/8"}, false},
		{"a listed address", target, []string{"10.0.0.0/8", "127.0.0.1"}, false},
		{"a listed host name", "http://localhost:" + port, []string{"localhost"}, false},
		{"an address outside the networks", target, []string{"10.0.0.0/8"}, true},
		{"an address of a listed host, by address", target, []string{"localhost"}, true},
		{"no restriction", target, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := newAPIServer(t, mock.WithDeliverTo(tc.deliverTo...))
			api.create(t, gen.CreateWebhookRequest{TargetURL: tc.target, Resource: "rooms", Event: "deleted"})
			ds, err := api.Emit(context.Background(), mock.Event{Resource: "rooms", Event: "deleted"})
			require.NoError(t, err)
			require.Len(t, ds, 1)
			if !tc.refused {
				assert.True(t, ds[0].Delivered(), "%v", ds[0].Err)
				return
			}
			assert.EqualError(t, ds[0].Err, "refused: address not allowed by --deliver-to")
		})
	}
}

func TestParseDeliverTo(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"10.1.2.3/16": "net 10.1.0.0/16", "127.0.0.1": "net 127.0.0.1/32", "::1": "net ::1/128", "[::1]": "net ::1/128",
		"::ffff:10.0.0.1": "net 10.0.0.1/32", "Hooks.Example.com.": "host hooks.example.com",
	} {
		host, network, err := mock.ParseDeliverTo(in)
		require.NoError(t, err, in)
		got := "host " + host
		if host == "" {
			got = "net " + network.String()
		}
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "10.0.0.0/33", "http://h/", "h:80", "a b", "x/y"} {
		_, _, err := mock.ParseDeliverTo(bad)
		assert.Error(t, err, bad)
	}
	assert.Panics(t, func() { mock.WithDeliverTo("10.0.0.0/99") })
}

// Many emits to targets that hang hold no more deliveries, connections
// and goroutines than the server's bound, not one set per emit.
//
// Not parallel: it counts the process's goroutines.
func TestEmitsShareABoundOnDeliveriesInFlight(t *testing.T) {
	const emits, hooks, bound = 10, 64, 8
	var inFlight, most, mostGoroutines atomic.Int64
	var mu sync.Mutex
	var held []chan struct{}
	arrivals := 0
	base := int64(runtime.NumGoroutine())
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		g := int64(runtime.NumGoroutine())
		for m := mostGoroutines.Load(); g > m && !mostGoroutines.CompareAndSwap(m, g); m = mostGoroutines.Load() {
		}
		// Each delivery hangs until the bound's worth hang with it (a
		// server without a bound piles more up meanwhile); then the
		// oldest goes. The last ones all go.
		hold := make(chan struct{})
		mu.Lock()
		held = append(held, hold)
		arrivals++
		switch {
		case arrivals == emits*hooks:
			for _, h := range held {
				close(h)
			}
			held = nil
		case len(held) >= bound:
			close(held[0])
			held = held[1:]
		}
		mu.Unlock()
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(target.Close)
	api := newAPIServer(t, mock.WithMaxDeliveriesInFlight(bound), mock.WithDeliveryTimeout(time.Minute))
	for i := range hooks {
		api.create(t, gen.CreateWebhookRequest{TargetURL: fmt.Sprintf("%s/%d", target.URL, i), Resource: "rooms", Event: "deleted"})
	}
	var wg sync.WaitGroup
	for range emits {
		wg.Go(func() {
			ds, err := api.Emit(context.Background(), mock.Event{Resource: "rooms", Event: "deleted"})
			assert.NoError(t, err)
			assert.Len(t, ds, hooks)
			for _, d := range ds {
				assert.True(t, d.Delivered(), "%v", d.Err)
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, most.Load(), int64(bound), "deliveries in flight at once")
	// Per delivery in flight: the delivering goroutine, the client
	// connection's two, the target's handler and reader; and the emits
	// waiting. Far from a set per delivery of every emit.
	assert.Less(t, mostGoroutines.Load()-base, int64(5*bound+emits+20), "goroutines at the peak")
}

// The answer to POST /_mock/events says a target could not be reached,
// not why: no dial error to map the network around the mock with.
func TestEventsAnswerDoesNotMapTheNetwork(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String() + "/hook"
	require.NoError(t, ln.Close())
	api := newAPIServer(t)
	api.create(t, gen.CreateWebhookRequest{TargetURL: closed, Resource: "rooms", Event: "deleted"})
	req, err := http.NewRequest(http.MethodPost, api.url+mock.EventsPath, strings.NewReader(`{"resource":"rooms","event":"deleted"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+deliveryToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var got struct {
		Deliveries []struct {
			Delivered bool   `json:"delivered"`
			Error     string `json:"error"`
		} `json:"deliveries"`
	}
	require.NoError(t, json.Unmarshal(body, &got))
	require.Len(t, got.Deliveries, 1)
	assert.False(t, got.Deliveries[0].Delivered)
	assert.Equal(t, "the target could not be reached", got.Deliveries[0].Error)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	assert.NotContains(t, string(body), "connection refused")
	assert.NotContains(t, string(body), "dial")
	assert.Equal(t, 1, strings.Count(string(body), port), "the port shows in the targetUrl only: %s", body)
}

// A client that posts an event and goes away takes its deliveries with
// it: the one in flight is cut, the target sees it end.
func TestEmitEndsWhenItsClientGoesAway(t *testing.T) {
	t.Parallel()
	cut := make(chan struct{})
	arrived := make(chan struct{}, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-r.Context().Done()
		close(cut)
	}))
	t.Cleanup(target.Close)
	api := newAPIServer(t, mock.WithDeliveryTimeout(time.Hour))
	api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: "rooms", Event: "deleted"})
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.url+mock.EventsPath, strings.NewReader(`{"resource":"rooms","event":"deleted"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+deliveryToken)
	go func() {
		<-arrived
		cancel()
	}()
	_, err = http.DefaultClient.Do(req)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	select {
	case <-cut:
	case <-time.After(30 * time.Second):
		t.Fatal("the delivery went on after its client left")
	}
}
