package mock_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

// assertWebexError checks the shape every error answer shares.
func assertWebexError(t *testing.T, r reply, status int, mentions ...string) gen.Error {
	t.Helper()
	require.Equal(t, status, r.status, "%s", r.body)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	e := decode[gen.Error](t, r.body)
	assert.NotEmpty(t, e.Message)
	require.NotNil(t, e.Errors)
	require.NotEmpty(t, *e.Errors)
	for _, d := range *e.Errors {
		assert.NotEmpty(t, d.Description)
	}
	assert.Equal(t, r.header.Get("TrackingID"), e.TrackingID)
	assert.True(t, strings.HasPrefix(e.TrackingID, "ROUTER_"), e.TrackingID)
	for _, m := range mentions {
		assert.Contains(t, e.Message, m)
	}
	return e
}

func TestErrors(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithMaxBodyBytes(512))
	w := mustCreate(t, ts, ts.Token, "existing")
	item := "/webhooks/" + w.ID
	valid := createBody("x")
	long := `{"name":"` + strings.Repeat("n", 600) + `","targetUrl":"https://e.com","resource":"messages","event":"created"}`

	tests := []struct {
		name     string
		call     call
		status   int
		mentions []string
	}{
		{"no token", call{method: "GET", path: "/webhooks"}, 401, nil},
		{"wrong token", call{method: "GET", path: "/webhooks", token: "nope"}, 401, nil},
		{"basic auth", call{method: "GET", path: item, auth: "Basic " + ts.Token}, 401, nil},
		{"empty bearer", call{method: "GET", path: item, auth: "Bearer "}, 401, nil},
		{"bearer with spaces", call{method: "GET", path: item, auth: "Bearer " + ts.Token + " extra"}, 401, nil},
		{"unknown id", call{method: "GET", path: "/webhooks/nope", token: ts.Token}, 404, nil},
		{"update unknown id", call{method: "PUT", path: "/webhooks/nope", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com"}`}, 404, nil},
		{"delete unknown id", call{method: "DELETE", path: "/webhooks/nope", token: ts.Token}, 404, nil},
		{"unknown path", call{method: "GET", path: "/rooms", token: ts.Token}, 404, nil},
		{"outside base path", call{method: "GET", path: "/../webhooks", token: ts.Token}, 404, nil},
		{"empty id", call{method: "GET", path: "/webhooks/", token: ts.Token}, 404, nil},
		{"nested path", call{method: "GET", path: item + "/x", token: ts.Token}, 404, nil},
		{"patch collection", call{method: "PATCH", path: "/webhooks", token: ts.Token}, 405, []string{"PATCH"}},
		{"delete collection", call{method: "DELETE", path: "/webhooks", token: ts.Token}, 405, nil},
		{"put collection", call{method: "PUT", path: "/webhooks", token: ts.Token, body: valid}, 405, nil},
		{"post item", call{method: "POST", path: item, token: ts.Token, body: valid}, 405, nil},
		{"patch item", call{method: "PATCH", path: item, token: ts.Token}, 405, nil},
		{"create text/plain", call{method: "POST", path: "/webhooks", token: ts.Token, body: valid, contentType: "text/plain"}, 415, nil},
		{"create without content type", call{method: "POST", path: "/webhooks", token: ts.Token}, 415, nil},
		{"update form", call{method: "PUT", path: item, token: ts.Token, body: "name=a", contentType: "application/x-www-form-urlencoded"}, 415, nil},
		{"create broken JSON", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":`}, 400, []string{"not valid JSON"}},
		{"create trailing data", call{method: "POST", path: "/webhooks", token: ts.Token, body: valid + "x"}, 400, []string{"not valid JSON"}},
		{"create array", call{method: "POST", path: "/webhooks", token: ts.Token, body: `[]`}, 400, []string{"JSON object"}},
		{"create null", call{method: "POST", path: "/webhooks", token: ts.Token, body: `null`}, 400, []string{"JSON object"}},
		{"create empty object", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{}`}, 400, []string{"event is required", "name is required", "resource is required", "targetUrl is required"}},
		{"create empty name", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"","targetUrl":"https://e.com","resource":"messages","event":"created"}`}, 400, []string{"name must not be empty"}},
		{"create null name", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":null,"targetUrl":"https://e.com","resource":"messages","event":"created"}`}, 400, []string{"name is required"}},
		{"create number name", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":1,"targetUrl":"https://e.com","resource":"messages","event":"created"}`}, 400, []string{"name must be a string"}},
		{"create unknown resource", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"bogus","event":"created"}`}, 400, []string{"resource", "bogus"}},
		{"create unknown event", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"exploded"}`}, 400, []string{"event", "exploded"}},
		{"create relative targetUrl", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"/hook","resource":"messages","event":"created"}`}, 400, []string{"targetUrl"}},
		{"create ftp targetUrl", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"ftp://e.com/x","resource":"messages","event":"created"}`}, 400, []string{"targetUrl"}},
		{"create targetUrl with space", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com/a b","resource":"messages","event":"created"}`}, 400, []string{"targetUrl"}},
		{"create targetUrl two fragments", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"http://e.com/##","resource":"messages","event":"created"}`}, 400, []string{"more than one #"}},
		{"create targetUrl bad percent", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"http://e.com/%zz","resource":"messages","event":"created"}`}, 400, []string{"percent"}},
		{"create targetUrl brackets in path", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"http://e.com/[x]","resource":"messages","event":"created"}`}, 400, []string{"brackets"}},
		{"create targetUrl without host", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://:80/x","resource":"messages","event":"created"}`}, 400, []string{"no host"}},
		{"create targetUrl opaque", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"http:e.com","resource":"messages","event":"created"}`}, 400, []string{"targetUrl"}},
		{"create ownedBy creator", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"created","ownedBy":"creator"}`}, 400, []string{"ownedBy"}},
		{"create org filter without org", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"meetings","event":"started","filter":"hostEmail=a@b.c"}`}, 400, []string{"hostEmail", "ownedBy org"}},
		{"create body too large", call{method: "POST", path: "/webhooks", token: ts.Token, body: long}, 400, []string{"too large"}},
		{"update missing targetUrl", call{method: "PUT", path: item, token: ts.Token, body: `{"name":"a"}`}, 400, []string{"targetUrl is required"}},
		{"update status inactive", call{method: "PUT", path: item, token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","status":"inactive"}`}, 400, []string{"status", "inactive"}},
		{"update ownedBy bogus", call{method: "PUT", path: item, token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","ownedBy":"me"}`}, 400, []string{"ownedBy"}},
		{"update broken JSON", call{method: "PUT", path: item, token: ts.Token, body: `{`}, 400, []string{"not valid JSON"}},
		{"list max zero", call{method: "GET", path: "/webhooks?max=0", token: ts.Token}, 400, []string{"max"}},
		{"list max text", call{method: "GET", path: "/webhooks?max=ten", token: ts.Token}, 400, []string{"max"}},
		{"list ownedBy creator", call{method: "GET", path: "/webhooks?ownedBy=creator", token: ts.Token}, 400, []string{"ownedBy"}},
		{"list bad cursor", call{method: "GET", path: "/webhooks?cursor=%21", token: ts.Token}, 400, []string{"cursor"}},
		{"create null filter", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"created","filter":null}`}, 400, []string{"filter must be a string, not null"}},
		{"create null secret", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"created","secret":null}`}, 400, []string{"secret must be a string, not null"}},
		{"create null ownedBy", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"created","ownedBy":null}`}, 400, []string{"ownedBy must be a string, not null"}},
		{"update null status", call{method: "PUT", path: item, token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","status":null}`}, 400, []string{"status must be a string, not null"}},
		{"create name twice", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","name":"b","targetUrl":"https://e.com","resource":"messages","event":"created"}`}, 400, []string{"name is given more than once"}},
		{"create latin1", call{method: "POST", path: "/webhooks", token: ts.Token, body: valid, contentType: "application/json; charset=latin1"}, 415, nil},
		{"create nested too deep", call{method: "POST", path: "/webhooks", token: ts.Token, body: `{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"created","x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`}, 400, []string{"nests deeper"}},
		{"list max twice", call{method: "GET", path: "/webhooks?max=1&max=2", token: ts.Token}, 400, []string{"max is given more than once"}},
		{"list with a body", call{method: "GET", path: "/webhooks", token: ts.Token, body: `{}`}, 400, []string{"takes no request body"}},
		{"delete with a body", call{method: "DELETE", path: item, token: ts.Token, body: `{}`}, 400, []string{"takes no request body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(t, ts, tt.call)
			assertWebexError(t, r, tt.status, tt.mentions...)
			if tt.status == http.StatusMethodNotAllowed {
				assert.NotEmpty(t, r.header.Get("Allow"))
			}
		})
	}
	// None of it changed the stored webhook.
	t.Cleanup(func() {
		all := ts.Webhooks()
		if assert.Len(t, all, 1) {
			assert.Equal(t, w, all[0])
		}
	})
}

