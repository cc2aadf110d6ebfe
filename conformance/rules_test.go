package conformance

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

// testPetEngine judges by testdata/petstore.yaml, a spec that has nothing to
// do with Webex.
var testPetEngine = onceEngine(func() (*Engine, error) {
	doc, err := os.ReadFile("testdata/petstore.yaml")
	if err != nil {
		return nil, err
	}
	return New(doc)
})

func pets(path string, status int, body string, headers ...string) *Exchange {
	x := exchange(http.MethodGet, path, status, body, headers...)
	x.Request.URL.Host = "petstore.example"
	return x
}

func withRule(fs []Finding, rule Rule) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// webhook returns the seed webhook with top-level fields replaced (a nil
// value removes the field).
func webhook(t testing.TB, edits map[string]any) string {
	t.Helper()
	return editJSON(t, seedWebhook, edits)
}

func TestRulesFireAndStayQuiet(t *testing.T) {
	t.Parallel()
	smallBody, err := New(api.Spec, WithMaxBodyBytes(100))
	require.NoError(t, err)
	shallow, err := New(api.Spec, WithMaxDepth(2))
	require.NoError(t, err)
	wh := testEngine(t)
	pet := testPetEngine(t)
	errBody := `{"message":"no","trackingId":"ROUTER_1"}`

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
		{RuleOperationUnknown, "", side{wh, exchange("GET", "/v1/rooms", 200, "{}", jsonCT)}, side{wh, getDetails(200, seedWebhook, jsonCT, tracking)}},
		{RuleOperationUnknown, "", side{wh, exchange("PATCH", "/v1/webhooks/abc", 200, "{}", jsonCT)}, side{wh, exchange("PUT", "/v1/webhooks/abc", 200, seedWebhook, jsonCT, tracking)}},
		{RuleOperationUnknown, "", side{wh, exchange("GET", "/webhooks/abc", 200, seedWebhook, jsonCT, tracking)}, side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[]}`, jsonCT, tracking)}},
		{RuleStatusUndocumented, "", side{wh, getDetails(201, seedWebhook, jsonCT, tracking)}, side{wh, getDetails(404, errBody, jsonCT, tracking)}},
		{RuleStatusUndocumented, "", side{pet, pets("/api/v3/pets/1", 500, `{}`, jsonCT)}, side{pet, pets("/api/v3/pets", 500, `{"code":1,"message":"x"}`, jsonCT)}},
		{RuleContentType, "header:Content-Type", side{wh, getDetails(200, "<html></html>", "Content-Type: text/html", tracking)}, side{wh, getDetails(200, seedWebhook, "Content-Type: application/json; charset=utf-8", tracking)}},
		{RuleContentType, "header:Content-Type", side{wh, getDetails(200, seedWebhook, tracking)}, side{wh, getDetails(200, seedWebhook, "Content-Type: Application/JSON", tracking)}},
		{RuleContentType, "header:Content-Type", side{wh, getDetails(200, seedWebhook, "Content-Type: application/json; charset=iso-8859-1", tracking)}, side{wh, getDetails(200, seedWebhook, `Content-Type: application/json; charset="UTF-8"`, tracking)}},
		{RuleContentType, "header:Content-Type", side{pet, pets("/api/v3/pets", 404, `{"code":1,"message":"x"}`, jsonCT)}, side{pet, pets("/api/v3/pets", 404, `{"code":1,"message":"x"}`, "Content-Type: application/problem+json")}},
		{RuleBodyJSON, "", side{wh, getDetails(200, seedWebhook[:len(seedWebhook)-3], jsonCT, tracking)}, side{wh, getDetails(200, seedWebhook, jsonCT, tracking)}},
		{RuleBodyJSON, "", side{wh, getDetails(200, "", jsonCT, tracking)}, side{wh, exchange("DELETE", "/v1/webhooks/abc", 204, "", tracking)}},
		{RuleBodyJSON, "", side{wh, getDetails(200, `{"id":"a`+"\x00"+`b"}`, jsonCT, tracking)}, side{wh, getDetails(200, `{"id":"a\u0000b","name":"n","targetUrl":"https://x.example","resource":"all","event":"all","status":"active","created":"2015-10-18T14:26:16Z"}`, jsonCT, tracking)}},
		{RuleBodyJSON, "", side{wh, getDetails(200, "{\"id\":\"\xff\xfe\"}", jsonCT, tracking)}, side{wh, getDetails(200, `{"message":"é ✓ 😀","trackingId":"x"}`, jsonCT, tracking)}},
		{RuleBodyEmpty, "", side{wh, exchange("DELETE", "/v1/webhooks/abc", 204, "{}", tracking, jsonCT)}, side{wh, exchange("DELETE", "/v1/webhooks/abc", 204, "", tracking, jsonCT)}},
		{RuleBodyLimit, "", side{smallBody, getDetails(200, seedWebhook, jsonCT, tracking)}, side{smallBody, getDetails(404, errBody, jsonCT, tracking)}},
		{RuleBodyDepth, "", side{shallow, getDetails(200, `{"id":"x","extra":{"a":{"b":1}}}`, jsonCT, tracking)}, side{shallow, getDetails(200, `{"id":"x","extra":{"a":1}}`, jsonCT, tracking)}},
		{RuleBodyType, "/id", side{wh, getDetails(200, webhook(t, map[string]any{"id": 42}), jsonCT, tracking)}, side{wh, getDetails(200, seedWebhook, jsonCT, tracking)}},
		{RuleBodyType, "/name", side{wh, getDetails(200, webhook(t, map[string]any{"name": nil, "filter": nil}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"filter": nil, "secret": nil}), jsonCT, tracking)}},
		{RuleBodyType, "/errorCode", side{wh, getDetails(400, `{"message":"x","trackingId":"y","errorCode":1.5}`, jsonCT, tracking)}, side{wh, getDetails(400, `{"message":"x","trackingId":"y","errorCode":1.0}`, jsonCT, tracking)}},
		{RuleBodyRequired, "/created", side{wh, getDetails(200, webhook(t, map[string]any{"created": deleteField}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"filter": deleteField, "secret": deleteField, "ownedBy": deleteField}), jsonCT, tracking)}},
		{RuleBodyRequired, "/errors/0/description", side{wh, getDetails(500, `{"message":"x","trackingId":"y","errors":[{"errorCode":3}]}`, jsonCT, tracking)}, side{wh, getDetails(500, `{"message":"x","trackingId":"y","errors":[{"description":"d","errorCode":3}]}`, jsonCT, tracking)}},
		{RuleBodyFormat, "/created", side{wh, getDetails(200, webhook(t, map[string]any{"created": "2015-10-18T14:26:16"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"created": "2015-10-18T14:26:16.123Z"}), jsonCT, tracking)}},
		{RuleBodyFormat, "/targetUrl", side{wh, getDetails(200, webhook(t, map[string]any{"targetUrl": "/relative/path"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"targetUrl": "http://localhost:8080/hook?a=b"}), jsonCT, tracking)}},
		{RuleBodyFormat, "/0/born", side{pet, pets("/api/v3/pets", 200, `[{"id":1,"name":"rex","born":"2023-02-29"}]`, jsonCT, "X-Rate-Limit: 5")}, side{pet, pets("/api/v3/pets", 200, `[{"id":1,"name":"rex","born":"2024-02-29"}]`, jsonCT, "X-Rate-Limit: 5")}},
		{RuleBodyEnum, "/resource", side{wh, getDetails(200, webhook(t, map[string]any{"resource": "someNewResource"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"resource": "all", "event": "all"}), jsonCT, tracking)}},
		{RuleBodyEnum, "/items/1/status", side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[`+seedWebhook+`,`+webhook(t, map[string]any{"status": "paused"})+`]}`, jsonCT, tracking)}, side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[`+seedWebhook+`,`+webhook(t, map[string]any{"status": "inactive"})+`]}`, jsonCT, tracking)}},
		{RuleBodyUndocumented, "/color", side{wh, getDetails(200, webhook(t, map[string]any{"color": "red"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"orgId": "o", "createdBy": "c", "appId": "a"}), jsonCT, tracking)}},
		{RuleBodyUndocumented, "/errors/0/hint", side{wh, getDetails(400, `{"message":"x","trackingId":"y","errors":[{"description":"d","hint":"h"}]}`, jsonCT, tracking)}, side{wh, getDetails(400, `{"message":"x","trackingId":"y","errorCode":4,"errors":[{"description":"d","errorCode":3}]}`, jsonCT, tracking)}},
		{RuleBodyUndocumented, "/items/0/a~1b~0c", side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[`+webhook(t, map[string]any{"a/b~c": 1})+`]}`, jsonCT, tracking)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","notes":{"text":"t","anything":[1,2]}}`, jsonCT)}},
		{RuleBodyRequired, "/friends/0/friends/1/name", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"a","friends":[{"id":2,"name":"b","friends":[{"id":3,"name":"c"},{"id":4}]}]}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"a","friends":[{"id":2,"name":"b","friends":[{"id":3,"name":"c"}]}]}`, jsonCT)}},
		{RuleBodyAdditional, "/owner", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","owner":"me"}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","tag":"dog"}`, jsonCT)}},
		{RuleBodyConstraint, "/name", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":""}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"r"}`, jsonCT)}},
		{RuleBodyConstraint, "/tag", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","tag":"Dog!"}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","tag":"dog"}`, jsonCT)}},
		{RuleBodyConstraint, "/age", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","age":51}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","age":50}`, jsonCT)}},
		{RuleBodyConstraint, "/weight", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","weight":0}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","weight":0.1}`, jsonCT)}},
		// A oneOf that matches no branch is reported at the nearest branch's cause.
		{RuleBodyAdditional, "/toy/length", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","toy":{"radius":1,"length":2}}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","toy":{"radius":1}}`, jsonCT)}},
		{RuleBodyConstraint, "", side{pet, pets("/api/v3/pets", 200, `[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"},{"id":4,"name":"d"}]`, jsonCT, "X-Rate-Limit: 5")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 5")}},
		{RuleBodyDuplicate, "/status", side{wh, getDetails(200, strings.Replace(seedWebhook, `"status": "active"`, `"status": "active", "status": "inactive"`, 1), jsonCT, tracking)}, side{wh, getDetails(200, strings.Replace(seedWebhook, `"status": "active"`, `"status": "active", "color": 1, "colour": 2`, 1), jsonCT, tracking)}},
		{RuleHeaderRequired, "header:Retry-After", side{wh, getDetails(429, errBody, jsonCT, tracking)}, side{wh, getDetails(429, errBody, jsonCT, tracking, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT")}},
		{RuleHeaderRequired, "header:TrackingID", side{wh, getDetails(200, seedWebhook, jsonCT)}, side{wh, getDetails(200, seedWebhook, jsonCT, "trackingid: x")}},
		{RuleHeaderRequired, "header:X-Rate-Limit", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT)}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 5")}},
		{RuleHeaderFormat, "header:Retry-After", side{wh, getDetails(429, errBody, jsonCT, tracking, "Retry-After: rand(30),add(30)")}, side{wh, getDetails(429, errBody, jsonCT, tracking, "Retry-After: 194")}},
		{RuleHeaderFormat, "header:Retry-After", side{wh, getDetails(503, errBody, jsonCT, tracking, "Retry-After: -1")}, side{wh, getDetails(503, errBody, jsonCT, tracking, "Retry-After: 0")}},
		{RuleHeaderFormat, "header:Link", side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[]}`, jsonCT, tracking, `Link: https://webexapis.com/v1/webhooks?max=1; rel="next"`)}, side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[]}`, jsonCT, tracking, `Link: <https://webexapis.com/v1/webhooks?max=1&cursor=abc>; rel="next"`)}},
		{RuleHeaderFormat, "header:X-Rate-Limit", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: many")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 12")}},
		{RuleHeaderFormat, "header:X-Request-Id", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Request-Id: nothex!!")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Request-Id: 0a1b2c3d")}},
		{RuleHeaderFormat, "header:X-Shard", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Shard: 5")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Shard: 12")}},
		{RuleHeaderEnum, "header:X-Mode", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Mode: turbo")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Mode: slow")}},
	}
	// 21 webhooks without created break body.required 21 times, one more
	// than a body keeps; 20 break it exactly as often as kept.
	noCreated := webhook(t, map[string]any{"created": deleteField})
	list := func(n int) string {
		return `{"items":[` + strings.TrimSuffix(strings.Repeat(noCreated+",", n), ",") + `]}`
	}
	cases = append(cases, struct {
		rule    Rule
		pointer string
		fire    side
		quiet   side
	}{RuleFindingsCapped, "", side{wh, exchange("GET", "/v1/webhooks", 200, list(21), jsonCT, tracking)}, side{wh, exchange("GET", "/v1/webhooks", 200, list(20), jsonCT, tracking)}})
	covered := map[Rule]bool{}
	for _, tc := range cases {
		covered[tc.rule] = true
		t.Run(tc.rule.ID(), func(t *testing.T) {
			fired := withRule(tc.fire.eng.Validate(tc.fire.x), tc.rule)
			require.NotEmpty(t, fired, "rule %s should fire", tc.rule)
			assert.Equal(t, tc.pointer, fired[0].Pointer)
			assert.Equal(t, tc.rule.Severity(), fired[0].Severity)
			assert.NotEmpty(t, fired[0].Message)
			assert.Empty(t, withRule(tc.quiet.eng.Validate(tc.quiet.x), tc.rule), "rule %s should stay quiet", tc.rule)
		})
	}
	covered[RuleEngineInternal] = true // TestEngineFailureIsAFinding
	covered[RuleBodyBudget] = true     // TestBodyBudget
	// Spec notes: TestNewToleratesDocumentDefects, TestNewEmbeddedSpecHasNoNotes;
	// request rules: TestRequestRulesFireAndStayQuiet; the run's and the
	// proxy's rules are fired by their packages' tests.
	for _, r := range Rules() {
		if r.Origin() == OriginResponse {
			assert.True(t, covered[r], "rule %s has no fire/quiet case", r.ID())
		}
	}
}

// A value of the wrong type is reported once, as the error: nothing below
// it (enum, undocumented properties) adds noise.
func TestWrongTypeReportsOnce(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	cases := []struct {
		name, body, pointer string
	}{
		{"enum as number", webhook(t, map[string]any{"resource": 7}), "/resource"},
		{"enum as null", webhook(t, map[string]any{"event": nil}), "/event"},
		{"object for string", webhook(t, map[string]any{"name": map[string]any{"x": 1, "y": []any{1}}}), "/name"},
		{"array for object", `{"message":"m","trackingId":"t","errors":[["description"]]}`, "/errors/0"},
		{"string for array", `{"items":"many"}`, "/items"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, path := 200, "/v1/webhooks/abc"
			if strings.Contains(tc.body, "trackingId") {
				status = 400
			}
			if strings.HasPrefix(tc.body, `{"items"`) {
				path = "/v1/webhooks"
			}
			fs := e.Validate(exchange("GET", path, status, tc.body, jsonCT, tracking))
			require.Len(t, fs, 1, "%v", fs)
			assert.Equal(t, RuleBodyType, fs[0].Rule)
			assert.Equal(t, tc.pointer, fs[0].Pointer)
		})
	}
}
