package mock_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

// A client project's receiver, tested end to end: a webhook created on the
// mock points at it, the mock emits an event, and the receiver gets the
// verified, typed notification.
func ExampleServer_Emit() {
	const secret = "my-webhook-secret"
	got := make(chan *gen.WebhookNotification, 1)
	receiver := httptest.NewServer(gen.NotificationHandler(secret,
		func(ctx context.Context, n *gen.WebhookNotification) error {
			got <- n
			return nil
		}))
	defer receiver.Close()

	webex := mock.New(mock.WithTokens("my-token"))
	api := httptest.NewServer(webex)
	defer api.Close()
	client, err := gen.NewClientWithResponses(api.URL+mock.BasePath, gen.WithBearerToken("my-token"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	secretValue := secret
	if _, err := gen.Check(client.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{
		Name:      "new messages",
		TargetURL: receiver.URL,
		Resource:  gen.WebhookResourceMessages,
		Event:     gen.WebhookEventCreated,
		Secret:    &secretValue,
	})); err != nil {
		log.Fatal(err)
	}

	deliveries, err := webex.Emit(ctx, mock.Event{
		Resource: gen.WebhookResourceMessages,
		Event:    gen.WebhookEventCreated,
		Data:     map[string]any{"id": "message-1", "roomId": "room-1"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(deliveries), deliveries[0].Status, deliveries[0].Err)
	n := <-got
	fmt.Println(n.Name, n.Resource, n.Event, n.Data.ID)
	// Output:
	// 1 204 <nil>
	// new messages messages created message-1
}
