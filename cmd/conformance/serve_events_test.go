package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServeDeliversEventsAndDeactivates(t *testing.T) {
	t.Parallel()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	base, _, stop := serveStart(t, "--deactivate-after", "2/1m", "--token", "x")
	created := serveDo(t, "POST", base+"/webhooks", "x",
		`{"name":"a","targetUrl":"`+failing.URL+`","resource":"messages","event":"created"}`)
	require.Equal(t, 200, created.StatusCode)
	var hook struct{ ID, Status string }
	require.NoError(t, json.NewDecoder(created.Body).Decode(&hook))

	events := strings.TrimSuffix(base, "/v1") + "/_mock/events"
	assert.Equal(t, 401, serveDo(t, "POST", events, "", `{"resource":"messages","event":"created"}`).StatusCode)
	for i, wantDeactivated := range []bool{false, true} {
		r := serveDo(t, "POST", events, "x", `{"resource":"messages","event":"created","data":{"id":"m"}}`)
		require.Equal(t, 200, r.StatusCode)
		var got struct {
			Deliveries []struct {
				WebhookID   string `json:"webhookId"`
				Status      int    `json:"status"`
				Error       string `json:"error"`
				Deactivated bool   `json:"deactivated"`
			} `json:"deliveries"`
		}
		require.NoError(t, json.NewDecoder(r.Body).Decode(&got))
		require.Len(t, got.Deliveries, 1, "emit %d", i)
		d := got.Deliveries[0]
		assert.Equal(t, hook.ID, d.WebhookID)
		assert.Equal(t, 500, d.Status)
		assert.NotEmpty(t, d.Error)
		assert.Equal(t, wantDeactivated, d.Deactivated, "emit %d", i)
	}
	r := serveDo(t, "GET", base+"/webhooks/"+hook.ID, "x", "")
	require.NoError(t, json.NewDecoder(r.Body).Decode(&hook))
	assert.Equal(t, "inactive", hook.Status)
	assert.Equal(t, exitOK, stop())
}

func TestServeBadDeactivateAfter(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"100", "0/5m", "x/5m", "100/0s", "100/soon", "-1/5m"} {
		var stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
		code := cmdServe(context.Background(), e, []string{"--deactivate-after", v})
		assert.Equal(t, exitUsage, code, v)
		assert.Contains(t, stderr.String(), "--deactivate-after", v)
		assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
	}
}

func TestShortDuration(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "5m", shortDuration(5*60e9))
	assert.Equal(t, "2h", shortDuration(2*3600e9))
	assert.Equal(t, "1m30s", shortDuration(90e9))
}
