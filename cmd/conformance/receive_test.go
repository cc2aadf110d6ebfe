package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

var receiveURLLine = regexp.MustCompile(`deliveries to (http://127\.0\.0\.1:\d+)`)

// receiveStart runs `conformance receive` with args on a free loopback port
// and returns its URL, its stdout and stderr, and a stop function that
// sends the signal and returns the exit code.
func receiveStart(t *testing.T, secret string, args ...string) (string, *serveBuffer, *serveBuffer, func() int) {
	t.Helper()
	return startCommand(t, "receive", cmdReceive, receiveURLLine, map[string]string{"WEBEX_WEBHOOK_SECRET": secret}, args...)
}

type receiveReport struct {
	Outcome string `json:"outcome"`
	Summary struct {
		Cases, Passed, Failed int
	} `json:"summary"`
	Cases []struct {
		Name     string `json:"name"`
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"findings"`
	} `json:"cases"`
}

func TestReceivePassesTheMocksDeliveriesAndCatchesAForgedOne(t *testing.T) {
	t.Parallel()
	const secret = "cli-receive-secret"
	base, stdout, stderr, stop := receiveStart(t, secret, "--path", "/webex", "--format", "json")

	webex := mock.New(mock.WithTokens("t"))
	api := httptest.NewServer(webex)
	defer api.Close()
	client, err := gen.NewClientWithResponses(api.URL+mock.BasePath, gen.WithBearerToken("t"))
	require.NoError(t, err)
	s := secret
	for _, h := range []gen.CreateWebhookRequest{
		{Name: "messages", TargetURL: base + "/webex", Resource: "messages", Event: "created", Secret: &s},
		{Name: "firehose", TargetURL: base + "/webex", Resource: "all", Event: "all", Secret: &s},
	} {
		_, err := gen.Check(client.CreateWebhookWithResponse(context.Background(), h))
		require.NoError(t, err)
	}
	for _, ev := range []mock.Event{
		{Resource: "messages", Event: "created", Data: map[string]any{"roomId": "r"}},
		{Resource: "rooms", Event: "deleted"},
	} {
		ds, err := webex.Emit(context.Background(), ev)
		require.NoError(t, err)
		for _, d := range ds {
			require.True(t, d.Delivered(), "%+v", d)
		}
	}
	code := stop()
	var rep receiveReport
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &rep), stdout.String())
	assert.Equal(t, exitOK, code, "%s", stderr)
	assert.Equal(t, "conformant", rep.Outcome)
	assert.Equal(t, 3, rep.Summary.Passed)
	assert.Contains(t, stderr.String(), "3 deliveries judged")

	// Again, with one delivery signed with another key.
	base, stdout, stderr, stop = receiveStart(t, secret, "--format", "json")
	body := `{"id":"w","name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created","orgId":"o",` +
		`"createdBy":"p","appId":"a","ownedBy":"creator","status":"active","created":"2026-01-02T03:04:05Z","actorId":"p","data":{"id":"m"}}`
	req, err := http.NewRequest(http.MethodPost, base+"/anything", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Spark-Signature", gen.Sign("forger", []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "notification.signature") }, 5*time.Second, 5*time.Millisecond,
		"the finding is logged as it arrives")
	code = stop()
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &rep), stdout.String())
	assert.Equal(t, exitFindings, code)
	assert.Equal(t, "nonconformant", rep.Outcome)
	require.Len(t, rep.Cases, 1)
	require.Len(t, rep.Cases[0].Findings, 1)
	assert.Equal(t, "notification.signature", rep.Cases[0].Findings[0].Rule)
	assert.NotContains(t, stdout.String()+stderr.String(), secret)
}

func TestReceiveWithoutDeliveriesIsUntested(t *testing.T) {
	t.Parallel()
	_, stdout, stderr, stop := receiveStart(t, "")
	assert.Contains(t, stderr.String(), "signatures not checked")
	assert.Equal(t, exitUntestable, stop())
	assert.Contains(t, stdout.String(), "no delivery was received")
}

func TestReceiveBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{},
		{"--listen", "127.0.0.1:0", "--path", "webex"},
		{"--listen", "256.0.0.1:1"},
		{"--listen", "127.0.0.1:0", "--fail-on", "sometimes"},
		{"--listen", "127.0.0.1:0", "--format", "pdf"},
	} {
		var stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
		assert.Equal(t, exitUsage, cmdReceive(context.Background(), e, args), "%v", args)
		assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line for %v: %q", args, stderr.String())
	}
}
