package mock_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

func newClient(t *testing.T, ts *mocktest.Server, token string, opts ...gen.ClientOption) *gen.ClientWithResponses {
	t.Helper()
	opts = append([]gen.ClientOption{gen.WithHTTPClient(ts.Client()), gen.WithBearerToken(token)}, opts...)
	c, err := gen.NewClientWithResponses(ts.URL, opts...)
	require.NoError(t, err)
	return c
}

// What a client project's test does: the generated client against the mock,
// through every operation's success and error answers.
func TestGeneratedClientAgainstTheMock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mocktest.NewServer(t)
	c := newClient(t, ts, ts.Token)

	secret := "hush"
	created, err := c.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{
		Name: "n", TargetURL: "https://example.com/h", Resource: gen.WebhookResourceMessages,
		Event: gen.WebhookEventCreated, Secret: &secret,
	})
	require.NoError(t, err)
	require.NotNil(t, created.JSON200, "%s", created.Body)
	id := created.JSON200.ID

	got, err := c.GetWebhookDetailsWithResponse(ctx, id)
	require.NoError(t, err)
	require.NotNil(t, got.JSON200)
	assert.Equal(t, *created.JSON200, *got.JSON200)
	assert.NotEmpty(t, got.HTTPResponse.Header.Get("TrackingID"))

	active := gen.UpdateWebhookRequestStatusActive
	updated, err := c.UpdateWebhookWithResponse(ctx, id, gen.UpdateWebhookRequest{Name: "m", TargetURL: "https://example.com/m", Status: &active})
	require.NoError(t, err)
	require.NotNil(t, updated.JSON200)
	assert.Equal(t, "m", updated.JSON200.Name)

	list, err := c.ListWebhooksWithResponse(ctx, &gen.ListWebhooksParams{})
	require.NoError(t, err)
	require.NotNil(t, list.JSON200)
	assert.Len(t, list.JSON200.Items, 1)

	bad, err := c.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{Name: "n", TargetURL: "not a url", Resource: "bogus", Event: gen.WebhookEventCreated})
	require.NoError(t, err)
	require.NotNil(t, bad.JSON400)
	assert.Contains(t, bad.JSON400.Message, "resource")
	assert.Contains(t, bad.JSON400.Message, "targetUrl")

	inactive := gen.UpdateWebhookRequestStatus("inactive")
	badUpdate, err := c.UpdateWebhookWithResponse(ctx, id, gen.UpdateWebhookRequest{Name: "m", TargetURL: "https://e.com", Status: &inactive})
	require.NoError(t, err)
	require.NotNil(t, badUpdate.JSON400)

	form, err := c.CreateWebhookWithBodyWithResponse(ctx, "application/x-www-form-urlencoded", nil)
	require.NoError(t, err)
	require.NotNil(t, form.JSON415)

	stranger := newClient(t, ts, "not-the-token")
	denied, err := stranger.ListWebhooksWithResponse(ctx, nil)
	require.NoError(t, err)
	require.NotNil(t, denied.JSON401)
	apiErr := gen.AsError(denied.HTTPResponse, denied.Body)
	assert.True(t, errors.Is(apiErr, &gen.APIError{Status: http.StatusUnauthorized}), "%v", apiErr)
	var typed *gen.APIError
	require.ErrorAs(t, apiErr, &typed)
	assert.Equal(t, denied.HTTPResponse.Header.Get("TrackingID"), typed.TrackingID)

	del, err := c.DeleteWebhookWithResponse(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, del.StatusCode())
	again, err := c.DeleteWebhookWithResponse(ctx, id)
	require.NoError(t, err)
	require.NotNil(t, again.JSON404)
	missing, err := c.GetWebhookDetailsWithResponse(ctx, id)
	require.NoError(t, err)
	require.NotNil(t, missing.JSON404)
	assert.True(t, errors.Is(gen.AsError(missing.HTTPResponse, missing.Body), &gen.APIError{Status: http.StatusNotFound}))
}

func TestGeneratedClientPagesAndRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A third of the requests are throttled with Retry-After: 0; the client's
	// retries see them through.
	ts := mocktest.NewServer(t, mock.WithSeed(5), mock.WithPageLimit(10), mock.WithFaults(mock.MustParseFault("429:0.3:0")))
	c := newClient(t, ts, ts.Token, gen.WithRetry(gen.RetryPolicy{MaxAttempts: 20, MaxWait: time.Millisecond}))
	want := map[string]bool{}
	for range 45 {
		r, err := c.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{
			Name: "n", TargetURL: "https://example.com/h", Resource: gen.WebhookResourceAll, Event: gen.WebhookEventAll,
		})
		require.NoError(t, err)
		require.NotNil(t, r.JSON200, "%d %s", r.StatusCode(), r.Body)
		want[r.JSON200.ID] = true
	}
	max := 7
	got := map[string]bool{}
	for w, err := range gen.AllWebhooks(ctx, c, &gen.ListWebhooksParams{Max: &max}) {
		require.NoError(t, err)
		assert.False(t, got[w.ID])
		got[w.ID] = true
	}
	assert.Equal(t, want, got)
}
