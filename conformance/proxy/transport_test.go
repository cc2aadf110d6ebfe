package proxy

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpstreamConnectionsAreReused(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	upstream := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[]}`))
	}))
	upstream.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	upstream.Start()
	t.Cleanup(upstream.Close)
	p, url, _ := start(t, upstream.URL, Config{})
	for i := 0; i < 5; i++ {
		resp, _ := do(t, http.MethodGet, url+"/v1/webhooks", "", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	assert.Equal(t, int32(1), conns.Load(), "one kept-alive connection serves sequential requests")

	// The upstream drops its idle connections: a GET is sent again on a new one.
	upstream.CloseClientConnections()
	resp, _ := do(t, http.MethodGet, url+"/v1/webhooks", "", "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	p.Close()
	assert.Zero(t, p.Stats().Failed)
}

func TestUpstreamTLSIsVerified(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(upstream.Close)
	p, url, log := start(t, upstream.URL, Config{})
	resp, _ := do(t, http.MethodGet, url+"/v1/webhooks", "", "")
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode, "a self-signed certificate is refused")
	p.Close()
	assert.Contains(t, log.String(), "certificate")

	// With a transport that trusts it, the same upstream is reached.
	p2, url2, _ := start(t, upstream.URL, Config{Transport: upstream.Client().Transport})
	resp, _ = do(t, http.MethodGet, url2+"/v1/webhooks", "", "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	p2.Close()
}

func TestClientGoingAwayClosesUpstreamConnection(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[`))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); upstream.Close() })
	p, url, _ := start(t, upstream.URL, Config{})
	resp, err := http.Get(url + "/v1/webhooks")
	require.NoError(t, err)
	buf := make([]byte, 4)
	_, err = resp.Body.Read(buf)
	require.NoError(t, err)
	resp.Body.Close() // mid-stream
	require.Eventually(t, func() bool { return p.Stats().Incomplete == 1 }, 5e9, 1e6, "the unfinished exchange is counted, not judged")
}
