package gen

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakePage is the answer for one cursor value; "{srv}" in link is replaced
// by the server's URL.
type fakePage struct {
	status      int
	link        string
	ids         []string
	body        string
	contentType string
}

type pagedServer struct {
	*httptest.Server
	mu    sync.Mutex
	seen  []string // request URIs
	auths []string
}

func (s *pagedServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// newPagedServer serves pages under /v1 (a path prefix catches absolute-URL
// mistakes), keyed by the cursor query parameter ("" for the first page).
func newPagedServer(t *testing.T, pages map[string]fakePage) *pagedServer {
	t.Helper()
	s := &pagedServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/webhooks", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.URL.RequestURI())
		s.auths = append(s.auths, r.Header.Get("Authorization"))
		s.mu.Unlock()
		p, ok := pages[r.URL.Query().Get("cursor")]
		if !ok {
			http.Error(w, "no such page", http.StatusNotFound)
			return
		}
		if p.link != "" {
			w.Header().Set("Link", strings.ReplaceAll(p.link, "{srv}", s.URL))
		}
		w.Header().Set("TrackingID", "ROUTER_PAGE")
		ct := p.contentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(max(p.status, 200))
		if p.body != "" {
			_, _ = fmt.Fprint(w, p.body)
			return
		}
		items := make([]string, len(p.ids))
		for i, id := range p.ids {
			items[i] = fmt.Sprintf(`{"id":%q,"name":"n-%s","targetUrl":"https://example.com/h","resource":"messages","event":"created","status":"active","created":"2026-01-01T00:00:00Z"}`, id, id)
		}
		_, _ = fmt.Fprintf(w, `{"items":[%s]}`, strings.Join(items, ","))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func collect(t *testing.T, c *ClientWithResponses, params *ListWebhooksParams) ([]string, error) {
	t.Helper()
	var ids []string
	for w, err := range AllWebhooks(context.Background(), c, params) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, w.ID)
	}
	return ids, nil
}

