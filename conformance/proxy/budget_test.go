package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
