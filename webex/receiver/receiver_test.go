package receiver_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/webex/receiver"
)

const secret = "receiver-test-secret"

const envelope = `{"id":"wh-1","name":"n","targetUrl":"https://example.com/hook","resource":"messages","event":"created",
"orgId":"o","createdBy":"p","appId":"a","ownedBy":"creator","status":"active","created":"2026-01-02T03:04:05.000Z",
"actorId":"p","data":{"id":"msg-1","roomId":"room-1"}}`

// newReceiver builds a receiver whose engine redacts secret.
func newReceiver(t *testing.T, secret string, opts ...receiver.Option) *receiver.Receiver {
	t.Helper()
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(secret))
	require.NoError(t, err)
	rcv, err := receiver.New(eng, append(opts, receiver.WithSecret(secret))...)
	require.NoError(t, err)
	return rcv
}

// deliver POSTs body to h with the given signature headers and content type.
func deliver(t *testing.T, h http.Handler, path, body, contentType string, signatures ...string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, s := range signatures {
		req.Header.Add(gen.SignatureHeader, s)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func rulesOf(fs []conformance.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Rule.ID()+" "+f.Pointer)
	}
	return out
}

func TestSignatureRule(t *testing.T) {
	t.Parallel()
	good := gen.Sign(secret, []byte(envelope))
	tampered := strings.Replace(envelope, "msg-1", "msg-2", 1)
	cases := []struct {
		name       string
		secret     string
		body       string
		signatures []string
		want       []string
		actual     string
	}{
		{name: "signed", secret: secret, body: envelope, signatures: []string{good}, want: []string{}},
		{name: "missing", secret: secret, body: envelope, want: []string{"notification.signature header:X-Spark-Signature"}, actual: "absent"},
		{name: "malformed", secret: secret, body: envelope, signatures: []string{"sha1=" + good},
			want: []string{"notification.signature header:X-Spark-Signature"}, actual: `"sha1=` + good + `"`},
		{name: "upper case", secret: secret, body: envelope, signatures: []string{strings.ToUpper(good)},
			want: []string{"notification.signature header:X-Spark-Signature"}},
		{name: "wrong secret", secret: secret, body: envelope, signatures: []string{gen.Sign("other", []byte(envelope))},
			want: []string{"notification.signature header:X-Spark-Signature"}},
		{name: "tampered body", secret: secret, body: tampered, signatures: []string{good},
			want: []string{"notification.signature header:X-Spark-Signature"}},
		{name: "two headers", secret: secret, body: envelope, signatures: []string{good, good},
			want: []string{"notification.signature header:X-Spark-Signature"}, actual: "2 values"},
		{name: "no secret: unsigned is fine", body: envelope, want: []string{}},
		{name: "no secret: any well-formed signature is fine", body: envelope, signatures: []string{gen.Sign("x", nil)}, want: []string{}},
		{name: "no secret: the shape is still judged", body: envelope, signatures: []string{"nope"},
			want: []string{"request.parameter header:X-Spark-Signature"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rcv := newReceiver(t, c.secret)
			req := httptest.NewRequest(http.MethodPost, "/hook", nil)
			req.Header.Set("Content-Type", "application/json")
			for _, s := range c.signatures {
				req.Header.Add(gen.SignatureHeader, s)
			}
			fs := rcv.Judge(req, []byte(c.body))
			assert.Equal(t, c.want, rulesOf(fs))
			for _, f := range fs {
				assert.Equal(t, conformance.SeverityError, f.Severity)
				assert.Equal(t, "receiveWebhookNotification", f.Operation)
				if c.actual != "" {
					assert.Equal(t, c.actual, f.Actual)
				}
			}
		})
	}
}

func TestEnvelopeJudgedByTheRequestRules(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "")
	cases := map[string]struct {
		body, contentType string
		want              []string
	}{
		"envelope":           {envelope, "application/json", []string{}},
		"actorId missing":    {strings.Replace(envelope, `"actorId":"p",`, "", 1), "application/json", []string{"request.body.required /actorId"}},
		"unknown resource":   {strings.Replace(envelope, `"resource":"messages"`, `"resource":"kittens"`, 1), "application/json", []string{"request.body.enum /resource"}},
		"created not a date": {strings.Replace(envelope, `2026-01-02T03:04:05.000Z`, `yesterday`, 1), "application/json", []string{"request.body.format /created"}},
		"data without id":    {strings.Replace(envelope, `"id":"msg-1",`, "", 1), "application/json", []string{"request.body.required /data/id"}},
		"undocumented field": {strings.Replace(envelope, `"actorId":"p"`, `"actorId":"p","colour":"red"`, 1), "application/json", []string{"request.body.undocumented /colour"}},
		"not JSON":           {`{"id":`, "application/json", []string{"request.body.json "}},
		"text body":          {envelope, "text/plain", []string{"request.content-type header:Content-Type"}},
	}
	for name, c := range cases {
		req := httptest.NewRequest(http.MethodPost, "/hook", nil)
		req.Header.Set("Content-Type", c.contentType)
		got := rulesOf(rcv.Judge(req, []byte(c.body)))
		for i, r := range got {
			got[i] = strings.TrimSpace(r)
		}
		want := make([]string, len(c.want))
		for i, r := range c.want {
			want[i] = strings.TrimSpace(r)
		}
		assert.Equal(t, want, got, name)
	}
}