func TestAllWebhooks(t *testing.T) {
	t.Parallel()
	two, org := 2, OwnedByOrg("org")
	tests := []struct {
		name      string
		pages     map[string]fakePage
		params    *ListWebhooksParams
		wantIDs   []string
		wantReqs  []string
		wantErr   string
		apiStatus int
	}{
		{
			name: "three pages",
			pages: map[string]fakePage{
				"":   {ids: []string{"a", "b"}, link: `<{srv}/v1/webhooks?max=2&cursor=p2>; rel="next"`},
				"p2": {ids: []string{"c", "d"}, link: `<{srv}/v1/webhooks?max=2&cursor=p3>; rel="next", <{srv}/v1/webhooks?max=2>; rel="first"`},
				"p3": {ids: []string{"e"}},
			},
			params:   &ListWebhooksParams{Max: &two},
			wantIDs:  []string{"a", "b", "c", "d", "e"},
			wantReqs: []string{"/v1/webhooks?max=2", "/v1/webhooks?max=2&cursor=p2", "/v1/webhooks?max=2&cursor=p3"},
		},
		{
			name:     "single page, nil params",
			pages:    map[string]fakePage{"": {ids: []string{"a"}}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
		},
		{
			name:     "empty list",
			pages:    map[string]fakePage{"": {}},
			wantReqs: []string{"/v1/webhooks"},
		},
		{
			name: "max=null replaced by the caller's max",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `<{srv}/v1/webhooks?max=null&cursor=p2>; rel="next"`},
				"p2": {ids: []string{"b"}},
			},
			params:   &ListWebhooksParams{Max: &two},
			wantIDs:  []string{"a", "b"},
			wantReqs: []string{"/v1/webhooks?max=2", "/v1/webhooks?cursor=p2&max=2"},
		},
		{
			name: "max=null dropped when the caller set none",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `<{srv}/v1/webhooks?max=null&cursor=p2>; rel="next"`},
				"p2": {ids: []string{"b"}},
			},
			wantIDs:  []string{"a", "b"},
			wantReqs: []string{"/v1/webhooks", "/v1/webhooks?cursor=p2"},
		},
		{
			name: "dropped max and ownedBy put back",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `<{srv}/v1/webhooks?cursor=p2>; rel="next"`},
				"p2": {ids: []string{"b"}},
			},
			params:   &ListWebhooksParams{Max: &two, OwnedBy: &org},
			wantIDs:  []string{"a", "b"},
			wantReqs: []string{"/v1/webhooks?max=2&ownedBy=org", "/v1/webhooks?cursor=p2&max=2&ownedBy=org"},
		},
		{
			name: "server's own valid max kept",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `<{srv}/v1/webhooks?max=1&cursor=p2>; rel="next"`},
				"p2": {ids: []string{"b"}},
			},
			params:   &ListWebhooksParams{Max: &two},
			wantIDs:  []string{"a", "b"},
			wantReqs: []string{"/v1/webhooks?max=2", "/v1/webhooks?max=1&cursor=p2"},
		},
		{
			name: "loop back to an earlier page",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `<{srv}/v1/webhooks?cursor=p2>; rel="next"`},
				"p2": {ids: []string{"b"}, link: `<{srv}/v1/webhooks?cursor=p3>; rel="next"`},
				"p3": {ids: []string{"c"}, link: `<{srv}/v1/webhooks?cursor=p2>; rel="next"`},
			},
			wantIDs:  []string{"a", "b", "c"},
			wantReqs: []string{"/v1/webhooks", "/v1/webhooks?cursor=p2", "/v1/webhooks?cursor=p3"},
			wantErr:  "loops back",
		},
		{
			name:     "next link is the first page",
			pages:    map[string]fakePage{"": {ids: []string{"a"}, link: `<{srv}/v1/webhooks>; rel="next"`}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "loops back",
		},
		{
			name:     "relative next link",
			pages:    map[string]fakePage{"": {ids: []string{"a"}, link: `</v1/webhooks?cursor=p2>; rel="next"`}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "not an absolute URL",
		},
		{
			name:     "scheme-relative next link",
			pages:    map[string]fakePage{"": {ids: []string{"a"}, link: `<//evil.example/v1/webhooks?cursor=p2>; rel="next"`}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "not an absolute URL",
		},
		{
			name:     "foreign host",
			pages:    map[string]fakePage{"": {ids: []string{"a"}, link: `<http://evil.example/v1/webhooks?cursor=p2>; rel="next"`}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "refusing to send the token",
		},
		{
			name:     "other scheme, same host",
			pages:    map[string]fakePage{"": {ids: []string{"a"}, link: `<{srv}/v1/webhooks?cursor=p2>; rel="next"`}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "refusing to send the token",
		},
		{
			name:     "user info in next link",
			pages:    map[string]fakePage{"": {ids: []string{"a"}, link: `<http://u:p@127.0.0.1/v1/webhooks?cursor=p2>; rel="next"`}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "user info",
		},
		{
			name:     "malformed Link header without a usable next",
			pages:    map[string]fakePage{"": {ids: []string{"a"}, link: `{srv}/v1/webhooks?cursor=p2; rel=next`}},
			wantIDs:  []string{"a"},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "Link",
		},
		{
			name: "malformed neighbour, usable next",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `garbage, <{srv}/v1/webhooks?cursor=p2>; rel="next"`},
				"p2": {ids: []string{"b"}},
			},
			wantIDs:  []string{"a", "b"},
			wantReqs: []string{"/v1/webhooks", "/v1/webhooks?cursor=p2"},
		},
		{
			name: "rel among several types, case-insensitive",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `<{srv}/v1/webhooks?cursor=p2>; rel="last NEXT"`},
				"p2": {ids: []string{"b"}, link: `<{srv}/v1/webhooks>; rel="first"`},
			},
			wantIDs:  []string{"a", "b"},
			wantReqs: []string{"/v1/webhooks", "/v1/webhooks?cursor=p2"},
		},
		{
			name:      "first page 401",
			pages:     map[string]fakePage{"": {status: 401, body: `{"message":"The request requires a valid access token.","trackingId":"ROUTER_X"}`}},
			wantReqs:  []string{"/v1/webhooks"},
			apiStatus: 401,
		},
		{
			name: "second page 403 in HTML",
			pages: map[string]fakePage{
				"":   {ids: []string{"a"}, link: `<{srv}/v1/webhooks?cursor=p2>; rel="next"`},
				"p2": {status: 403, contentType: "text/html", body: "<html>denied</html>"},
			},
			wantIDs:   []string{"a"},
			wantReqs:  []string{"/v1/webhooks", "/v1/webhooks?cursor=p2"},
			apiStatus: 403,
		},
		{
			name:     "2xx page that is not JSON",
			pages:    map[string]fakePage{"": {contentType: "text/html", body: "<html>login</html>"}},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "not JSON",
		},
		{
			name:     "2xx page with broken JSON",
			pages:    map[string]fakePage{"": {body: `{"items":[{"id":`}},
			wantReqs: []string{"/v1/webhooks"},
			wantErr:  "decoding page",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newPagedServer(t, tt.pages)
			if tt.name == "other scheme, same host" {
				for k, p := range tt.pages {
					p.link = strings.ReplaceAll(p.link, "{srv}", strings.Replace(srv.URL, "http://", "https://", 1))
					tt.pages[k] = p
				}
			}
			c, err := NewClientWithResponses(srv.URL+"/v1", WithBearerToken("s3cr3t-tok"), WithHTTPClient(srv.Client()))
			require.NoError(t, err)
			var before ListWebhooksParams
			if tt.params != nil {
				before = *tt.params
			}
			ids, err := collect(t, c, tt.params)
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantReqs, srv.requests())
			switch {
			case tt.apiStatus != 0:
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.apiStatus, apiErr.Status)
				assert.NotEmpty(t, apiErr.TrackingID)
			case tt.wantErr != "":
				require.ErrorContains(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "s3cr3t")
			default:
				require.NoError(t, err)
			}
			if tt.params != nil {
				assert.Equal(t, before, *tt.params, "params must not change")
				if before.Max != nil {
					assert.Equal(t, 2, *tt.params.Max)
				}
			}
			for _, a := range srv.auths {
				assert.Equal(t, "Bearer s3cr3t-tok", a, "every page is authenticated")
			}
		})
	}
}

