package conformance

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

// testShopEngine judges by testdata/requests.yaml: parameter styles,
// security schemes and media types the Webex spec does not use.
var testShopEngine = onceEngine(func() (*Engine, error) {
	doc, err := os.ReadFile("testdata/requests.yaml")
	if err != nil {
		return nil, err
	}
	return New(doc)
})

const bearer = "Authorization: Bearer test-token-123456"

// request builds an exchange whose request is under test; target is the
// path and query, headers are "Name: value" lines. The response is left
// empty: the request rules do not look at it.
func request(method, target, body string, headers ...string) *Exchange {
	host := "https://webexapis.com"
	if strings.HasPrefix(target, "/api") || strings.HasPrefix(target, "/open") {
		host = "https://shop.example"
	}
	u, err := url.Parse(host + target)
	if err != nil {
		panic(err)
	}
	x := &Exchange{Request: Request{Method: method, URL: u, Header: headerLines(headers)}}
	if body != "" {
		x.Request.Body = []byte(body)
	}
	return x
}

const createBody = `{"name":"n","targetUrl":"https://example.com/hook","resource":"messages","event":"created"}`

func create(t testing.TB, edits map[string]any, headers ...string) *Exchange {
	t.Helper()
	return request("POST", "/v1/webhooks", editJSON(t, createBody, edits), append([]string{bearer, jsonCT}, headers...)...)
}

