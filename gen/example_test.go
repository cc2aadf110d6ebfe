package gen_test

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

// startFakeWebex serves a fake Webex API that refuses every third request
// with 429, and puts its token in WEBEX_TOKEN. Against the real API the
// base URL is "https://webexapis.com/v1".
func startFakeWebex() (baseURL string, stop func()) {
	const token = "example-token"
	_, srv := newFakeWebex(token, 3, "0")
	if err := os.Setenv("WEBEX_TOKEN", token); err != nil {
		log.Fatal(err)
	}
	return srv.URL + "/v1", srv.Close
}

func Example() {
	baseURL, stop := startFakeWebex()
	defer stop()
	ctx := context.Background()

	c, err := gen.NewClientWithResponses(baseURL,
		gen.WithBearerToken(os.Getenv("WEBEX_TOKEN")),
		gen.WithRetry(gen.RetryPolicy{MaxAttempts: 5, MaxWait: 30 * time.Second}))
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
	fmt.Println("got:", got.JSON200.Name, got.JSON200.Status)

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
		fmt.Println("after delete:", apiErr.Status, apiErr.Message, apiErr.TrackingID != "")
	}
	// Output:
	// got: New messages active
	// listed: New messages messages created
	// updated: New messages (renamed)
	// after delete: 404 The requested resource could not be found. true
}
