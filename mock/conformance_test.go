package mock_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// recorder is a transport that keeps every exchange for the engine.
type recorder struct {
	mu        sync.Mutex
	next      http.RoundTripper
	exchanges []conformance.Exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.exchanges = append(r.exchanges, conformance.Exchange{
		Request:  conformance.Request{Method: req.Method, URL: req.URL, Header: req.Header.Clone()},
		Response: conformance.Response{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body},
	})
	r.mu.Unlock()
	return resp, nil
}

// scenario drives every operation through its success and error paths and
// returns the statuses it saw.
func scenario(t *testing.T, ts *mocktest.Server, client *http.Client) map[int]int {
	t.Helper()
	seen := map[int]int{}
	send := func(method, path, body, auth, contentType string) reply {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, ts.URL+path, rd)
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		seen[resp.StatusCode]++
		return reply{status: resp.StatusCode, header: resp.Header, body: b}
	}
	bearer := "Bearer " + ts.Token
	const jsonCT = "application/json"
	var ids []string
	createOK := func(body string) {
		if r := send("POST", "/webhooks", body, bearer, jsonCT); r.status == 200 {
			ids = append(ids, decode[gen.Webhook](t, r.body).ID)
		}
	}
	for i := range 5 {
		createOK(createBody(fmt.Sprint("plain", i)))
	}
	createOK(`{"name":"firehose","targetUrl":"http://example.com:8080/all?x=1","resource":"all","event":"all"}`)
	createOK(`{"name":"org","targetUrl":"https://example.com/org","resource":"meetings","event":"started","filter":"hostEmail=a@example.com","ownedBy":"org","secret":"x"}`)
	createOK(`{"name":"filtered","targetUrl":"https://example.com/f","resource":"messages","event":"created","filter":"roomId=abc"}`)
	for range 6 { // fills the store: the last ones meet the cap
		createOK(createBody("filler"))
	}
	for _, q := range []string{"", "?max=1", "?max=3", "?max=1000", "?ownedBy=org", "?ownedBy=org&max=1"} {
		next := ts.URL + "/webhooks" + q
		for range 20 {
			r := send("GET", strings.TrimPrefix(next, ts.URL), "", bearer, "")
			m := nextLink.FindStringSubmatch(r.header.Get("Link"))
			if m == nil {
				break
			}
			next = m[1]
		}
	}
	for _, id := range ids {
		send("GET", "/webhooks/"+id, "", bearer, "")
	}
	if len(ids) > 0 {
		id := ids[0]
		ts.Deactivate(id)
		send("GET", "/webhooks/"+id, "", bearer, "")
		send("PUT", "/webhooks/"+id, `{"name":"again","targetUrl":"https://example.com/again","status":"active","secret":"new","ownedBy":"org"}`, bearer, jsonCT)
		send("PUT", "/webhooks/"+id, `{"name":"again","targetUrl":"https://example.com/again"}`, bearer, "application/json; charset=utf-8")
		send("PUT", "/webhooks/"+id, `{"name":"again","targetUrl":"https://example.com/again","status":"inactive"}`, bearer, jsonCT)
		send("PUT", "/webhooks/"+id, `{"name":""}`, bearer, jsonCT)
		send("PUT", "/webhooks/"+id, `{"name":"a","targetUrl":"https://e.com"}`, bearer, "text/plain")
		send("DELETE", "/webhooks/"+id, "", bearer, "")
		send("DELETE", "/webhooks/"+id, "", bearer, "")
		send("GET", "/webhooks/"+id, "", bearer, "")
		send("PUT", "/webhooks/"+id, `{"name":"a","targetUrl":"https://e.com"}`, bearer, jsonCT)
	}
	for _, body := range []string{
		``, `{`, `[]`, `null`, `{}`, `{"name":1}`, strings.Repeat(" ", 5000),
		`{"name":"a","targetUrl":"https://e.com","resource":"bogus","event":"created"}`,
		`{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"bogus"}`,
		`{"name":"a","targetUrl":"e.com/x","resource":"messages","event":"created"}`,
		`{"name":"a","targetUrl":"https://e.com","resource":"messages","event":"created","ownedBy":"creator"}`,
		`{"name":"a","targetUrl":"https://e.com","resource":"meetings","event":"started","filter":"ownerId=x"}`,
	} {
		send("POST", "/webhooks", body, bearer, jsonCT)
	}
	send("POST", "/webhooks", createBody("x"), bearer, "text/plain")
	send("POST", "/webhooks", createBody("x"), bearer, "")
	for _, q := range []string{"?max=0", "?max=x", "?ownedBy=me", "?cursor=zz"} {
		send("GET", "/webhooks"+q, "", bearer, "")
	}
	for _, auth := range []string{"", "Bearer", "Bearer wrong", "Basic " + ts.Token} {
		send("GET", "/webhooks", "", auth, "")
		send("GET", "/webhooks/abc", "", auth, "")
		send("POST", "/webhooks", createBody("x"), auth, jsonCT)
		send("PUT", "/webhooks/abc", createBody("x"), auth, jsonCT)
		send("DELETE", "/webhooks/abc", "", auth, "")
	}
	send("GET", "/webhooks/no-such-id", "", bearer, "")
	send("DELETE", "/webhooks/no-such-id", "", bearer, "")
	send("PATCH", "/webhooks", "", bearer, "")
	send("DELETE", "/webhooks", "", bearer, "")
	send("POST", "/webhooks/abc", createBody("x"), bearer, jsonCT)
	send("GET", "/rooms", "", bearer, "")
	return seen
}

