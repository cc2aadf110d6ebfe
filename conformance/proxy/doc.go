// Package proxy is a validating reverse proxy: an http.Handler that
// forwards every request to an upstream Webex-compatible API unchanged and
// streaming (httputil.ReverseProxy over a tuned http.Transport), keeps a
// bounded copy of each request and response body as it passes, and judges
// both halves of the exchange with the conformance engine on worker
// goroutines, off the client's path.
// Findings are logged as they appear; Report sums them up per operation
// and status, and Observers are handed every finished exchange.
//
// Whatever an HTTP/1.1 upstream sends, a client gets only bytes read after
// its own request was written: a response that began earlier (bytes beyond
// a previous response's framing) is refused, and the request sent again on
// another connection when it never went out and has no body.
//
//	p, _ := proxy.New("https://webexapis.com/v1", judgement.New(eng), proxy.WithLogger(slog.Default()))
//	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
//	_ = srv.Serve(ln) // until srv.Shutdown
//	p.Close()
//	rep := p.Report()
package proxy
