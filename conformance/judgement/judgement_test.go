package judgement_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

func engine(t *testing.T) *conformance.Engine {
	t.Helper()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	return eng
}

const errBody = `{"message":"no","trackingId":"ROUTER_1"}`

// exchange is method path answered status with a JSON body, TrackingID
// and, when token, a bearer token on the request.
func exchange(method, path string, token bool, body string, status int, respBody string) *conformance.Exchange {
	u, _ := url.Parse("https://webexapis.com" + path)
	h := http.Header{}
	if token {
		h.Set("Authorization", "Bearer abcdefgh0123")
	}
	x := &conformance.Exchange{
		Request:  conformance.Request{Method: method, URL: u, Header: h},
		Response: conformance.Response{Status: status, Header: http.Header{"Trackingid": {"ROUTER_1"}}},
	}
	if body != "" {
		x.Request.Body = []byte(body)
		x.Request.Header.Set("Content-Type", "application/json")
	}
	if respBody != "" {
		x.Response.Body = []byte(respBody)
		x.Response.Header.Set("Content-Type", "application/json")
	}
	return x
}

func rules(c report.Case) []string {
	out := []string{}
	for _, f := range c.Findings {
		out = append(out, f.Rule.ID()+"@"+string(f.Side))
	}
	return out
}

func TestUndocumentedMethodOrPathIsTheClients(t *testing.T) {
	t.Parallel()
	eng := engine(t)
	for _, x := range []*conformance.Exchange{
		exchange("PATCH", "/v1/webhooks", true, "", 405, errBody), // a correct 405
		exchange("GET", "/v1/rooms", true, "", 404, errBody),      // a correct 404
		exchange("GET", "/v1/rooms", true, "", 200, "{}"),         // anything else
	} {
		c := judgement.New(eng).Case(x)
		assert.Equal(t, []string{"operation.unknown@request"}, rules(c), "%s %s → %d", x.Request.Method, x.Request.URL.Path, x.Response.Status)
		assert.Equal(t, report.VerdictFail, verdict(c))

		c = judgement.New(eng, judgement.WithSides(conformance.JudgeResponses)).Case(x)
		assert.Empty(t, c.Findings, "never the server's")
		assert.Equal(t, report.VerdictSkip, c.Verdict)
		assert.Contains(t, c.Reason, "the client's request, not judged")
	}
}

func verdict(c report.Case) report.Verdict {
	r := &report.Report{}
	r.Add(c)
	return r.Cases[0].Verdict
}

func TestSidesCountOnlyWhatIsJudged(t *testing.T) {
	t.Parallel()
	eng := engine(t)
	// A sloppy client (no token, an undocumented property) in front of a
	// faithful server (401 with a Webex error) and the other way round.
	sloppyClient := exchange("POST", "/v1/webhooks", false, `{"name":"n","targetUrl":"https://x.example","resource":"all","event":"all","color":"red"}`, 401, errBody)
	sloppyServer := exchange("GET", "/v1/webhooks/abc", true, "", 200, `{"id":1}`)

	both := judgement.New(eng)
	assert.ElementsMatch(t, []string{"request.security@request", "request.body.undocumented@request"}, rules(both.Case(sloppyClient)))
	assert.Contains(t, rules(both.Case(sloppyServer)), "body.type@response")

	responses := judgement.New(eng, judgement.WithSides(conformance.JudgeResponses))
	assert.Empty(t, responses.Case(sloppyClient).Findings)
	assert.Contains(t, rules(responses.Case(sloppyServer)), "body.type@response")

	requests := judgement.New(eng, judgement.WithSides(conformance.JudgeRequests))
	assert.ElementsMatch(t, []string{"request.security@request", "request.body.undocumented@request"}, rules(requests.Case(sloppyClient)))
	assert.Empty(t, requests.Case(sloppyServer).Findings)
}

func TestCredentialsPolicy(t *testing.T) {
	t.Parallel()
	j := judgement.New(engine(t))
	accepted := exchange("GET", "/v1/webhooks/abc", false, "", 404, errBody)
	accepted.Response.Status = 200
	accepted.Response.Body = []byte(`{"id":"abc","name":"n","targetUrl":"https://x.example","resource":"all","event":"all","status":"active","created":"2015-10-18T14:26:16Z"}`)

	// As sent (the proxy, the transport, a recording this project wrote):
	// no credential was sent.
	assert.Equal(t, []string{"request.security@request"}, rules(j.Case(accepted)))

	// A recorder that may drop credentials: the server accepted the
	// request, so it had one.
	accepted.Request.Credentials = conformance.CredentialsMayBeDropped
	assert.Equal(t, []string{"request.unjudged@request"}, rules(j.Case(accepted)))
	refused := exchange("GET", "/v1/webhooks/abc", false, "", 401, errBody)
	refused.Request.Credentials = conformance.CredentialsMayBeDropped
	assert.Equal(t, []string{"request.security@request"}, rules(j.Case(refused)), "refused: it had none")

	// None could be given.
	accepted.Request.Credentials = conformance.CredentialsNotGiven
	assert.Equal(t, []string{"request.unjudged@request"}, rules(j.Case(accepted)))
}

