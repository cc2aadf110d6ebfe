package proxy

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Past the memory budget, an exchange is forwarded untouched and counted
// as not judged, with the reason in the report; every byte held is given
// back once the exchanges are judged.
func TestMemoryBudget(t *testing.T) {
	t.Parallel()
	big := `"` + strings.Repeat("x", 200<<10) + `"`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		if len(got) > 0 {
			_, _ = w.Write(got) // echoes: the response is as large as the request
			return
		}
		_, _ = io.WriteString(w, benchWebhook)
	}))
	t.Cleanup(upstream.Close)
	p, url, _ := start(t, upstream.URL, nil, WithMaxHeldBytes(100<<10))

	resp, body := do(t, http.MethodPut, url+"/v1/webhooks/x", "tok", big)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, big, body, "forwarded untouched")
	_, body = do(t, http.MethodGet, url+"/v1/webhooks/x", "tok", "")
	assert.Equal(t, benchWebhook, body)
	p.Close()

	s := p.Stats()
	assert.Equal(t, int64(1), s.OverBudget)
	assert.Equal(t, int64(1), s.Judged)
	assert.Zero(t, p.Held(), "every buffer is given back")
	rep := p.Report()
	var reason string
	for _, c := range rep.Cases {
		if c.Name == "exchanges not judged" {
			reason = c.Reason
		}
	}
	require.NotEmpty(t, reason)
	assert.Contains(t, reason, "1 because the proxy already held 102400 bytes of bodies, its memory budget (--max-held-bytes)")
}

// 40,000 requests of random methods to random paths that match no
// operation land in a handful of cases, whatever the client chose: before,
// each method got a case (40,000 cases, an 18 MB JSON report).
func TestClientChosenMethodsAndPathsFold(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(upstream.Close)
	p, url, log := start(t, upstream.URL, nil)
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	perWorker := 5000 // 40,000 in all
	if raceEnabled {
		perWorker = 500
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	t.Cleanup(client.CloseIdleConnections)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), 4))
			for i := range perWorker {
				m := make([]byte, 12)
				for j := range m {
					m[j] = letters[rnd.IntN(len(letters))]
				}
				method := string(m)
				if i%10 == 0 {
					method = http.MethodGet // a standard method, still no operation
				}
				req, err := http.NewRequest(method, fmt.Sprintf("%s/v1/x%d/%d", url, w, i), nil)
				if !assert.NoError(t, err) {
					return
				}
				resp, err := client.Do(req)
				if !assert.NoError(t, err) {
					return
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	p.Close()
	rep := p.Report()
	var names []string
	for _, c := range rep.Cases {
		names = append(names, c.Name)
	}
	assert.ElementsMatch(t, []string{
		fmt.Sprintf("(other method) (no documented operation) → 404 (%d exchanges)", 8*perWorker*9/10),
		fmt.Sprintf("GET (no documented operation) → 404 (%d exchanges)", 8*perWorker/10),
	}, names)
	assert.Less(t, strings.Count(log.String(), "\n"), 20, "a log line per new kind of finding per case")
}
