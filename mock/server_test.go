package mock_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

func TestLifecycle(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)

	created := do(t, ts, call{method: "POST", path: "/webhooks", body: createBody("first"), token: ts.Token})
	require.Equal(t, http.StatusOK, created.status, "%s", created.body)
	assert.Equal(t, "application/json", created.header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(created.header.Get("TrackingID"), "ROUTER_"))
	w := decode[gen.Webhook](t, created.body)
	raw, err := base64.RawURLEncoding.DecodeString(w.ID)
	require.NoError(t, err)
	assert.Regexp(t, `^ciscospark://us/WEBHOOK/[0-9a-f-]{36}$`, string(raw))
	assert.Equal(t, "first", w.Name)
	assert.Equal(t, gen.WebhookStatusActive, w.Status)
	require.NotNil(t, w.Secret)
	assert.Equal(t, "s3cr3t", *w.Secret)
	require.NotNil(t, w.OwnedBy)
	assert.Equal(t, "creator", *w.OwnedBy)
	assert.NotEmpty(t, *w.OrgID)
	assert.NotEmpty(t, *w.CreatedBy)
	assert.NotEmpty(t, *w.AppID)
	assert.Regexp(t, `"created":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"`, string(created.body))

	got := do(t, ts, call{method: "GET", path: "/webhooks/" + w.ID, token: ts.Token})
	require.Equal(t, http.StatusOK, got.status)
	assert.JSONEq(t, string(created.body), string(got.body))

	upd := do(t, ts, call{method: "PUT", path: "/webhooks/" + w.ID, token: ts.Token,
		body: `{"name":"renamed","targetUrl":"http://example.org/x","status":"active"}`})
	require.Equal(t, http.StatusOK, upd.status, "%s", upd.body)
	u := decode[gen.Webhook](t, upd.body)
	assert.Equal(t, "renamed", u.Name)
	assert.Equal(t, "http://example.org/x", u.TargetURL)
	assert.Equal(t, w.Created, u.Created)
	assert.Equal(t, "s3cr3t", *u.Secret, "an update without secret keeps it")

	list := do(t, ts, call{method: "GET", path: "/webhooks", token: ts.Token})
	require.Equal(t, http.StatusOK, list.status)
	items := decode[gen.WebhookCollection](t, list.body).Items
	require.Len(t, items, 1)
	assert.Equal(t, "renamed", items[0].Name)
	assert.Empty(t, list.header.Get("Link"))

	del := do(t, ts, call{method: "DELETE", path: "/webhooks/" + w.ID, token: ts.Token})
	assert.Equal(t, http.StatusNoContent, del.status)
	assert.Empty(t, del.body)
	assert.NotEmpty(t, del.header.Get("TrackingID"))

	gone := do(t, ts, call{method: "GET", path: "/webhooks/" + w.ID, token: ts.Token})
	assert.Equal(t, http.StatusNotFound, gone.status)
	assert.Empty(t, ts.Webhooks())
}

func TestCreatedUsesClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	ts := mocktest.NewServer(t, mock.WithClock(func() time.Time { return at }))
	r := do(t, ts, call{method: "POST", path: "/webhooks", body: createBody("a"), token: ts.Token})
	assert.Contains(t, string(r.body), `"created":"2026-01-02T02:04:05.000Z"`)
}
