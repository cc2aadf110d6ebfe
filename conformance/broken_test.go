package conformance

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

// Broken bodies get one clear finding and never a panic.
func TestBrokenBodies(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	huge := bytes.Repeat([]byte(" "), 64<<20)
	copy(huge, `{"items":[`)
	cases := []struct {
		name string
		body []byte
		rule Rule
	}{
		{"truncated", []byte(seedWebhook[:40]), RuleBodyJSON},
		{"empty", nil, RuleBodyJSON},
		{"only whitespace", []byte(" \n "), RuleBodyJSON},
		{"NUL bytes", []byte("\x00\x00\x00"), RuleBodyJSON},
		{"NUL inside a string", []byte(`{"id":"` + "\x00" + `"}`), RuleBodyJSON},
		{"NUL after the value", append([]byte(seedWebhook), 0), RuleBodyJSON},
		{"100,000 nested brackets", bytes.Repeat([]byte("["), 100000), RuleBodyDepth},
		{"100,000 nested objects", []byte(strings.Repeat(`{"a":`, 100000)), RuleBodyDepth},
		{"invalid UTF-8", []byte("{\"name\":\"\xc3\x28\"}"), RuleBodyJSON},
		{"lone surrogate bytes", []byte("{\"name\":\"\xed\xa0\x80\"}"), RuleBodyJSON},
		{"64 MiB body", huge, RuleBodyLimit},
		{"two values", []byte(`{} {}`), RuleBodyJSON},
		{"trailing comma", []byte(`{"id":"x",}`), RuleBodyJSON},
		{"single quotes", []byte(`{'id':'x'}`), RuleBodyJSON},
		{"leading zero", []byte(`{"errorCode":01}`), RuleBodyJSON},
		{"bad escape", []byte(`{"id":"\q"}`), RuleBodyJSON},
		{"short unicode escape", []byte(`{"id":"\u12"}`), RuleBodyJSON},
		{"bare minus", []byte(`{"errorCode":-}`), RuleBodyJSON},
		{"NaN", []byte(`{"errorCode":NaN}`), RuleBodyJSON},
		{"html", []byte(`<html><body>502 Bad Gateway</body></html>`), RuleBodyJSON},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := getDetails(200, "", jsonCT, tracking)
			x.Response.Body = tc.body
			var fs []Finding
			require.NotPanics(t, func() { fs = e.Validate(x) })
			require.Len(t, fs, 1, "%v", fs)
			assert.Equal(t, tc.rule, fs[0].Rule)
			assert.Equal(t, SeverityError, fs[0].Severity)
			assert.Less(t, len(fs[0].Message), 200)
		})
	}
}

// A truncated body is reported as such, not as a list of missing fields.
func TestTruncatedBodyIsOneFinding(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	for cut := 1; cut < len(seedWebhook)-1; cut++ {
		fs := e.Validate(getDetails(200, seedWebhook[:cut], jsonCT, tracking))
		require.Len(t, fs, 1, "cut at %d: %v", cut, fs)
		require.Equal(t, RuleBodyJSON, fs[0].Rule, "cut at %d", cut)
		require.Contains(t, fs[0].Message, "truncated", "cut at %d", cut)
		require.NotContains(t, fs[0].Message+fs[0].Actual, "86dacc", "cut at %d", cut)
	}
}

func TestValidateOddExchanges(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	assert.Nil(t, e.Validate(nil))
	fs := e.Validate(&Exchange{})
	require.Len(t, fs, 1)
	assert.Equal(t, RuleOperationUnknown, fs[0].Rule)
	fs = e.Validate(&Exchange{Operation: "getWebhookDetails", Response: Response{Status: 200, Body: []byte(seedWebhook)}})
	assert.ElementsMatch(t, []Rule{RuleHeaderRequired, RuleContentType}, rulesOf(fs))
	fs = e.Validate(&Exchange{Operation: "nope"})
	require.Len(t, fs, 1)
	assert.Equal(t, RuleOperationUnknown, fs[0].Rule)
}

func rulesOf(fs []Finding) []Rule {
	out := make([]Rule, len(fs))
	for i, f := range fs {
		out[i] = f.Rule
	}
	return out
}