func TestRequestRulesFireAndStayQuiet(t *testing.T) {
	t.Parallel()
	wh := testEngine(t)
	shop := testShopEngine(t)
	smallBody, err := New(api.Spec, WithMaxBodyBytes(50))
	require.NoError(t, err)
	shallow, err := New(api.Spec, WithMaxDepth(2))
	require.NoError(t, err)
	item := func(query string, headers ...string) *Exchange {
		return request("GET", "/api/items/7.json"+query, "", append([]string{"X-Api-Key: k", "X-Trace: 0af"}, headers...)...)
	}

	type side struct {
		eng *Engine
		x   *Exchange
	}
	cases := []struct {
		rule    Rule
		pointer string
		fire    side
		quiet   side
	}{
		{RuleRequestParameter, "query:max", side{wh, request("GET", "/v1/webhooks?max=0", "", bearer)}, side{wh, request("GET", "/v1/webhooks?max=10&ownedBy=org", "", bearer)}},
		{RuleRequestParameter, "query:max", side{wh, request("GET", "/v1/webhooks?max=ten", "", bearer)}, side{wh, request("GET", "/v1/webhooks?max=%2B5", "", bearer)}},
		{RuleRequestParameter, "query:max", side{wh, request("GET", "/v1/webhooks?max=2.5", "", bearer)}, side{wh, request("GET", "/v1/webhooks?max=1", "", bearer)}},
		{RuleRequestParameter, "query:max", side{wh, request("GET", "/v1/webhooks?max=1e2", "", bearer)}, side{wh, request("GET", "/v1/webhooks?max=007", "", bearer)}},
		{RuleRequestParameter, "query:max", side{wh, request("GET", "/v1/webhooks?max=1&max=2", "", bearer)}, side{wh, request("GET", "/v1/webhooks?other=1&other=2", "", bearer)}},
		{RuleRequestParameter, "query:ownedBy", side{wh, request("GET", "/v1/webhooks?ownedBy=everyone", "", bearer)}, side{wh, request("GET", "/v1/webhooks?owned%42y=org", "", bearer)}},
		{RuleRequestParameter, "query:ownedBy", side{wh, request("GET", "/v1/webhooks?ownedBy=%zz", "", bearer)}, side{wh, request("GET", "/v1/webhooks?ownedBy=%6Frg", "", bearer)}},
		{RuleRequestParameter, "path:id", side{shop, request("GET", "/api/items/0.json", "", "X-Api-Key: k", "X-Trace: 1")}, side{shop, request("GET", "/api/items/12.json", "", "X-Api-Key: k", "X-Trace: 1")}},
		{RuleRequestParameter, "path:id", side{shop, request("GET", "/api/items/x1.json", "", "X-Api-Key: k", "X-Trace: 1")}, side{shop, request("GET", "/api/items/%31.json", "", "X-Api-Key: k", "X-Trace: 1")}},
		{RuleRequestParameter, "query:tags/1", side{shop, item("?tags=red,green")}, side{shop, item("?tags=red,blue")}},
		{RuleRequestParameter, "query:ids/1", side{shop, item("?ids=1&ids=x")}, side{shop, item("?ids=1&ids=2")}},
		{RuleRequestParameter, "query:ids", side{shop, item("?ids=1&ids=2&ids=3&ids=4")}, side{shop, item("?ids=1&ids=2&ids=3")}},
		{RuleRequestParameter, "query:flag", side{shop, item("?flag=yes")}, side{shop, item("?flag=false")}},
		{RuleRequestParameter, "query:words/1", side{shop, item("?words=ab%20c")}, side{shop, item("?words=ab+cd")}},
		{RuleRequestParameter, "query:mode", side{shop, item("?mode=turbo")}, side{shop, item("?mode=slow")}},
		{RuleRequestParameter, "header:X-Trace", side{shop, request("GET", "/api/items/7.json", "", "X-Api-Key: k")}, side{shop, item("")}},
		{RuleRequestParameter, "header:X-Trace", side{shop, request("GET", "/api/items/7.json", "", "X-Api-Key: k", "X-Trace: XYZ")}, side{shop, item("")}},
		{RuleRequestParameter, "query:range", side{shop, item("?range[lo]=low")}, side{shop, item("?range[lo]=1&range[hi]=2")}},
		{RuleRequestSecurity, "header:Authorization", side{wh, request("GET", "/v1/webhooks", "")}, side{wh, request("GET", "/v1/webhooks", "", bearer)}},
		{RuleRequestSecurity, "header:Authorization", side{wh, request("GET", "/v1/webhooks", "", "Authorization: Basic dXNlcjpwYXNzd29yZA==")}, side{wh, request("GET", "/v1/webhooks", "", "authorization: bearer abc")}},
		{RuleRequestSecurity, "header:Authorization", side{wh, request("GET", "/v1/webhooks", "", "Authorization: Bearer ")}, side{shop, request("GET", "/open", "")}},
		{RuleRequestSecurity, "header:X-Api-Key", side{shop, request("GET", "/api/items/7.json", "", "X-Trace: 1", "Authorization: Basic x")}, side{shop, request("GET", "/api/items/7.json", "", "X-Trace: 1", bearer)}},
		{RuleRequestSecurity, "query:api_key", side{shop, request("PUT", "/api/items", "[]", jsonCT)}, side{shop, request("PUT", "/api/items?api_key=k", "[]", jsonCT)}},
		{RuleRequestContentType, "header:Content-Type", side{wh, request("POST", "/v1/webhooks", createBody, bearer, "Content-Type: text/plain")}, side{wh, request("POST", "/v1/webhooks", createBody, bearer, "Content-Type: application/json; charset=UTF-8")}},
		{RuleRequestContentType, "header:Content-Type", side{wh, request("POST", "/v1/webhooks", createBody, bearer)}, side{shop, request("POST", "/api/items", "anything", "Authorization: Basic x", "Content-Type: text/plain")}},
		{RuleRequestContentType, "header:Content-Type", side{wh, request("POST", "/v1/webhooks", createBody, bearer, "Content-Type: application/json; charset=latin1")}, side{wh, create(t, nil)}},
		{RuleRequestBodyMissing, "", side{wh, request("POST", "/v1/webhooks", "", bearer, jsonCT)}, side{shop, request("PUT", "/api/items?api_key=k", "")}},
		{RuleRequestBodyEmpty, "", side{wh, request("GET", "/v1/webhooks", "{}", bearer, jsonCT)}, side{wh, request("DELETE", "/v1/webhooks/abc", "", bearer)}},
		{RuleRequestBodyJSON, "", side{wh, request("POST", "/v1/webhooks", createBody[:20], bearer, jsonCT)}, side{wh, create(t, nil)}},
		{RuleRequestBodyLimit, "", side{smallBody, create(t, nil)}, side{smallBody, request("POST", "/v1/webhooks", `{"name":"n"}`, bearer, jsonCT)}},
		{RuleRequestBodyDepth, "", side{shallow, create(t, map[string]any{"x": map[string]any{"a": map[string]any{"b": 1}}})}, side{shallow, create(t, map[string]any{"x": map[string]any{"a": 1}})}},
		{RuleRequestBodyType, "/name", side{wh, create(t, map[string]any{"name": 5})}, side{wh, create(t, map[string]any{"name": "5"})}},
		{RuleRequestBodyType, "/filter", side{wh, create(t, map[string]any{"filter": nil})}, side{wh, create(t, map[string]any{"filter": "roomId=x"})}},
		{RuleRequestBodyType, "/status", side{wh, request("PUT", "/v1/webhooks/abc", `{"name":"n","targetUrl":"https://x.example","status":null}`, bearer, jsonCT)}, side{wh, request("PUT", "/v1/webhooks/abc", `{"name":"n","targetUrl":"https://x.example","status":"active"}`, bearer, jsonCT)}},
		{RuleRequestBodyRequired, "/targetUrl", side{wh, create(t, map[string]any{"targetUrl": deleteField})}, side{wh, create(t, map[string]any{"filter": deleteField})}},
		{RuleRequestBodyFormat, "/targetUrl", side{wh, create(t, map[string]any{"targetUrl": "not a url"})}, side{wh, create(t, map[string]any{"targetUrl": "http://localhost:8080/hook"})}},
		{RuleRequestBodyEnum, "/resource", side{wh, create(t, map[string]any{"resource": "bogus"})}, side{wh, create(t, map[string]any{"resource": "all", "event": "all"})}},
		{RuleRequestBodyEnum, "/status", side{wh, request("PUT", "/v1/webhooks/abc", `{"name":"n","targetUrl":"https://x.example","status":"inactive"}`, bearer, jsonCT)}, side{wh, request("PUT", "/v1/webhooks/abc", `{"name":"n","targetUrl":"https://x.example"}`, bearer, jsonCT)}},
		{RuleRequestBodyUndocumented, "/color", side{wh, create(t, map[string]any{"color": "red"})}, side{wh, create(t, map[string]any{"ownedBy": "org", "secret": "s3cr3t-value"})}},
		{RuleRequestBodyAdditional, "/x", side{shop, request("POST", "/api/items", `{"name":"a","x":1}`, "Authorization: Basic x", jsonCT)}, side{shop, request("POST", "/api/items", `{"name":"a"}`, "Authorization: Basic x", jsonCT)}},
		{RuleRequestBodyConstraint, "/name", side{wh, create(t, map[string]any{"name": ""})}, side{wh, create(t, map[string]any{"name": "x"})}},
		{RuleRequestBodyDuplicate, "/name", side{wh, request("POST", "/v1/webhooks", strings.Replace(createBody, `"name":"n"`, `"name":"n","name":"m"`, 1), bearer, jsonCT)}, side{wh, create(t, nil)}},
	}
	covered := map[Rule]bool{}
	for _, tc := range cases {
		covered[tc.rule] = true
		t.Run(tc.rule.ID(), func(t *testing.T) {
			all := tc.fire.eng.ValidateRequest(tc.fire.x)
			fired := withRule(all, tc.rule)
			require.NotEmpty(t, fired, "rule %s should fire; got %+v", tc.rule, all)
			assert.Equal(t, tc.pointer, fired[0].Pointer, "%+v", fired[0])
			assert.Equal(t, tc.rule.Severity(), fired[0].Severity)
			assert.NotEmpty(t, fired[0].Message)
			assert.Zero(t, fired[0].Status, "a request finding has no status")
			quiet := tc.quiet.eng.ValidateRequest(tc.quiet.x)
			assert.Empty(t, withRule(quiet, tc.rule), "rule %s should stay quiet", tc.rule)
		})
	}
	covered[RuleRequestUnjudged] = true   // a note of the HAR reader: har.TestReplayJudgesRequests
	covered[RuleRequestBodyBudget] = true // TestBodyBudget
	for _, r := range Rules() {
		if strings.HasPrefix(r.ID(), "request.") {
			assert.True(t, covered[r], "rule %s has no fire/quiet case", r.ID())
		}
	}
}

