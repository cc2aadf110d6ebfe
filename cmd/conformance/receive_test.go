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
	// The library logs records; the CLI writes each as a line for a person.
	assert.Contains(t, stderr.String(), "receive: delivery 1: POST /anything → 204: error notification.signature header:X-Spark-Signature: X-Spark-Signature is not the HMAC-SHA1")
	assert.Contains(t, stderr.String(), "receive: delivery 1: POST /anything → 204: 1 finding\n")
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
		{"--listen", "127.0.0.1:0", "--webhook", "newPet"},
		{"--listen", "127.0.0.1:0", "--spec", "x.yaml"},
		{"--listen", "127.0.0.1:0", "--spec", "x.yaml", "--webhook", "a", "--callback", "op.b"},
		{"--listen", "127.0.0.1:0", "--callback", "nodot"},
		{"--listen", "127.0.0.1:0", "--callback", "createWebhook.nope"},
		{"--listen", "127.0.0.1:0", "--spec", receiveSpec31(t), "--webhook", "nope"},
	} {
		var stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
		assert.Equal(t, exitUsage, cmdReceive(context.Background(), e, args), "%v", args)
		assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line for %v: %q", args, stderr.String())
	}
}

// receiveSpec31 writes an OpenAPI 3.1 document with a top-level webhook
// and an operation with a callback.
func receiveSpec31(t *testing.T) string {
	t.Helper()
	return writeSpec(t, `openapi: 3.1.0
info: {title: pets, version: '1'}
paths:
  /subscriptions:
    post:
      operationId: subscribe
      responses: {'201': {description: subscribed}}
      callbacks:
        petEvent:
          '{$request.body#/url}':
            post:
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Event'}
              responses: {'204': {description: received}}
webhooks:
  newPet:
    post:
      operationId: newPetDelivery
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Event'}
      responses: {'200': {description: received}}
components:
  schemas:
    Event:
      type: object
      required: [kind, pet]
      properties:
        kind: {const: pet.created}
        pet:
          type: object
          required: [name]
          properties:
            name: {type: string}
            tag: {type: [string, "null"]}
`)
}

// receive --spec --webhook judges deliveries against a 3.1 document's
// top-level webhook, and --callback against an operation's callback.
func TestReceiveJudgesAWebhookOrACallbackOfASpec(t *testing.T) {
	t.Parallel()
	spec := receiveSpec31(t)
	for name, args := range map[string][]string{
		"webhook":  {"--spec", spec, "--webhook", "newPet"},
		"callback": {"--spec", spec, "--callback", "subscribe.petEvent"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base, stdout, stderr, stop := receiveStart(t, "a-secret", append(args, "--format", "json")...)
			assert.Contains(t, stderr.String(), "signatures not checked")
			for _, body := range []string{
				`{"kind": "pet.created", "pet": {"name": "Rex", "tag": null}}`,
				`{"kind": "pet.deleted", "pet": {"name": "Rex"}}`,
				`{"kind": "pet.created", "pet": {"tag": 1}}`,
			} {
				resp, err := http.Post(base+"/hook", "application/json", strings.NewReader(body))
				require.NoError(t, err)
				resp.Body.Close()
				require.Equal(t, http.StatusNoContent, resp.StatusCode)
			}
			code := stop()
			var rep receiveReport
			require.NoError(t, json.Unmarshal([]byte(stdout.String()), &rep), stdout.String())
			assert.Equal(t, exitFindings, code, "%s", stderr)
			require.Len(t, rep.Cases, 3)
			assert.Empty(t, rep.Cases[0].Findings)
			var rules [][]string
			for _, c := range rep.Cases[1:] {
				var r []string
				for _, f := range c.Findings {
					r = append(r, f.Rule)
				}
				rules = append(rules, r)
			}
			assert.Equal(t, [][]string{{"request.body.constraint"}, {"request.body.type", "request.body.required"}}, rules)
		})
	}
}