// A JSON media type other than the documented one is a content-type error,
// and the body is still judged by the documented JSON schema.
func TestOtherJSONMediaTypeIsStillJudged(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	fs := e.Validate(getDetails(200, webhook(t, map[string]any{"id": 1}), "Content-Type: application/vnd.webex+json", tracking))
	assert.ElementsMatch(t, []Rule{RuleContentType, RuleBodyType}, rulesOf(fs))
	fs = e.Validate(getDetails(200, "<p>hi</p>", "Content-Type: text/html; charset=utf-8", tracking))
	assert.Equal(t, []Rule{RuleContentType}, rulesOf(fs), "an HTML body is not read as JSON")
	fs = e.Validate(getDetails(200, seedWebhook, "Content-Type: ;;;", tracking))
	assert.Equal(t, []Rule{RuleContentType}, rulesOf(fs))
}

func TestLimitOptionsKeepDefaultsForNonsense(t *testing.T) {
	t.Parallel()
	e, err := New(api.Spec, WithMaxBodyBytes(-1), WithMaxDepth(0))
	require.NoError(t, err)
	assert.Equal(t, int64(DefaultMaxBodyBytes), e.maxBody)
	assert.Equal(t, DefaultMaxDepth, e.maxDepth)
	fs := e.Validate(getDetails(200, strings.Repeat("[", DefaultMaxDepth)+strings.Repeat("]", DefaultMaxDepth), jsonCT, tracking))
	assert.Equal(t, []Rule{RuleBodyType}, rulesOf(fs), "exactly the cap is still read")
	fs = e.Validate(getDetails(200, strings.Repeat("[", DefaultMaxDepth+1)+strings.Repeat("]", DefaultMaxDepth+1), jsonCT, tracking))
	assert.Equal(t, []Rule{RuleBodyDepth}, rulesOf(fs))
}

// The engine's own failure becomes a finding, not a crash: here a compiled
// schema is broken on purpose.
func TestEngineFailureIsAFinding(t *testing.T) {
	t.Parallel()
	broken := &response{media: []mediaSpec{{name: "application/json", typ: "application", sub: "json", json: true, body: &schemaNode{slow: true}}}}
	broken.jsonMedia = &broken.media[0]
	e := &Engine{
		maxBody: DefaultMaxBodyBytes, maxDepth: DefaultMaxDepth,
		ops: map[string]*operation{"op": {Operation: Operation{ID: "op"}, byStatus: map[int]*response{200: broken}}},
	}
	x := &Exchange{Operation: "op", Response: Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"secret":"x"}`)}}
	var fs []Finding
	require.NotPanics(t, func() { fs = e.Validate(x) })
	require.Len(t, fs, 1)
	assert.Equal(t, RuleEngineInternal, fs[0].Rule)
	assert.Equal(t, SeverityError, fs[0].Severity)
	assert.Empty(t, withRule(testEngine(t).Validate(getDetails(200, `{"secret":"x"}`, jsonCT)), RuleEngineInternal))
}

// A number no float64 holds breaks generic decoders: it is a body.type
// error wherever it appears, once.
func TestNumbersBeyondFloat64(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	for _, num := range []string{"1e400", "-1e309", strings.Repeat("9", 400)} {
		for _, body := range []string{
			`{"message":"m","trackingId":"t","errorCode":` + num + `}`,
			`{"message":"m","trackingId":"t","errors":[{"description":"d","errorCode":` + num + `}]}`,
		} {
			fs := e.Validate(getDetails(400, body, jsonCT, tracking))
			require.Len(t, fs, 1, body)
			assert.Equal(t, RuleBodyType, fs[0].Rule)
		}
	}
	fs := testPetEngine(t).Validate(pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","toy":{"radius":1e999}}`, jsonCT))
	require.Len(t, fs, 1, "under a schema left to kin-openapi too")
	assert.Equal(t, "/toy/radius", fs[0].Pointer)
	for _, num := range []string{"1e308", "-1e-400", strings.Repeat("9", 300), "1.0e2"} {
		assert.Empty(t, e.Validate(getDetails(400, `{"message":"m","trackingId":"t","errorCode":`+num+`}`, jsonCT, tracking)), num)
	}
}

// Under a raised cap a 64 MiB body is read to a verdict in one pass.
func TestHugeBodyUnderARaisedCap(t *testing.T) {
	t.Parallel()
	e, err := New(api.Spec, WithMaxBodyBytes(128<<20))
	require.NoError(t, err)
	body := bytes.Repeat([]byte("a"), 64<<20)
	copy(body, `{"message":"`)
	copy(body[len(body)-len(`","trackingId":"t"}`):], `","trackingId":"t"}`)
	x := getDetails(400, "", jsonCT, tracking)
	x.Response.Body = body
	assert.Empty(t, e.Validate(x))
	body[len(body)/2] = 0
	fs := e.Validate(x)
	require.Len(t, fs, 1)
	assert.Equal(t, RuleBodyJSON, fs[0].Rule)
}
