package runner

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// FuzzDecodeWebhook: the lenient reader of webhooks must take any body.
func FuzzDecodeWebhook(f *testing.F) {
	f.Add([]byte(`{"id":"a","name":"n","targetUrl":"https://example.com","secret":"s","filter":null}`))
	f.Add([]byte(`{"id":1,"name":["x"]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, ok := decodeWebhook(b)
		if !ok && (w.ID != "" || w.Secret != nil) {
			t.Fatalf("a failed decode returned data: %+v", w)
		}
	})
}

// FuzzNextLink: whatever Link header a target sends, the walk never
// follows a next link to another host or back to a page it has seen.
func FuzzNextLink(f *testing.F) {
	f.Add(`<https://webexapis.com/v1/webhooks?max=2&start=2>; rel="next"`)
	f.Add(`<//evil.example/v1/webhooks?max=2>; rel=next`)
	f.Add(`</v1/webhooks?max=2>; rel="next prev", <x>; rel=first`)
	f.Add(`<https://webexapis.com/v1/webhooks?max=null>; rel="next"`)
	f.Fuzz(func(t *testing.T, link string) {
		h := http.Header{"Link": {link}}
		target, ok := httpheader.NextLink(h)
		if !ok {
			return
		}
		first, _ := url.Parse("https://webexapis.com/v1/webhooks?max=2")
		next, err := first.Parse(target)
		if err != nil {
			return
		}
		r := &runner{}
		seen := map[string]bool{first.String(): true}
		_, follow := r.checkNext(first, next, url.Values{"max": {"2"}}, seen)
		if follow && (next.Host != first.Host || next.Scheme != first.Scheme || seen[next.String()]) {
			t.Fatalf("would follow %q", next)
		}
	})
}

// FuzzDecodeList: whatever a target answers to the list, the reader says
// list or not without failing, and a list is a JSON object with an items
// array.
func FuzzDecodeList(f *testing.F) {
	f.Add(200, []byte(`{"items":[{"id":"a","name":"n"},1,null]}`))
	f.Add(200, []byte(`{"items":null}`))
	f.Add(200, []byte(`<html>welcome</html>`))
	f.Add(404, []byte(`{"message":"not found","trackingId":"ROUTER_1"}`))
	f.Add(200, []byte(`[{"items":[]}]`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		items, ok := decodeList(&result{status: status, body: body})
		if !ok && items != nil {
			t.Fatalf("not a list, yet items: %v", items)
		}
		if ok && !is2xx(status) {
			t.Fatalf("a %d answer taken for a list", status)
		}
		_ = sentName(body)
	})
}