// Correct requests to every operation of the embedded spec give no
// finding at all.
func TestCorrectRequestsAreQuiet(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	for _, x := range []*Exchange{
		request("GET", "/v1/webhooks", "", bearer),
		request("GET", "/v1/webhooks?max=100&ownedBy=org", "", bearer),
		create(t, map[string]any{"filter": "roomId=abc", "secret": "a-secret-of-mine", "ownedBy": "org"}),
		request("GET", "/v1/webhooks/abc", "", bearer),
		request("PUT", "/v1/webhooks/abc", `{"name":"n","targetUrl":"https://x.example/h","secret":"s","ownedBy":"org","status":"active"}`, bearer, jsonCT),
		request("DELETE", "/v1/webhooks/abc", "", bearer),
	} {
		assert.Empty(t, e.ValidateRequest(x), "%s %s", x.Request.Method, x.Request.URL)
	}
}

// An enum value the client sends that the API does not know is an error
// (the API refuses it), where the same value in a response is drift.
func TestRequestEnumIsAnError(t *testing.T) {
	t.Parallel()
	fs := testEngine(t).ValidateRequest(create(t, map[string]any{"resource": "bogus"}))
	require.Len(t, fs, 1)
	assert.Equal(t, SeverityError, fs[0].Severity)
	assert.Equal(t, `"bogus"`, fs[0].Actual)
	assert.Equal(t, "createWebhook", fs[0].Operation)
}

