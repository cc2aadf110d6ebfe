// Package proxy is a validating reverse proxy: it forwards every request
// to an upstream Webex-compatible API unchanged and streaming, keeps a
// bounded copy of each response as it passes, and judges the exchange with
// the conformance engine on worker goroutines, off the client's path.
// Findings are logged as they appear; Report sums them up per operation
// and status.
//
//	p, _ := proxy.New(proxy.Config{Upstream: "https://webexapis.com/v1", Validator: eng, Log: os.Stderr})
//	err := p.Serve(ctx, ln, 5*time.Second) // until ctx is done
//	rep := p.Report()
package proxy