func TestErrorsListEveryProblem(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	r := do(t, ts, call{method: "POST", path: "/webhooks", token: ts.Token,
		body: `{"name":"a","targetUrl":"mailto:x@y","resource":"bogus","event":"nope","ownedBy":"me"}`})
	e := assertWebexError(t, r, 400)
	assert.Len(t, *e.Errors, 4, "one description per problem: %+v", *e.Errors)
}

func TestCapOnStoredWebhooks(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithMaxWebhooks(2))
	a := mustCreate(t, ts, ts.Token, "a")
	mustCreate(t, ts, ts.Token, "b")
	r := do(t, ts, call{method: "POST", path: "/webhooks", body: createBody("c"), token: ts.Token})
	assertWebexError(t, r, http.StatusConflict, "limit")
	require.Equal(t, 204, do(t, ts, call{method: "DELETE", path: "/webhooks/" + a.ID, token: ts.Token}).status)
	mustCreate(t, ts, ts.Token, "c")
}

func TestCallersSeeTheirOwnAndOrgWebhooks(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithTokens("alice", "bob"))
	mine := mustCreate(t, ts, "alice", "alice's")
	orgBody := `{"name":"org","targetUrl":"https://e.com","resource":"meetings","event":"started","filter":"hostEmail=a@b.c","ownedBy":"org"}`
	r := do(t, ts, call{method: "POST", path: "/webhooks", body: orgBody, token: "alice"})
	require.Equal(t, 200, r.status, "%s", r.body)
	org := decode[gen.Webhook](t, r.body)
	assert.Equal(t, "org", *org.OwnedBy)

	assert.Equal(t, 404, do(t, ts, call{method: "GET", path: "/webhooks/" + mine.ID, token: "bob"}).status)
	assert.Equal(t, 404, do(t, ts, call{method: "DELETE", path: "/webhooks/" + mine.ID, token: "bob"}).status)
	assert.Equal(t, 200, do(t, ts, call{method: "GET", path: "/webhooks/" + org.ID, token: "bob"}).status)

	bobs := decode[gen.WebhookCollection](t, do(t, ts, call{method: "GET", path: "/webhooks", token: "bob"}).body)
	assert.Empty(t, bobs.Items)
	orgs := decode[gen.WebhookCollection](t, do(t, ts, call{method: "GET", path: "/webhooks?ownedBy=org", token: "bob"}).body)
	require.Len(t, orgs.Items, 1)
	assert.Equal(t, org.ID, orgs.Items[0].ID)
	alices := decode[gen.WebhookCollection](t, do(t, ts, call{method: "GET", path: "/webhooks", token: "alice"}).body)
	assert.Len(t, alices.Items, 2)
	assert.NotEqual(t, *mine.CreatedBy, "alice", "the token never shows")
}

