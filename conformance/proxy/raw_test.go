package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawUpstream is an upstream that misbehaves on purpose: it parses each
// request with http.ReadRequest and lets answer write whatever bytes it
// likes on the connection.
type rawUpstream struct {
	ln    net.Listener
	conns atomic.Int32
	mu    sync.Mutex
	got   []received
}

// received is a request as it reached the upstream.
type received struct {
	Method, URI, Host, Authorization string
	Header                           http.Header
	Body                             string
}

// answer writes the response to r, the n-th request (from 0) on c; false
// closes the connection.
type answer func(c net.Conn, n int, r *http.Request) bool

func newRawUpstream(t *testing.T, answer answer) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	u := &rawUpstream{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u.conns.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				for n := 0; ; n++ {
					r, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					body, _ := io.ReadAll(r.Body)
					u.mu.Lock()
					u.got = append(u.got, received{r.Method, r.RequestURI, r.Host, r.Header.Get("Authorization"), r.Header, string(body)})
					u.mu.Unlock()
					if !answer(c, n, r) {
						return
					}
				}
			}()
		}
	}()
	return u
}

func (u *rawUpstream) URL() string { return "http://" + u.ln.Addr().String() }

func (u *rawUpstream) received() []received {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]received(nil), u.got...)
}

// stolen is what a misbehaving upstream appends after a framed response:
// a whole second response that no request asked for.
const stolen = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"stolen\":\"yes\"}\n"

func TestNoResponseByteReachesAnotherClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// respond answers the request for id; the upstream appends stolen.
		respond func(id, method string) string
	}{
		{"bytes beyond Content-Length", func(id, method string) string {
			return fmt.Sprintf("HTTP/1.1 200 OK\r\nX-Id: %s\r\nContent-Length: %d\r\n\r\n%s", id, len(id), id)
		}},
		{"bytes after a 204", func(id, _ string) string {
			return "HTTP/1.1 204 No Content\r\nX-Id: " + id + "\r\n\r\n"
		}},
		{"a body after a HEAD response", func(id, method string) string {
			// The same answer to GET and HEAD: for HEAD the body is extra.
			return fmt.Sprintf("HTTP/1.1 200 OK\r\nX-Id: %s\r\nContent-Length: %d\r\n\r\n%s", id, len(id), id)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := newRawUpstream(t, func(c net.Conn, _ int, r *http.Request) bool {
				_, err := io.WriteString(c, tc.respond(r.URL.Query().Get("id"), r.Method)+stolen)
				return err == nil
			})
			_, url, _ := start(t, up.URL(), Config{})
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			t.Cleanup(client.CloseIdleConnections)
			var answered, refused atomic.Int32
			get := func(method, id string) {
				req, err := http.NewRequest(method, url+"/v1/webhooks?id="+id, nil)
				require.NoError(t, err)
				resp, err := client.Do(req)
				if !assert.NoError(t, err) {
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusBadGateway:
					refused.Add(1)
					return
				case http.StatusOK, http.StatusNoContent:
				default:
					t.Errorf("%s %s: status %d", method, id, resp.StatusCode)
				}
				answered.Add(1)
				assert.NotContains(t, string(body), "stolen", "%s %s got another response's bytes", method, id)
				assert.Equal(t, id, resp.Header.Get("X-Id"), "%s %s got another response's head", method, id)
				if resp.StatusCode == http.StatusOK && method == http.MethodGet {
					assert.Equal(t, id, string(body), "%s %s", method, id)
				}
			}
			// One client after another, then 16 at once: the transport hands a
			// connection straight to a waiting request.
			for i := 0; i < 20; i++ {
				get(http.MethodGet, fmt.Sprintf("seq%d", i))
				get(http.MethodHead, fmt.Sprintf("seqhead%d", i))
			}
			var wg sync.WaitGroup
			deadline := time.Now().Add(time.Second)
			for c := 0; c < 16; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; time.Now().Before(deadline); i++ {
						method := http.MethodGet
						if i%3 == 2 {
							method = http.MethodHead
						}
						get(method, fmt.Sprintf("c%di%d", c, i))
					}
				}()
			}
			wg.Wait()
			assert.Positive(t, answered.Load())
			// No request went upstream twice.
			seen := map[string]int{}
			for _, r := range up.received() {
				seen[r.Method+" "+r.URI]++
			}
			for k, n := range seen {
				assert.Equal(t, 1, n, "%s reached the upstream %d times", k, n)
			}
			t.Logf("%d answered, %d refused with 502, %d upstream connections", answered.Load(), refused.Load(), up.conns.Load())
		})
	}
}
