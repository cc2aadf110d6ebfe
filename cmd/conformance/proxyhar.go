package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/har"
	"github.com/webex-conformance/webhooks/conformance/proxy"
)

// proxyRecorder writes every exchange the proxy finishes to a HAR 1.2
// recording, as the client saw it: the upstream's scheme and host with the
// client's path, both bodies (a response decoded from gzip or deflate), and
// everything redacted.
type proxyRecorder struct {
	w        *har.Writer
	upstream *url.URL
	maxBody  int64
	stderr   io.Writer
	failed   sync.Once
}

func newProxyRecorder(w *har.Writer, upstream *url.URL, maxBody int64, stderr io.Writer) *proxyRecorder {
	return &proxyRecorder{w: w, upstream: upstream, maxBody: maxBody, stderr: stderr}
}

// Observe records f; a write error is reported once and recording stops
// being useful, but the proxy goes on forwarding.
func (r *proxyRecorder) Observe(f *proxy.Finished) {
	if err := r.w.Write(r.record(f)); err != nil {
		r.failed.Do(func() {
			fmt.Fprintf(r.stderr, "conformance proxy: --har: %s\n", runOneLine(err.Error()))
		})
	}
}

func (r *proxyRecorder) record(f *proxy.Finished) *har.Record {
	u := *f.Request.URL
	u.Scheme, u.Host = r.upstream.Scheme, r.upstream.Host
	rec := &har.Record{
		Start:          f.Start,
		Duration:       f.Duration,
		Method:         f.Request.Method,
		URL:            &u,
		RequestHeader:  f.Request.Header,
		RequestBody:    f.Request.Body,
		Status:         f.Response.Status,
		ResponseHeader: f.Response.Header,
	}
	if f.Request.Body == nil {
		rec.RequestBodySize = max(har.ContentLength(f.Request.Header), 0)
		for _, fd := range f.Findings {
			if fd.Rule == conformance.RuleRequestUnjudged && rec.RequestBodySize == 0 {
				// A body was sent but not kept, and its length is not
				// declared: a reader must not judge it as empty.
				rec.RequestBodySize = r.maxBody + 1
				rec.Comment = "the request body was not kept whole; its size is unknown"
			}
		}
	}
	if rec.ResponseHeader == nil {
		rec.ResponseHeader = http.Header{}
	}
	switch f.Outcome {
	case proxy.UpstreamFailed, proxy.ClientGone:
		// No response came from the upstream: the proxy's own 502 is not
		// the API's answer.
		rec.Status = 0
		rec.ResponseHeader = http.Header{}
		rec.Comment = "no response from the upstream (" + f.Outcome.String() + ")"
		return rec
	case proxy.Upgraded:
		rec.Comment = "switched protocols; the tunnelled bytes are not recorded"
		return rec
	}
	body := f.Response.Body
	if enc := rec.ResponseHeader.Get("Content-Encoding"); body != nil && enc != "" && !strings.EqualFold(enc, "identity") {
		rec.ResponseHeader = rec.ResponseHeader.Clone()
		rec.ResponseHeader.Del("Content-Encoding")
		rec.ResponseHeader.Del("Content-Length")
		// A kept body was decoded for judging already: Decoded is nil only
		// when that failed.
		if f.Decoded == nil {
			rec.ResponseBodySize = int64(len(body))
			rec.Comment = "the response body (Content-Encoding " + enc + ") could not be decoded and is not recorded"
			return rec
		}
		body = f.Decoded
		rec.Comment = "the response body is recorded decoded (it was sent with Content-Encoding " + enc + ")"
	}
	rec.ResponseBody = body
	if body == nil {
		switch n := har.ContentLength(rec.ResponseHeader); {
		case n > 0:
			rec.ResponseBodySize = n
			rec.Comment = "the response body was not kept and is not recorded (" + f.Outcome.String() + ")"
		case f.Outcome == proxy.TooLarge:
			rec.ResponseBodySize = r.maxBody + 1
			rec.Comment = fmt.Sprintf("the response body is larger than the proxy's cap of %d bytes and is not recorded", r.maxBody)
		case f.Outcome != proxy.Judged:
			rec.ResponseBodySize = 1
			rec.Comment = "the response body was not kept and is not recorded (" + f.Outcome.String() + "); its size is unknown"
		}
	}
	return rec
}