func TestReactivate(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	w := mustCreate(t, ts, ts.Token, "a")
	require.True(t, ts.Deactivate(w.ID))
	assert.False(t, ts.Deactivate("nope"))
	got := decode[gen.Webhook](t, do(t, ts, call{method: "GET", path: "/webhooks/" + w.ID, token: ts.Token}).body)
	assert.Equal(t, gen.WebhookStatusInactive, got.Status)
	r := do(t, ts, call{method: "PUT", path: "/webhooks/" + w.ID, token: ts.Token,
		body: `{"name":"a","targetUrl":"https://e.com","status":"active","secret":"new","ownedBy":"org"}`})
	require.Equal(t, 200, r.status, "%s", r.body)
	u := decode[gen.Webhook](t, r.body)
	assert.Equal(t, gen.WebhookStatusActive, u.Status)
	assert.Equal(t, "new", *u.Secret)
	assert.Equal(t, "org", *u.OwnedBy)
}

func TestClientTrackingIDIsEchoed(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	for _, tc := range []struct{ sent, want string }{
		{"my_app_123", "my_app_123"},
		{"bad value\twith tab", ""},
		{strings.Repeat("x", 200), ""},
	} {
		req, err := http.NewRequest("GET", ts.URL+"/webhooks", nil)
		require.NoError(t, err)
		req.Header.Set("TrackingID", tc.sent)
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		got := resp.Header.Get("TrackingID")
		if tc.want != "" {
			assert.Equal(t, tc.want, got)
		} else {
			assert.True(t, strings.HasPrefix(got, "ROUTER_"), got)
		}
	}
}

func TestWebhooksIsASnapshot(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	w := mustCreate(t, ts, ts.Token, "a")
	snap := ts.Webhooks()
	require.Len(t, snap, 1)
	*snap[0].Secret = "changed"
	snap[0].Name = "changed"
	again := ts.Webhooks()[0]
	assert.Equal(t, "s3cr3t", *again.Secret)
	assert.Equal(t, w.Name, again.Name)
}

func TestReset(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithMaxWebhooks(1))
	old := mustCreate(t, ts, ts.Token, "a")
	ts.Reset()
	assert.Empty(t, ts.Webhooks())
	assert.Equal(t, 404, do(t, ts, call{method: "GET", path: "/webhooks/" + old.ID, token: ts.Token}).status)
	fresh := mustCreate(t, ts, ts.Token, "b") // the cap counts from zero again
	assert.NotEqual(t, old.ID, fresh.ID)
}