func TestUnjudgedHalves(t *testing.T) {
	t.Parallel()
	j := judgement.New(engine(t))
	x := exchange("GET", "/v1/webhooks/abc", true, "", 0, "")
	x.Response.Unjudged = "no response: connection refused"
	c := j.Case(x)
	assert.Equal(t, report.VerdictSkip, c.Verdict)
	assert.Equal(t, "no response: connection refused", c.Reason)
	assert.Equal(t, "getWebhookDetails", c.Operation)

	x = exchange("POST", "/v1/webhooks", true, "", 200, "")
	x.Request.Unjudged = "the request body was not kept"
	x.Response.Unjudged = "too-large"
	c = j.Case(x)
	assert.Equal(t, []string{"request.unjudged@request"}, rules(c))
	assert.Equal(t, report.VerdictSkip, c.Verdict)

	var seen []string
	obs := judgement.ObserverFunc(func(x conformance.Exchange, op conformance.Operation, ok bool, c report.Case) {
		seen = append(seen, op.ID)
	})
	judgement.New(engine(t), judgement.WithObserver(obs)).Case(exchange("GET", "/v1/webhooks", true, "", 200, `{"items":[]}`))
	assert.Equal(t, []string{"listWebhooks"}, seen)
}

// WithContract judges every exchange as a request of a callback, whatever
// its path, and not the response (the receiver's own); WithCheck adds a
// layer's findings, kept only for the sides judged.
func TestContractAndCheck(t *testing.T) {
	t.Parallel()
	eng := engine(t)
	rc, err := eng.CompileCallback("createWebhook", "notification", http.MethodPost)
	require.NoError(t, err)
	mark := func(x conformance.Exchange, op conformance.Operation, ok bool, fs []conformance.Finding) []conformance.Finding {
		f := conformance.NewFinding(conformance.RuleRequestParameter, "header:X-Check", "the check ran on "+op.ID, "", "")
		return append(fs, f)
	}
	x := exchange("POST", "/anywhere/at/all", false, `{"id":"w"}`, 204, "")
	c := judgement.New(eng, judgement.WithContract(rc), judgement.WithCheck(mark)).Case(x)
	assert.Equal(t, rc.Operation(), c.Operation)
	assert.Equal(t, "/anywhere/at/all", c.Path, "the request's path: a contract has no template")
	assert.Contains(t, rules(c), "request.body.required@request")
	last := c.Findings[len(c.Findings)-1]
	assert.Equal(t, "the check ran on "+rc.Operation(), last.Message)
	for _, f := range c.Findings {
		assert.Equal(t, conformance.SideRequest, f.Side, "the response is not judged")
	}

	c = judgement.New(eng, judgement.WithContract(rc), judgement.WithCheck(mark), judgement.WithSides(conformance.JudgeResponses)).Case(x)
	assert.Empty(t, c.Findings, "a delivery is the sender's request: judging responses, nothing of it counts")

	// A check on an ordinary judge sees the operation matched.
	ok := exchange("GET", "/v1/webhooks", true, "", 200, `{"items":[]}`)
	c = judgement.New(eng, judgement.WithCheck(mark)).Case(ok)
	assert.Equal(t, []string{"request.parameter@request"}, rules(c))
	assert.Equal(t, "the check ran on listWebhooks", c.Findings[0].Message)
	assert.Empty(t, judgement.New(eng).Case(ok).Findings, "quiet without the check")
}

// An operation whose description cannot be read (the document is compiled
// one operation at a time) makes a skipped case that says why, judging
// either side: untested is never a pass.
func TestUnreadableOperationIsSkipped(t *testing.T) {
	t.Parallel()
	const spec = `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
  "paths": {"/things": {
    "get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}},
    "post": {"operationId": "makeThing", "responses": {"201": {"description": "made",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Broken"}}}}}}}},
  "components": {"schemas": {"Broken": {"type": "object", "required": 5}}}}`
	eng, err := conformance.New([]byte(spec))
	require.NoError(t, err)
	for _, sides := range []conformance.Sides{conformance.JudgeBoth, conformance.JudgeRequests, conformance.JudgeResponses} {
		t.Run(sides.String(), func(t *testing.T) {
			u, _ := url.Parse("https://api.example.com/things")
			x := &conformance.Exchange{
				Request:  conformance.Request{Method: "POST", URL: u},
				Response: conformance.Response{Status: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`)},
			}
			c := judgement.New(eng, judgement.WithSides(sides)).Case(x)
			assert.Equal(t, report.VerdictSkip, c.Verdict)
			assert.Equal(t, "makeThing", c.Operation)
			assert.Contains(t, c.Reason, "cannot be read")
			assert.Empty(t, c.Findings)

			x.Request.Method = "GET"
			x.Response = conformance.Response{Status: 200}
			c = judgement.New(eng, judgement.WithSides(sides)).Case(x)
			assert.NotEqual(t, report.VerdictSkip, c.Verdict, "the readable operation is judged")
			assert.Empty(t, c.Findings)
		})
	}
}
