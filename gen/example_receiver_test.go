package gen_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/webex-conformance/webhooks/gen"
)

func ExampleNotificationHandler() {
	receive := func(ctx context.Context, n *gen.WebhookNotification) error {
		log.Printf("%s %s by %s: fetch %s", n.Resource, n.Event, n.ActorID, n.Data.ID)
		return nil // an error answers 500, and Webex delivers again
	}
	srv := &http.Server{
		Addr:              ":8090", // not 8080, where conformance serve listens
		Handler:           gen.NotificationHandler(os.Getenv("WEBEX_WEBHOOK_SECRET"), receive),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}
