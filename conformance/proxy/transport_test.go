package proxy

import (
	"bufio"
	"bytes"
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

// The direct writer of GET and HEAD requests sends the bytes req.Write does.
func TestWriteRequestMatchesRequestWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		url    string
		host   string
		header http.Header
	}{
		{"plain", http.MethodGet, "http://up:8080/v1/webhooks/abc", "", http.Header{
			"Authorization": {"Bearer tok"}, "Accept": {"application/json"}, "User-Agent": {"client/1"}}},
		{"query and escapes", http.MethodGet, "http://up/v1/webhooks?max=2&cursor=a%2Fb", "", http.Header{"X-A": {"1", "2"}}},
		{"no user agent", http.MethodHead, "http://up/v1/webhooks", "", http.Header{}},
		{"empty user agent", http.MethodGet, "http://up/v1/webhooks", "", http.Header{"User-Agent": {""}}},
		{"odd values", http.MethodGet, "http://up/x", "", http.Header{"X-B": {"  padded\t", "line\r\nbreak"}, "Bad Name": {"v"}, "Content-Length": {"0"}}},
		{"host override", http.MethodGet, "http://up/x", "other.example:9", http.Header{"Host": {"ignored"}}},
		{"unicode host", http.MethodGet, "http://up/x", "bücher.example", nil},
		{"ipv6 host", http.MethodGet, "http://[::1]:8080/x", "", nil},
		{"delete", http.MethodDelete, "http://up/v1/webhooks/abc", "", nil},
		{"control character", http.MethodGet, "http://up/x", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, tt.url, nil)
			require.NoError(t, err)
			if tt.name == "control character" {
				req.URL.Path = "/a\x01b"
			}
			req.Host = tt.host
			if tt.header != nil {
				req.Header = tt.header
			}
			var want, got bytes.Buffer
			wantErr := req.Write(&want)
			bw := bufio.NewWriter(&got)
			gotErr := writeRequest(bw, req)
			require.NoError(t, bw.Flush())
			assert.Equal(t, wantErr, gotErr)
			assert.Equal(t, want.String(), got.String())
		})
	}
}

// FuzzWriteRequest compares the direct writer with req.Write on arbitrary
// paths, queries, hosts and header fields.
func FuzzWriteRequest(f *testing.F) {
	f.Add("/v1/webhooks/abc", "max=2", "up:8080", "Authorization", "Bearer tok", "hey/0.0.1")
	f.Add("/a b", "", "", "X-Odd", " \tv\r\n", "")
	f.Add("/x", "q=%ZZ", "bücher:1", "bad key", "v", "ua\nx")
	f.Fuzz(func(t *testing.T, path, query, host, key, value, ua string) {
		req, err := http.NewRequest(http.MethodGet, "http://up/", nil)
		require.NoError(t, err)
		req.URL.Path, req.URL.RawQuery, req.Host = path, query, host
		req.Header[key] = []string{value}
		req.Header["User-Agent"] = []string{ua}
		var want, got bytes.Buffer
		wantErr := req.Write(&want)
		bw := bufio.NewWriter(&got)
		gotErr := writeRequest(bw, req)
		require.NoError(t, bw.Flush())
		if wantErr != nil {
			require.Error(t, gotErr)
			return
		}
		require.NoError(t, gotErr)
		require.Equal(t, want.String(), got.String())
	})
}
