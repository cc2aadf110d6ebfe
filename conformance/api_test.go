package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

func TestNewRejectsBrokenSpecs(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"empty":        "",
		"not yaml":     "{{{{",
		"not openapi":  "hello: world\n",
		"swagger 2":    "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n",
		"openapi 3.2":  "openapi: 3.2.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
		"dangling ref": "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n",
		"binary":       "\x00\x01\x02\xff",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			var e *Engine
			var err error
			require.NotPanics(t, func() { e, err = New([]byte(doc)) })
			assert.Error(t, err)
			assert.Nil(t, e)
		})
	}
}

func TestNewAcceptsJSONSpecs(t *testing.T) {
	t.Parallel()
	loaded, err := openapi3.NewLoader().LoadFromData(api.Spec)
	require.NoError(t, err)
	doc, err := json.Marshal(loaded)
	require.NoError(t, err)
	require.Equal(t, byte('{'), doc[0])
	e, err := New(doc)
	require.NoError(t, err)
	assert.Empty(t, e.Validate(getDetails(200, seedWebhook, jsonCT, tracking)))
	assert.Equal(t, "Webex Webhooks API", e.SpecInfo().Title)
}

func TestSpecInfo(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256(api.Spec)
	assert.Equal(t, SpecInfo{Title: "Webex Webhooks API", Version: "1.0.0", SHA256: hex.EncodeToString(sum[:])}, testEngine(t).SpecInfo())
	pet := testPetEngine(t).SpecInfo()
	assert.Equal(t, "Petstore", pet.Title)
	assert.Equal(t, "2.1.0", pet.Version)
	assert.Len(t, pet.SHA256, 64)
}

func TestFindOperation(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	cases := []struct {
		method, path string
		want         Operation
		ok           bool
	}{
		{"GET", "/v1/webhooks", Operation{"listWebhooks", "GET", "/webhooks"}, true},
		{"get", "/v1/webhooks?max=10&ownedBy=org", Operation{"listWebhooks", "GET", "/webhooks"}, true},
		{"POST", "/v1/webhooks", Operation{"createWebhook", "POST", "/webhooks"}, true},
		{"GET", "/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0sv", Operation{"getWebhookDetails", "GET", "/webhooks/{webhookId}"}, true},
		{"PUT", "/v1/webhooks/abc", Operation{"updateWebhook", "PUT", "/webhooks/{webhookId}"}, true},
		{"DELETE", "/v1/webhooks/a%2Fb", Operation{"deleteWebhook", "DELETE", "/webhooks/{webhookId}"}, true},
		{"GET", "https://mock.local:8080/v1/webhooks/abc", Operation{"getWebhookDetails", "GET", "/webhooks/{webhookId}"}, true},
		{"GET", "/v1/webhooks/", Operation{}, false},
		{"GET", "/v1/webhooks/abc/extra", Operation{}, false},
		{"GET", "/webhooks", Operation{}, false},
		{"GET", "/v2/webhooks", Operation{}, false},
		{"GET", "/v1webhooks", Operation{}, false},
		{"PATCH", "/v1/webhooks/abc", Operation{}, false},
		{"GET", "", Operation{}, false},
		{"GET", "::", Operation{}, false},
	}
	for _, tc := range cases {
		got, ok := e.FindOperation(tc.method, tc.path)
		assert.Equal(t, tc.ok, ok, "%s %s", tc.method, tc.path)
		assert.Equal(t, tc.want, got, "%s %s", tc.method, tc.path)
	}
	op, ok := e.Operation("deleteWebhook")
	require.True(t, ok)
	assert.Equal(t, Operation{"deleteWebhook", http.MethodDelete, "/webhooks/{webhookId}"}, op)
	_, ok = e.Operation("nope")
	assert.False(t, ok)
}

func TestFindOperationPrefersStaticSegments(t *testing.T) {
	t.Parallel()
	pet := testPetEngine(t)
	cases := map[string]string{
		"/api/v3/pets":      "listPets",
		"/api/v3/pets/mine": "myPets",
		"/api/v3/pets/7":    "showPetById",
		"/pets/7":           "showPetById", // the relative server "/"
	}
	for path, id := range cases {
		op, ok := pet.FindOperation("GET", path)
		require.True(t, ok, path)
		assert.Equal(t, id, op.ID, path)
	}
}

// Every operation of the embedded spec is reachable by method and path.
func TestEveryOperationIsRoutable(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	require.NoError(t, err)
	n := 0
	for tmpl, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			got, ok := e.FindOperation(method, "/v1"+replaceParams(tmpl))
			require.True(t, ok, "%s %s", method, tmpl)
			assert.Equal(t, op.OperationID, got.ID)
		}
	}
	assert.Equal(t, 5, n)
}

func replaceParams(tmpl string) string {
	out := []byte{}
	in := false
	for i := 0; i < len(tmpl); i++ {
		switch {
		case tmpl[i] == '{':
			in = true
			out = append(out, "x1"...)
		case tmpl[i] == '}':
			in = false
		case !in:
			out = append(out, tmpl[i])
		}
	}
	return string(out)
}

func TestPetstoreConforming(t *testing.T) {
	t.Parallel()
	pet := testPetEngine(t)
	cases := map[string]*Exchange{
		"list":        pets("/api/v3/pets", 200, `[{"id":1,"name":"rex","tag":"dog","age":3,"weight":1.5,"born":"2020-01-31","toy":{"radius":2},"notes":{"x":1}}]`, jsonCT, "X-Rate-Limit: 10", "X-Mode: fast"),
		"4XX problem": pets("/api/v3/pets", 404, `{"code":404,"message":"no"}`, "Content-Type: application/problem+json"),
		"default":     pets("/api/v3/pets", 503, `{"code":503,"message":"later"}`, jsonCT),
		"text/plain":  pets("/api/v3/pets/1", 200, `rex`, "Content-Type: text/plain; charset=us-ascii"),
		"free-form":   pets("/api/v3/pets/mine", 200, `{"a":1,"b":2}`, jsonCT),
	}
	for name, x := range cases {
		assert.Empty(t, pet.Validate(x), name)
	}
	fs := pet.Validate(pets("/api/v3/pets/mine", 200, `{"a":"one"}`, jsonCT))
	require.Len(t, fs, 1)
	assert.Equal(t, "/a", fs[0].Pointer)
	assert.Equal(t, RuleBodyType, fs[0].Rule)
	fs = pet.Validate(pets("/api/v3/pets", 404, `{"code":4294967296,"message":"x"}`, "Content-Type: application/problem+json"))
	require.Len(t, fs, 1)
	assert.Equal(t, RuleBodyFormat, fs[0].Rule)
}

// One engine serves many goroutines; run with -race.
func TestValidateConcurrently(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	pet := testPetEngine(t)
	bodies := []string{seedWebhook, webhook(t, map[string]any{"id": 1, "color": "x"}), `{"id":`, ""}
	want := make([][]Finding, len(bodies))
	for i, b := range bodies {
		want[i] = e.Validate(getDetails(200, b, jsonCT, tracking))
	}
	petBody := `{"id":1,"name":"rex","tag":"Dog","toy":{"radius":1,"length":2}}`
	petWant := pet.Validate(pets("/api/v3/pets/1", 200, petBody, jsonCT))
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				k := (g + i) % len(bodies)
				assert.Equal(t, want[k], e.Validate(getDetails(200, bodies[k], jsonCT, tracking)))
				assert.Equal(t, petWant, pet.Validate(pets("/api/v3/pets/1", 200, petBody, jsonCT)))
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