func TestRequestSecretsAreRedacted(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	const secret = "very-secret-signing-key"
	t.Run("in the request", func(t *testing.T) {
		fs := e.ValidateRequest(create(t, map[string]any{"secret": 12345678, "color": secret}))
		require.NotEmpty(t, fs)
		for _, f := range fs {
			assert.NotContains(t, f.Actual+f.Message, "12345678")
		}
		fs = e.ValidateRequest(request("GET", "/v1/webhooks", "", "Authorization: Basic dXNlcjpwYXNzd29yZA=="))
		require.Len(t, fs, 1)
		assert.NotContains(t, fs[0].Actual+fs[0].Message+fs[0].Expected, "dXNlcjpwYXNzd29yZA")
	})
	t.Run("where it reappears in the response under another name", func(t *testing.T) {
		x := create(t, map[string]any{"secret": secret})
		x.Response = Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}, "Trackingid": {"x"}},
			Body: []byte(webhook(t, map[string]any{"resource": secret, "signingKey": secret}))}
		fs := e.ValidateExchange(x)
		require.NotEmpty(t, fs)
		for _, f := range fs {
			assert.NotContains(t, f.Actual+f.Message, secret, "%+v", f)
		}
		require.NotEmpty(t, withRule(fs, RuleBodyEnum))
		assert.Equal(t, `"[redacted]"`, withRule(fs, RuleBodyEnum)[0].Actual)
	})
}

