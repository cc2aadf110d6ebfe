package mock_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

// In a test, mocktest.NewServer(t) does all of this in one line and gives
// ts.URL and ts.Token; here the server is started by hand.
func ExampleNew() {
	srv := httptest.NewServer(mock.New(mock.WithTokens("my-token")))
	defer srv.Close()

	client, err := gen.NewClientWithResponses(srv.URL+mock.BasePath, gen.WithBearerToken("my-token"))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	created, err := client.CreateWebhookWithResponse(ctx, gen.CreateWebhookRequest{
		Name:      "new messages",
		TargetURL: "https://example.com/hook",
		Resource:  gen.WebhookResourceMessages,
		Event:     gen.WebhookEventCreated,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(created.StatusCode(), created.JSON200.Name, created.JSON200.Status)

	missing, err := client.GetWebhookDetailsWithResponse(ctx, "no-such-id")
	if err != nil {
		panic(err)
	}
	fmt.Println(missing.StatusCode(), missing.JSON404.Message)
	// Output:
	// 200 new messages active
	// 404 The requested resource could not be found.
}
