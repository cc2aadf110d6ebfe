package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/webex-conformance/webhooks/mock/mocktest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

var nextLink = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// listAll follows next links from first and returns every item and every
// next URL it met.
func listAll(t *testing.T, ts *mocktest.Server, first string) ([]gen.Webhook, []*url.URL) {
	t.Helper()
	var items []gen.Webhook
	var links []*url.URL
	next := ts.URL + first
	for range 1000 {
		r := do(t, ts, call{method: "GET", path: next, token: ts.Token})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		items = append(items, decode[gen.WebhookCollection](t, r.body).Items...)
		link := r.header.Get("Link")
		if link == "" {
			return items, links
		}
		m := nextLink.FindStringSubmatch(link)
		require.NotNil(t, m, "Link %q", link)
		u, err := url.Parse(m[1])
		require.NoError(t, err)
		links = append(links, u)
		next = m[1]
	}
	t.Fatal("next links never end")
	return nil, nil
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithPageLimit(4))
	var want []string
	for i := range 10 {
		want = append(want, mustCreate(t, ts, ts.Token, fmt.Sprint("w", i)).ID)
	}
	base, err := url.Parse(ts.URL)
	require.NoError(t, err)

	tests := []struct {
		query     string
		pageSizes int
		pages     int
	}{
		{"", 4, 3},         // the page limit when no max
		{"?max=3", 3, 4},   // max below the limit
		{"?max=500", 4, 3}, // max above the limit: the limit
		{"?max=10", 4, 3},
		{"?max=99999999999999999999999", 4, 3},
		{"?max=1&extra=kept", 1, 10},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			items, links := listAll(t, ts, "/webhooks"+tt.query)
			ids := make([]string, len(items))
			for i, w := range items {
				ids[i] = w.ID
			}
			assert.Equal(t, want, ids, "every webhook once, in creation order")
			assert.Len(t, links, tt.pages-1)
			first, _ := url.Parse(ts.URL + "/webhooks" + tt.query)
			for _, l := range links {
				assert.True(t, l.IsAbs())
				assert.Equal(t, base.Host, l.Host)
				assert.Equal(t, base.Path+"/webhooks", l.Path)
				for k, v := range first.Query() {
					assert.Equal(t, v, l.Query()[k], "next link keeps %s", k)
				}
			}
		})
	}
}

func TestListOwnedByOrgPagingKeepsFilter(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	orgBody := `{"name":"o","targetUrl":"https://e.com","resource":"messages","event":"created","ownedBy":"org"}`
	var orgIDs []string
	for i := range 5 {
		mustCreate(t, ts, ts.Token, strconv.Itoa(i))
		r := do(t, ts, call{method: "POST", path: "/webhooks", body: orgBody, token: ts.Token})
		require.Equal(t, 200, r.status)
		orgIDs = append(orgIDs, decode[gen.Webhook](t, r.body).ID)
	}
	items, links := listAll(t, ts, "/webhooks?ownedBy=org&max=2")
	require.Len(t, links, 2)
	for _, l := range links {
		assert.Equal(t, "org", l.Query().Get("ownedBy"))
		assert.Equal(t, "2", l.Query().Get("max"))
	}
	var got []string
	for _, w := range items {
		got = append(got, w.ID)
	}
	assert.Equal(t, orgIDs, got)
}

func TestListSurvivesDeletesBetweenPages(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	var all []gen.Webhook
	for i := range 6 {
		all = append(all, mustCreate(t, ts, ts.Token, strconv.Itoa(i)))
	}
	r := do(t, ts, call{method: "GET", path: "/webhooks?max=2", token: ts.Token})
	m := nextLink.FindStringSubmatch(r.header.Get("Link"))
	require.NotNil(t, m)
	// The last item of the page and the first of the next one go away.
	for _, w := range all[1:3] {
		require.Equal(t, 204, do(t, ts, call{method: "DELETE", path: "/webhooks/" + w.ID, token: ts.Token}).status)
	}
	rest, _ := listAll(t, ts, m[1][len(ts.URL):])
	require.Len(t, rest, 3)
	assert.Equal(t, all[3].ID, rest[0].ID)
}

func TestConcurrentCreatesAllListed(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	const workers, each = 16, 25
	var wg sync.WaitGroup
	ids := make(chan string, workers*each)
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				// require must not stop the test from another goroutine:
				// failures are collected and reported by assert.
				id, err := createRaw(ts, fmt.Sprintf("g%d-%d", g, i))
				if !assert.NoError(t, err) {
					return
				}
				ids <- id
			}
		})
	}
	wg.Wait()
	close(ids)
	want := map[string]bool{}
	for id := range ids {
		want[id] = true
	}
	require.Len(t, want, workers*each, "ids are unique")

	items, links := listAll(t, ts, "/webhooks?max=37")
	assert.Len(t, links, (workers*each+36)/37-1)
	got := map[string]bool{}
	for _, w := range items {
		assert.False(t, got[w.ID], "listed twice: %s", w.ID)
		got[w.ID] = true
	}
	assert.Equal(t, want, got)
}

// createRaw creates a webhook without testify, for use off the test goroutine,
// and reads it back.
func createRaw(ts *mocktest.Server, name string) (string, error) {
	req, err := http.NewRequest("POST", ts.URL+"/webhooks", strings.NewReader(createBody(name)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+ts.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		return "", fmt.Errorf("create %s: %d %s %v", name, resp.StatusCode, body, err)
	}
	var w gen.Webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return "", err
	}
	get, err := http.NewRequest("GET", ts.URL+"/webhooks/"+w.ID, nil)
	if err != nil {
		return "", err
	}
	get.Header.Set("Authorization", "Bearer "+ts.Token)
	resp2, err := ts.Client().Do(get)
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, resp2.Body)
	resp2.Body.Close()
	if resp2.StatusCode != 200 {
		return "", fmt.Errorf("get %s after create: %d", w.ID, resp2.StatusCode)
	}
	return w.ID, nil
}