// A request's findings come first, then its response's, in one list.
func TestValidateExchangeJudgesBothHalves(t *testing.T) {
	t.Parallel()
	x := create(t, map[string]any{"targetUrl": deleteField})
	x.Response = Response{Status: 400, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"message":"targetUrl is required"}`)}
	fs := testEngine(t).ValidateExchange(x)
	var rules []Rule
	for _, f := range fs {
		rules = append(rules, f.Rule)
	}
	assert.Equal(t, []Rule{RuleRequestBodyRequired, RuleHeaderRequired, RuleBodyRequired}, rules)
}

// A request contract compiled on its own (a callback's operation, which no
// path of the spec reaches) judges as the engine's operations do.
func TestCompileRequest(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	op := e.wholeDoc().Paths.Value("/webhooks").Post
	rc, err := e.compileContract("webhookCallback", "", nil, op)
	require.NoError(t, err)
	u, _ := url.Parse("https://receiver.example/hook")
	fs := rc.Validate(&Request{Method: "POST", URL: u, Header: http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer x"}}, Body: []byte(`{"name":1}`)})
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.Rule.ID()+" "+f.Pointer)
		assert.Equal(t, "webhookCallback", f.Operation)
	}
	assert.ElementsMatch(t, []string{"request.body.type /name", "request.body.required /targetUrl", "request.body.required /resource", "request.body.required /event"}, rules)
	_, err = e.compileContract("x", "", nil, nil)
	assert.Error(t, err)
}

// FuzzValidateRequest: whatever a client sends (target, headers, body),
// judging it never fails, never reports an engine failure, and never
// prints the credential it carried.
func FuzzValidateRequest(f *testing.F) {
	f.Add("POST", "/v1/webhooks", "application/json", createBody)
	f.Add("GET", "/v1/webhooks?max=0&ownedBy=%zz&max=", "", "")
	f.Add("GET", "/api/items/%31.json?tags=red,&ids=1&ids=&words=a+b&range[lo]=1", "", "")
	f.Add("PUT", "/v1/webhooks/a%2Fb", "application/json; charset=latin1", `{"name":"n","name":1,"status":null}`)
	f.Fuzz(func(t *testing.T, method, target, contentType, body string) {
		u, err := url.Parse("https://webexapis.com" + target)
		if err != nil {
			return
		}
		const cred = "fuzz-credential-0123456789"
		x := &Exchange{Request: Request{Method: method, URL: u, Body: []byte(body),
			Header: http.Header{"Content-Type": {contentType}, "Authorization": {"Bearer " + cred}, "X-Trace": {body}}}}
		for _, e := range []*Engine{testEngine(t), testShopEngine(t)} {
			for _, f := range e.ValidateRequest(x) {
				require.NotEqual(t, RuleEngineInternal, f.Rule, "%+v", f)
				require.NotContains(t, f.Message+f.Actual, cred)
			}
		}
	})
}

// The embedded spec's notification callback judges a delivery's envelope
// and its signature header's shape; a callback that is not there is an
// error, not an empty contract.
func TestCompileCallback(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	rc, err := e.CompileCallback("createWebhook", "notification", "POST")
	require.NoError(t, err)
	u, _ := url.Parse("https://receiver.example/hook")
	good := `{"id":"w","name":"n","targetUrl":"https://receiver.example/hook","resource":"messages","event":"created",
"orgId":"o","createdBy":"p","appId":"a","ownedBy":"creator","status":"active","created":"2026-01-02T03:04:05.000Z",
"actorId":"p","data":{"id":"m","roomId":"r"}}`
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Spark-Signature": {strings.Repeat("ab", 20)}}
	assert.Empty(t, rc.Validate(&Request{Method: "POST", URL: u, Header: hdr, Body: []byte(good)}), "no token is needed either")

	bad := strings.Replace(good, `"resource":"messages"`, `"resource":7`, 1)
	bad = strings.Replace(bad, `"actorId":"p",`, ``, 1)
	hdr.Set("X-Spark-Signature", "SHA1=nope")
	var rules []string
	for _, f := range rc.Validate(&Request{Method: "POST", URL: u, Header: hdr, Body: []byte(bad)}) {
		rules = append(rules, f.Rule.ID()+" "+f.Pointer)
		assert.Equal(t, "receiveWebhookNotification", f.Operation)
	}
	assert.ElementsMatch(t, []string{"request.parameter header:X-Spark-Signature", "request.body.type /resource", "request.body.required /actorId"}, rules)

	for _, c := range [][3]string{{"createWebhook", "nope", "POST"}, {"createWebhook", "notification", "GET"}, {"noSuchOp", "notification", "POST"}} {
		_, err := e.CompileCallback(c[0], c[1], c[2])
		assert.Error(t, err, "%v", c)
	}
}