// checkWithEngine runs every recorded exchange through the conformance
// engine and fails on any finding.
//
// A request for a method a path does not have (405) or for an unknown path
// (404) has no operation in the spec, so the engine cannot find one to judge
// it by. Every operation documents the same 404 and 405 answers (NotFound
// covers "the path is unknown"), so such an exchange is judged as the GET
// of its path would be, or as listWebhooks for an unknown path.
func checkWithEngine(t *testing.T, rec *recorder, token string) {
	t.Helper()
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(token))
	require.NoError(t, err)
	require.NotEmpty(t, rec.exchanges)
	for i := range rec.exchanges {
		x := &rec.exchanges[i]
		path := x.Request.URL.EscapedPath()
		if _, ok := eng.FindOperation(x.Request.Method, path); !ok {
			require.Contains(t, []int{404, 405}, x.Response.Status, "%s %s is no operation", x.Request.Method, path)
			x.Operation = "listWebhooks"
			if op, ok := eng.FindOperation(http.MethodGet, path); ok {
				x.Operation = op.ID
			}
		}
		findings := eng.Validate(x)
		assert.Empty(t, findings, "%s %s -> %d\n%s", x.Request.Method, x.Request.URL.RequestURI(), x.Response.Status, x.Response.Body)
	}
}

func TestEveryExchangePassesTheEngine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []mock.Option
		want []int // statuses the scenario must have produced
	}{
		{"plain", nil, []int{200, 204, 400, 401, 404, 405, 409, 415}},
		{"faults", []mock.Option{mock.WithSeed(1), mock.WithFaults(
			mock.MustParseFault("429:0.15"), mock.MustParseFault("503:0.1"), mock.MustParseFault("500:0.05"),
			mock.MustParseFault("502:0.05"), mock.MustParseFault("504:0.05"), mock.MustParseFault("423:0.05:2"),
			mock.MustParseFault("latency:1ms:0.1"),
		)}, []int{200, 400, 401, 404, 415, 423, 429, 500, 502, 503, 504}},
	}
	for _, tt := range tests {
		opts := append(tt.opts, mock.WithMaxWebhooks(10), mock.WithMaxBodyBytes(4096))
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := mocktest.NewServer(t, opts...)
			client := ts.Client()
			rec := &recorder{next: client.Transport}
			client.Transport = rec
			seen := scenario(t, ts, client)
			for _, s := range tt.want {
				assert.Positive(t, seen[s], "the scenario produced no %d: %v", s, seen)
			}
			checkWithEngine(t, rec, ts.Token)
		})
	}
}

// The methods a path does not have are outside the spec's operations, so
// the engine has nothing to judge them by; they are checked here to answer
// 405 with Allow and a Webex error body.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	for _, c := range []struct{ method, path, allow string }{
		{"PATCH", "/webhooks", "GET, POST"},
		{"DELETE", "/webhooks", "GET, POST"},
		{"PUT", "/webhooks", "GET, POST"},
		{"HEAD", "/webhooks", "GET, POST"},
		{"POST", "/webhooks/abc", "GET, PUT, DELETE"},
		{"PATCH", "/webhooks/abc", "GET, PUT, DELETE"},
		{"OPTIONS", "/webhooks/abc", "GET, PUT, DELETE"},
	} {
		r := do(t, ts, call{method: c.method, path: c.path, token: ts.Token})
		require.Equal(t, http.StatusMethodNotAllowed, r.status, "%s %s", c.method, c.path)
		assert.Equal(t, c.allow, r.header.Get("Allow"))
		assert.NotEmpty(t, r.header.Get("TrackingID"))
		if c.method != "HEAD" {
			assertWebexError(t, r, http.StatusMethodNotAllowed)
		}
	}
}