func TestReceiverAnswers(t *testing.T) {
	t.Parallel()
	anyPath := newReceiver(t, "")
	assert.Equal(t, http.StatusNoContent, deliver(t, anyPath, "/anywhere", envelope, "application/json"))
	assert.Equal(t, http.StatusNoContent, deliver(t, anyPath, "/", "garbage", ""), "judged, and still 204")
	rec := httptest.NewRecorder()
	anyPath.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/hook", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, 2, anyPath.Deliveries())

	one := newReceiver(t, "", receiver.WithPath("/hook"))
	assert.Equal(t, http.StatusNoContent, deliver(t, one, "/hook", envelope, "application/json"))
	assert.Equal(t, http.StatusNotFound, deliver(t, one, "/other", envelope, "application/json"))
	assert.Equal(t, 1, one.Deliveries())
}

func TestReportCasesAndFolding(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	rcv := newReceiver(t, secret, receiver.WithMaxCases(2), receiver.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	empty := rcv.Report()
	assert.Equal(t, report.Untested, empty.Outcome, "nothing received, nothing judged")

	good := gen.Sign(secret, []byte(envelope))
	deliver(t, rcv, "/hook", envelope, "application/json", good)
	deliver(t, rcv, "/hook", envelope, "application/json") // unsigned
	for range 3 {
		deliver(t, rcv, "/hook", envelope, "application/json", "0000000000000000000000000000000000000000")
	}
	deliver(t, rcv, "/hook", envelope, "application/json", good)
	deliver(t, rcv, "/other", envelope, "application/json", good)

	rep := rcv.Report()
	require.Len(t, rep.Cases, 4)
	assert.Equal(t, report.VerdictPass, rep.Cases[0].Verdict)
	assert.Contains(t, rep.Cases[0].Name, "delivery 1: POST /hook: messages created (webhook wh-1)")
	assert.Equal(t, report.VerdictFail, rep.Cases[1].Verdict)
	assert.Equal(t, "absent", rep.Cases[1].Findings[0].Actual)
	folded := rep.Cases[2]
	assert.Equal(t, "POST /hook → 204 (4 more deliveries after the first 2)", folded.Name)
	require.Len(t, folded.Findings, 1)
	assert.Contains(t, folded.Findings[0].Message, "(in 3 of 4 deliveries)")
	assert.Equal(t, "POST /other → 204 (1 more delivery after the first 2)", rep.Cases[3].Name)
	assert.Equal(t, report.VerdictPass, rep.Cases[3].Verdict)
	rep.Conclude(conformance.SeverityDrift)
	assert.Equal(t, report.Nonconformant, rep.Outcome)
	// Every delivery judged is in the coverage of the contract.
	require.NotNil(t, rep.Coverage)
	require.Len(t, rep.Coverage.Operations, 1)
	assert.Equal(t, 7, rep.Coverage.Operations[0].Requests)
	assert.Positive(t, rep.Coverage.Totals.Properties.Judged)

	lines := log.String()
	assert.Contains(t, lines, `level=INFO msg=finding case="delivery 2" method=POST path=/hook status=204 severity=error rule=notification.signature pointer=header:X-Spark-Signature`)
	assert.Equal(t, 1, strings.Count(lines, "0000000000000000000000000000000000000000"), "a folded case logs a kind of finding once")
}

func TestSecretNeverShown(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	rcv := newReceiver(t, secret, receiver.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	body := strings.Replace(envelope, `"name":"n"`, `"name":"`+secret+`"`, 1)
	deliver(t, rcv, "/hook", body, "application/json", secret) // the secret sent as the signature
	rep := rcv.Report()
	var out bytes.Buffer
	require.NoError(t, report.Write(&out, report.JSON, rep))
	assert.NotContains(t, out.String(), secret)
	assert.NotContains(t, log.String(), secret)
	assert.Contains(t, out.String(), "notification.signature")
}

// Every delivery the mock makes, to every kind of webhook, passes with no
// finding; one forged delivery among them is caught.
func TestMockDeliveriesPass(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	rcv := newReceiver(t, secret, receiver.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	target := httptest.NewServer(rcv)
	defer target.Close()

	webex := mock.New(mock.WithTokens("t"))
	api := httptest.NewServer(webex)
	defer api.Close()
	client, err := gen.NewClientWithResponses(api.URL+mock.BasePath, gen.WithBearerToken("t"))
	require.NoError(t, err)
	ctx := context.Background()
	s := secret
	org := gen.OwnedByOrg("org")
	for i, h := range []gen.CreateWebhookRequest{
		{Resource: "messages", Event: "created"},
		{Resource: "all", Event: "all"},
		{Resource: "rooms", Event: "all", Filter: ptr("type=group")},
		{Resource: "memberships", Event: "deleted", OwnedBy: &org},
		{Resource: "meetings", Event: "started"},
		{Resource: "attachmentActions", Event: "created", Filter: ptr("roomId=r1")},
		{Resource: "telephony_calls", Event: "updated"},
	} {
		h.Name, h.TargetURL, h.Secret = fmt.Sprintf("hook %d", i), target.URL+"/webex/"+string(h.Resource), &s
		_, err := gen.Check(client.CreateWebhookWithResponse(ctx, h))
		require.NoError(t, err)
	}
	events := []mock.Event{
		{Resource: "messages", Event: "created", ActorID: "a", Data: map[string]any{"id": "m1", "roomId": "r1", "personEmail": "ann@example.com"}},
		{Resource: "messages", Event: "deleted"},
		{Resource: "rooms", Event: "updated", Data: map[string]any{"type": "group", "isLocked": false}},
		{Resource: "memberships", Event: "deleted", Data: map[string]any{"id": "ms", "roomId": "r1", "isModerator": true}},
		{Resource: "meetings", Event: "started", Data: map[string]any{"meetingId": "x", "nested": map[string]any{"a": []any{1, "b"}}}},
		{Resource: "attachmentActions", Event: "created", Data: map[string]any{"id": "aa", "roomId": "r1"}},
		{Resource: "telephony_calls", Event: "updated", Data: map[string]any{"callId": "c"}},
	}
	var wg sync.WaitGroup
	total := 0
	for _, ev := range events {
		ds, err := webex.Emit(ctx, ev)
		require.NoError(t, err)
		require.NotEmpty(t, ds, "%s %s reached no webhook", ev.Resource, ev.Event)
		for _, d := range ds {
			require.True(t, d.Delivered(), "%+v", d)
		}
		total += len(ds)
		// The same again, concurrently, as a busy sender would.
		wg.Go(func() {
			ds, err := webex.Emit(ctx, ev)
			assert.NoError(t, err)
			assert.NotEmpty(t, ds)
		})
	}
	wg.Wait()
	total *= 2
	rep := rcv.Report()
	require.Len(t, rep.Cases, total)
	for _, c := range rep.Cases {
		assert.Empty(t, c.Findings, "%s", c.Name)
	}
	rep.Conclude(conformance.SeverityDrift)
	assert.Equal(t, report.Conformant, rep.Outcome, rep.Reason)

	// A forged delivery: the mock's envelope, re-signed with another key.
	req, err := http.NewRequest(http.MethodPost, target.URL+"/webex/messages", strings.NewReader(envelope))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(gen.SignatureHeader, gen.Sign("not the secret", []byte(envelope)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	rep = rcv.Report()
	last := rep.Cases[len(rep.Cases)-1]
	assert.Equal(t, []string{"notification.signature header:X-Spark-Signature"}, rulesOf(last.Findings))
	assert.NotContains(t, log.String(), secret)
}

func ptr[T any](v T) *T { return &v }

// A public OpenAPI 3.1 document's top-level webhook holds the deliveries:
// the OpenAPI Initiative's webhook example, newPet.
func TestWebhookOfAPublic31Document(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../conformance/testdata/oas31/public/oai-webhook-example.yaml")
	require.NoError(t, err)
	eng, err := conformance.New(doc)
	require.NoError(t, err)
	_, err = receiver.New(eng)
	require.Error(t, err, "the document has no Webex notification callback")
	_, err = receiver.New(eng, receiver.WithWebhook("oldPet"))
	require.ErrorContains(t, err, `no webhook "oldPet" (the document has newPet)`)
	rcv, err := receiver.New(eng, receiver.WithWebhook("newPet"))
	require.NoError(t, err)
	for body, rules := range map[string][]conformance.Rule{
		`{"id": 1, "name": "Rex", "tag": "dog"}`: nil,
		`{"id": 1.5, "name": "Rex"}`:             {conformance.RuleRequestBodyType},
		`{"name": "Rex"}`:                        {conformance.RuleRequestBodyRequired},
	} {
		assert.Equal(t, http.StatusNoContent, deliver(t, rcv, "/hook", body, "application/json"), body)
		r, _ := http.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var got []conformance.Rule
		for _, f := range rcv.Judge(r, []byte(body)) {
			got = append(got, f.Rule)
		}
		assert.Equal(t, rules, got, body)
	}
	rep := rcv.Report()
	require.Len(t, rep.Cases, 3)
	assert.Equal(t, "webhooks.newPet", rep.Cases[0].Operation)
}
