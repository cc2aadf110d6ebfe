package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

// onceEngine compiles an engine the first time a test asks for it.
func onceEngine(build func() (*Engine, error)) func(testing.TB) *Engine {
	var (
		e    *Engine
		err  error
		once sync.Once
	)
	return func(t testing.TB) *Engine {
		t.Helper()
		once.Do(func() { e, err = build() })
		require.NoError(t, err)
		return e
	}
}

// testEngine judges by the embedded spec.
var testEngine = onceEngine(func() (*Engine, error) { return New(api.Spec) })

const seedWebhook = `{
  "id": "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh",
  "name": "My Awesome Webhook",
  "targetUrl": "https://example.com/mywebhook",
  "resource": "messages",
  "event": "created",
  "filter": "roomId=Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
  "secret": "86dacc007724d8ea666f88fc77d918dad9537a15",
  "status": "active",
  "created": "2015-10-18T14:26:16+00:00",
  "ownedBy": "org"
}`

// exchange builds an exchange; headers are "Name: value" lines.
func exchange(method, path string, status int, body string, headers ...string) *Exchange {
	u, err := url.Parse("https://webexapis.com" + path)
	if err != nil {
		panic(err)
	}
	return &Exchange{
		Request:  Request{Method: method, URL: u, Header: http.Header{"Authorization": {"Bearer test-token-123456"}}},
		Response: Response{Status: status, Header: headerLines(headers), Body: []byte(body)},
	}
}

// headerLines builds a header from "Name: value" lines.
func headerLines(lines []string) http.Header {
	h := http.Header{}
	for _, line := range lines {
		k, v, _ := strings.Cut(line, ":")
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h
}

func getDetails(status int, body string, headers ...string) *Exchange {
	return exchange(http.MethodGet, "/v1/webhooks/abc", status, body, headers...)
}

const (
	jsonCT   = "Content-Type: application/json"
	tracking = "TrackingID: ROUTER_5A0CB5D2-1234"
)

// deleteField marks a field editJSON removes.
var deleteField = &struct{}{}

// editJSON sets (or, with deleteField, removes) top-level fields of a JSON
// object, keeping the others in order.
func editJSON(t testing.TB, doc string, edits map[string]any) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	for k, v := range edits {
		if v == deleteField {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}
