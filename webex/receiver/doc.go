// Package receiver judges webhook deliveries as they arrive: an
// http.Handler for a webhook's targetUrl that answers every POST with 204
// and holds each one to the spec's notification callback (the envelope, by
// the engine's request rules) and, given the webhook's secret, to its
// X-Spark-Signature (notification.signature).
//
//	rcv, err := receiver.New(eng, receiver.WithSecret(os.Getenv("WEBEX_WEBHOOK_SECRET")), receiver.WithLogger(slog.Default()))
//	if err != nil { ... }
//	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 10 * time.Second}
//	// ... deliveries arrive ...
//	rep := rcv.Report()
//
// Each delivery is one case of the report, up to MaxCases; later ones are
// folded into one case per path, counting how often each kind of finding
// was seen, so that a receiver left running stays bounded.
package receiver