func TestAllWebhooksNeverContactsForeignHost(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = fmt.Fprint(w, `{"items":[]}`)
	}))
	t.Cleanup(evil.Close)
	srv := newPagedServer(t, map[string]fakePage{"": {ids: []string{"a"}, link: "<" + evil.URL + `/v1/webhooks?cursor=p2>; rel="next"`}})
	c, err := NewClientWithResponses(srv.URL+"/v1", WithBearerToken("s3cr3t-tok"))
	require.NoError(t, err)
	ids, err := collect(t, c, nil)
	require.Error(t, err)
	assert.Equal(t, []string{"a"}, ids)
	assert.Zero(t, hits.Load())
}

func TestAllWebhooksStopsWhenConsumerBreaks(t *testing.T) {
	t.Parallel()
	srv := newPagedServer(t, map[string]fakePage{
		"":   {ids: []string{"a", "b"}, link: `<{srv}/v1/webhooks?cursor=p2>; rel="next"`},
		"p2": {ids: []string{"c"}},
	})
	c, err := NewClientWithResponses(srv.URL + "/v1")
	require.NoError(t, err)
	var got []string
	for w, err := range AllWebhooks(context.Background(), c, nil) {
		require.NoError(t, err)
		got = append(got, w.ID)
		break
	}
	assert.Equal(t, []string{"a"}, got)
	assert.Equal(t, []string{"/v1/webhooks"}, srv.requests())
}

func TestAllWebhooksRetriesLaterPages(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Query().Get("cursor") == "":
			w.Header().Set("Link", "<"+srvURL+`/v1/webhooks?cursor=p2>; rel="next"`)
			_, _ = fmt.Fprint(w, `{"items":[{"id":"a"}]}`)
		case n == 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = fmt.Fprint(w, `{"message":"slow down","trackingId":"T"}`)
		default:
			_, _ = fmt.Fprint(w, `{"items":[{"id":"b"}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	srvURL = srv.URL
	c, err := NewClientWithResponses(srv.URL+"/v1", WithRetry(RetryPolicy{MaxAttempts: 3}))
	require.NoError(t, err)
	ids, err := collect(t, c, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, ids)
	assert.EqualValues(t, 3, calls.Load())
}

func TestAllWebhooksContextCancelled(t *testing.T) {
	t.Parallel()
	srv := newPagedServer(t, map[string]fakePage{"": {ids: []string{"a"}}})
	c, err := NewClientWithResponses(srv.URL + "/v1")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	for _, err := range AllWebhooks(ctx, c, nil) {
		n++
		require.ErrorIs(t, err, context.Canceled)
	}
	assert.Equal(t, 1, n)
}

type otherClient struct{ ClientInterface }

func TestAllWebhooksNeedsGeneratedClient(t *testing.T) {
	t.Parallel()
	for _, c := range []*ClientWithResponses{nil, {ClientInterface: otherClient{}}} {
		_, err := collect(t, c, nil)
		require.Error(t, err)
	}
}

func TestHostPort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"https://webexapis.com/v1", "https://WEBEXAPIS.com:443/v1/webhooks", true},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/x", true},
		{"http://h/", "http://h:80/", true},
		{"https://h/", "https://h:8443/", false},
		{"https://h/", "https://h.evil/", false},
	}
	for _, tt := range tests {
		a, b := mustParse(t, tt.a), mustParse(t, tt.b)
		assert.Equal(t, tt.same, hostPort(a) == hostPort(b), "%s vs %s", tt.a, tt.b)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func FuzzNextURL(f *testing.F) {
	f.Add(`<https://webexapis.com/v1/webhooks?max=null&cursor=abc>; rel="next"`)
	f.Add(`<https://evil.example/v1/webhooks>; rel="next"`)
	f.Add(`garbage, <https://webexapis.com/v1/webhooks?cursor=2>; rel=next`)
	f.Add(`</v1/webhooks?cursor=2>; rel="next"`)
	f.Add(`<https://u:p@webexapis.com/v1/webhooks>; rel="next"`)
	server, _ := url.Parse("https://webexapis.com/v1/webhooks")
	two := 2
	f.Fuzz(func(t *testing.T, link string) {
		h := http.Header{"Link": {link}}
		u, err := nextURL(h, server, &ListWebhooksParams{Max: &two})
		if err != nil {
			if u != nil {
				t.Fatalf("URL with an error")
			}
			return
		}
		if u == nil {
			return
		}
		if u.Scheme != "https" || hostPort(u) != "webexapis.com:443" || u.User != nil {
			t.Fatalf("followed %q to %s", link, u.Redacted())
		}
		if m := u.Query().Get("max"); !isPositiveInt(m) {
			t.Fatalf("next URL %s without a usable max", u.Redacted())
		}
	})
}
