package mock_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// requestCase is one request sent both to the engine and to the mock.
type requestCase struct {
	name, method, target, body string
	headers                    []string // "Name: value"; the token is added unless noToken
	noToken                    bool
}

const agreeCreate = `{"name":"n","targetUrl":"https://example.com/hook","resource":"messages","event":"created"}`

func agreeEdit(field, value string) string {
	// value is raw JSON; "" removes the field.
	var parts []string
	for _, kv := range []struct{ k, v string }{
		{"name", `"n"`}, {"targetUrl", `"https://example.com/hook"`}, {"resource", `"messages"`}, {"event", `"created"`},
	} {
		if kv.k == field {
			if value != "" {
				parts = append(parts, `"`+kv.k+`":`+value)
			}
			field = ""
			continue
		}
		parts = append(parts, `"`+kv.k+`":`+kv.v)
	}
	if field != "" {
		parts = append(parts, `"`+field+`":`+value)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

const agreeUpdate = `{"name":"n","targetUrl":"https://example.com/hook"}`

// Every request the engine judges an error the mock refuses (400, 401 or
// 415), and every request the engine lets through the mock accepts, but for
// the cases where the mock is deliberately stricter than the schema can
// say, each of which the spec states in words.
func TestEngineAndMockAgreeOnRequests(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	ts := mocktest.NewServer(t)
	jsonCT := "Content-Type: application/json"
	item := "/webhooks/" + createOne(t, ts)

	agree := []requestCase{
		// Parameters.
		{"list", "GET", "/webhooks", "", nil, false},
		{"list max and ownedBy", "GET", "/webhooks?max=10&ownedBy=org", "", nil, false},
		{"max 0", "GET", "/webhooks?max=0", "", nil, false},
		{"max not a number", "GET", "/webhooks?max=ten", "", nil, false},
		{"max with a fraction", "GET", "/webhooks?max=2.5", "", nil, false},
		{"max with an exponent", "GET", "/webhooks?max=1e2", "", nil, false},
		{"max empty", "GET", "/webhooks?max=", "", nil, false},
		{"max twice", "GET", "/webhooks?max=1&max=2", "", nil, false},
		{"max with a plus", "GET", "/webhooks?max=%2B5", "", nil, false},
		{"max beyond int", "GET", "/webhooks?max=99999999999999999999", "", nil, false},
		{"ownedBy everyone", "GET", "/webhooks?ownedBy=everyone", "", nil, false},
		{"ownedBy twice", "GET", "/webhooks?ownedBy=org&ownedBy=org", "", nil, false},
		{"ownedBy bad escape", "GET", "/webhooks?ownedBy=%zz", "", nil, false},
		{"get", "GET", item, "", nil, false},
		{"delete unknown", "DELETE", "/webhooks/unknown", "", nil, false},
		// Security.
		{"no token", "GET", "/webhooks", "", nil, true},
		{"basic credentials", "GET", "/webhooks", "", []string{"Authorization: Basic dXNlcjpwYXNz"}, true},
		{"empty bearer", "GET", "/webhooks", "", []string{"Authorization: Bearer "}, true},
		{"create without a token", "POST", "/webhooks", agreeCreate, []string{jsonCT}, true},
		// Media type and body presence.
		{"create", "POST", "/webhooks", agreeCreate, []string{jsonCT}, false},
		{"create in utf-8", "POST", "/webhooks", agreeCreate, []string{"Content-Type: application/json; charset=UTF-8"}, false},
		{"text/plain", "POST", "/webhooks", agreeCreate, []string{"Content-Type: text/plain"}, false},
		{"no Content-Type", "POST", "/webhooks", agreeCreate, nil, false},
		{"latin1", "POST", "/webhooks", agreeCreate, []string{"Content-Type: application/json; charset=latin1"}, false},
		{"no body", "POST", "/webhooks", "", []string{jsonCT}, false},
		{"body on list", "GET", "/webhooks", "{}", []string{jsonCT}, false},
		{"body on delete", "DELETE", "/webhooks/unknown", "{}", []string{jsonCT}, false},
		{"broken JSON", "POST", "/webhooks", agreeCreate[:20], []string{jsonCT}, false},
		{"not an object", "POST", "/webhooks", `[]`, []string{jsonCT}, false},
		{"null body", "POST", "/webhooks", `null`, []string{jsonCT}, false},
		// Body schema.
		{"name a number", "POST", "/webhooks", agreeEdit("name", `5`), []string{jsonCT}, false},
		{"name empty", "POST", "/webhooks", agreeEdit("name", `""`), []string{jsonCT}, false},
		{"no targetUrl", "POST", "/webhooks", agreeEdit("targetUrl", ""), []string{jsonCT}, false},
		{"targetUrl not a URL", "POST", "/webhooks", agreeEdit("targetUrl", `"not a url"`), []string{jsonCT}, false},
		{"targetUrl ftp", "POST", "/webhooks", agreeEdit("targetUrl", `"ftp://example.com/hook"`), []string{jsonCT}, false},
		{"targetUrl urn", "POST", "/webhooks", agreeEdit("targetUrl", `"urn:isbn:0451450523"`), []string{jsonCT}, false},
		{"targetUrl relative", "POST", "/webhooks", agreeEdit("targetUrl", `"/hook"`), []string{jsonCT}, false},
		{"targetUrl localhost", "POST", "/webhooks", agreeEdit("targetUrl", `"http://localhost:8080/hook?a=b"`), []string{jsonCT}, false},
		{"resource bogus", "POST", "/webhooks", agreeEdit("resource", `"bogus"`), []string{jsonCT}, false},
		{"firehose", "POST", "/webhooks", strings.Replace(agreeEdit("resource", `"all"`), `"created"`, `"all"`, 1), []string{jsonCT}, false},
		{"event bogus", "POST", "/webhooks", agreeEdit("event", `"bogus"`), []string{jsonCT}, false},
		{"filter null", "POST", "/webhooks", agreeEdit("filter", `null`), []string{jsonCT}, false},
		{"filter query-string style, escaped", "POST", "/webhooks", agreeEdit("filter", `"roomId=Y2lz%2Fa&personEmail=a%40example.com"`), []string{jsonCT}, false},
		{"filter with a bad escape", "POST", "/webhooks", agreeEdit("filter", `"roomId=%zz"`), []string{jsonCT}, false},
		{"filter with a cut escape", "POST", "/webhooks", agreeEdit("filter", `"roomId=abc%2"`), []string{jsonCT}, false},
		{"filter with a semicolon", "POST", "/webhooks", agreeEdit("filter", `"roomId=a;personId=b"`), []string{jsonCT}, false},
		{"secret null", "POST", "/webhooks", agreeEdit("secret", `null`), []string{jsonCT}, false},
		{"ownedBy null", "POST", "/webhooks", agreeEdit("ownedBy", `null`), []string{jsonCT}, false},
		{"secret a number", "POST", "/webhooks", agreeEdit("secret", `12345678`), []string{jsonCT}, false},
		{"ownedBy creator", "POST", "/webhooks", agreeEdit("ownedBy", `"creator"`), []string{jsonCT}, false},
		{"everything optional", "POST", "/webhooks", agreeEdit("filter", `"roomId=abc"`)[:len(agreeEdit("filter", `"roomId=abc"`))-1] + `,"secret":"s3cr3t-value-1","ownedBy":"org"}`, []string{jsonCT}, false},
		{"undocumented property", "POST", "/webhooks", agreeEdit("color", `"red"`), []string{jsonCT}, false},
		{"name twice", "POST", "/webhooks", strings.Replace(agreeCreate, `"name":"n"`, `"name":"n","name":"m"`, 1), []string{jsonCT}, false},
		{"nested too deep", "POST", "/webhooks", agreeEdit("x", strings.Repeat("[", 70)+strings.Repeat("]", 70)), []string{jsonCT}, false},
		{"update", "PUT", item, agreeUpdate, []string{jsonCT}, false},
		{"update status active", "PUT", item, `{"name":"n","targetUrl":"https://example.com/hook","status":"active"}`, []string{jsonCT}, false},
		{"update status inactive", "PUT", item, `{"name":"n","targetUrl":"https://example.com/hook","status":"inactive"}`, []string{jsonCT}, false},
		{"update status null", "PUT", item, `{"name":"n","targetUrl":"https://example.com/hook","status":null}`, []string{jsonCT}, false},
		{"update without name", "PUT", item, `{"targetUrl":"https://example.com/hook"}`, []string{jsonCT}, false},
		{"update targetUrl ftp", "PUT", item, `{"name":"n","targetUrl":"ftp://example.com/hook"}`, []string{jsonCT}, false},
	}
	// The mock refuses these though no schema keyword can say why; the spec
	// says it in the words quoted.
	stricter := []struct {
		requestCase
		says string
	}{
		{requestCase{"org-only filter without ownedBy org", "POST", "/webhooks", agreeEdit("filter", `"hostEmail=a@example.com"`), []string{jsonCT}, false}, "needs `ownedBy` set to `org`"},
		{requestCase{"cursor not handed out", "GET", "/webhooks?cursor=forged", "", nil, false}, "a value it did not hand"},
	}

	for _, tc := range agree {
		engineSays, mockSays, detail := judgeBoth(t, eng, ts, tc)
		assert.Equal(t, engineSays, mockSays, "%s: engine refuses=%v, mock refuses=%v; %s", tc.name, engineSays, mockSays, detail)
	}
	spec := strings.Join(strings.Fields(string(api.Spec)), " ")
	for _, tc := range stricter {
		engineSays, mockSays, detail := judgeBoth(t, eng, ts, tc.requestCase)
		assert.False(t, engineSays, "%s: the engine refuses it too: list it with the others; %s", tc.name, detail)
		assert.True(t, mockSays, "%s: the mock accepts it; %s", tc.name, detail)
		assert.Contains(t, spec, tc.says, "%s: the spec must say the mock refuses it", tc.name)
	}
}

// judgeBoth returns whether the engine finds an error in the request and
// whether the mock refused it (4xx other than 404).
func judgeBoth(t *testing.T, eng *conformance.Engine, ts *mocktest.Server, tc requestCase) (engineRefuses, mockRefuses bool, detail string) {
	t.Helper()
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req, err := http.NewRequest(tc.method, ts.URL+tc.target, body)
	require.NoError(t, err)
	if !tc.noToken {
		req.Header.Set("Authorization", "Bearer "+ts.Token)
	}
	for _, line := range tc.headers {
		k, v, _ := strings.Cut(line, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	u, err := url.Parse(req.URL.String())
	require.NoError(t, err)
	findings := eng.ValidateRequest(&conformance.Exchange{Request: conformance.Request{
		Method: req.Method, URL: u, Header: req.Header.Clone(), Body: []byte(tc.body),
	}})
	var rules []string
	for _, f := range findings {
		if f.Severity == conformance.SeverityError {
			engineRefuses = true
		}
		rules = append(rules, f.Rule.ID()+" "+f.Pointer)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	mockRefuses = resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusNotFound
	return engineRefuses, mockRefuses, "engine: " + strings.Join(rules, ", ") + "; mock: " + resp.Status + " " + string(b)
}

func createOne(t *testing.T, ts *mocktest.Server) string {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+"/webhooks", strings.NewReader(agreeCreate))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+ts.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, 200, resp.StatusCode, string(b))
	_, rest, _ := strings.Cut(string(b), `"id":"`)
	id, _, _ := strings.Cut(rest, `"`)
	return id
}
