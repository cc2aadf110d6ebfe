package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/webex-conformance/webhooks/gen"
)

func main() {
	ctx := context.Background()
	baseURL := "https://webexapis.com/v1"
	if u := os.Getenv("WEBEX_BASE_URL"); u != "" {
		baseURL = u
	}
	c, err := gen.NewClientWithResponses(baseURL,
		gen.WithBearerToken(os.Getenv("WEBEX_TOKEN")),
		gen.WithRetry(gen.RetryPolicy{MaxAttempts: 8, MaxWait: 30 * time.Second}))
	if err != nil {
		log.Fatal(err)
	}

	created, err := gen.Check(c.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{
		Name:      "New messages",
		TargetURL: "https://example.com/hooks/messages",
		Resource:  gen.WebhookResourceMessages,
		Event:     gen.WebhookEventCreated,
	}))
	if err != nil {
		log.Fatal(err)
	}
	id := created.JSON200.ID

	got, err := gen.Check(c.GetWebhookDetailsWithResponse(ctx, id))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("got:", got.JSON200.Name, got.JSON200.Status, got.JSON200.Created)

	pageSize := 50
	for w, err := range gen.AllWebhooks(ctx, c, &gen.ListWebhooksParams{Max: &pageSize}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("listed:", w.Name, w.Resource, w.Event)
	}

	updated, err := gen.Check(c.UpdateWebhookWithResponse(ctx, id, gen.UpdateWebhookRequest{
		Name:      "New messages (renamed)",
		TargetURL: "https://example.com/hooks/messages",
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("updated:", updated.JSON200.Name)

	if _, err := gen.Check(c.DeleteWebhookWithResponse(ctx, id)); err != nil {
		log.Fatal(err)
	}

	_, err = gen.Check(c.GetWebhookDetailsWithResponse(ctx, id))
	var apiErr *gen.APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
		fmt.Println("gone:", apiErr.Status, apiErr.Message, "trackingId", apiErr.TrackingID)
	}
}
