package gen_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
)

// TestClientScenario runs the program of docs/client.md against a server that
// refuses every third request with 429: every step must still succeed, and
// a 404 must come back as a typed *APIError.
func TestClientScenario(t *testing.T) {
	t.Parallel()
	const token = "scenario-token"
	// One real one-second wait, the rest immediate, to keep the test fast.
	retryAfter := make([]string, 100)
	for i := range retryAfter {
		retryAfter[i] = "0"
	}
	retryAfter[0] = "1"
	fake, srv := newFakeWebex(token, 3, retryAfter...)
	t.Cleanup(srv.Close)
	ctx := context.Background()

	c, err := gen.NewClientWithResponses(srv.URL+"/v1",
		gen.WithBearerToken(token),
		gen.WithRetry(gen.RetryPolicy{MaxAttempts: 5, MaxWait: 30 * time.Second}))
	require.NoError(t, err)

	var ids []string
	for i := range 5 {
		created, err := gen.Check(c.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{
			Name:      fmt.Sprintf("hook %d", i),
			TargetURL: "https://example.com/hooks",
			Resource:  gen.WebhookResourceMessages,
			Event:     gen.WebhookEventCreated,
		}))
		require.NoError(t, err)
		ids = append(ids, created.JSON200.ID)
	}

	for _, id := range ids {
		got, err := gen.Check(c.GetWebhookDetailsWithResponse(ctx, id))
		require.NoError(t, err)
		assert.Equal(t, id, got.JSON200.ID)
		assert.Equal(t, gen.WebhookStatusActive, got.JSON200.Status)
	}

	pageSize := 2
	var listed []string
	for w, err := range gen.AllWebhooks(ctx, c, &gen.ListWebhooksParams{Max: &pageSize}) {
		require.NoError(t, err)
		listed = append(listed, w.ID)
	}
	assert.Equal(t, ids, listed, "three pages of two, in order")

	for i, id := range ids {
		updated, err := gen.Check(c.UpdateWebhookWithResponse(ctx, id, gen.UpdateWebhookRequest{
			Name:      fmt.Sprintf("renamed %d", i),
			TargetURL: "https://example.com/hooks/v2",
		}))
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("renamed %d", i), updated.JSON200.Name)
		assert.Equal(t, "https://example.com/hooks/v2", updated.JSON200.TargetURL)
	}

	for _, id := range ids {
		deleted, err := gen.Check(c.DeleteWebhookWithResponse(ctx, id))
		require.NoError(t, err)
		assert.Equal(t, http.StatusNoContent, deleted.StatusCode())
	}

	_, err = gen.Check(c.GetWebhookDetailsWithResponse(ctx, ids[0]))
	var apiErr *gen.APIError
	require.True(t, errors.As(err, &apiErr), "want *gen.APIError, got %T", err)
	assert.Equal(t, http.StatusNotFound, apiErr.Status)
	assert.Equal(t, "The requested resource could not be found.", apiErr.Message)
	assert.Regexp(t, `^ROUTER_FAKE-\d+$`, apiErr.TrackingID)
	assert.ErrorIs(t, err, &gen.APIError{Status: http.StatusNotFound})
	assert.Contains(t, err.Error(), "404")
	assert.Contains(t, err.Error(), apiErr.TrackingID)
	assert.NotContains(t, err.Error(), token)

	var remaining int
	for _, err := range gen.AllWebhooks(ctx, c, nil) {
		require.NoError(t, err)
		remaining++
	}
	assert.Zero(t, remaining)

	requests, throttled := fake.counts()
	assert.Equal(t, requests/3, throttled, "a third of all requests were refused")
	assert.GreaterOrEqual(t, throttled, 8)
}
