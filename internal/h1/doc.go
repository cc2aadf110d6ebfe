// Package h1 is a lean HTTP/1.1 server for the project's own long-running
// processes, `conformance serve` and `conformance proxy`: net/http parses
// the requests, and the per-request work around the handler is cut to what
// HTTP/1.1 keep-alive needs.
//
//	srv := &h1.Server{Handler: h}
//	go srv.Serve(ln) // returns http.ErrServerClosed after Shutdown
//	defer srv.Shutdown(ctx)
package h1
