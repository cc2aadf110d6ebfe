package gen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// AllWebhooks lists every webhook, page after page, following the Link
// rel="next" header of each response. It stops at the first error, which it
// yields with a zero Webhook: an *APIError for a non-2xx page, or an error
// for a next link that is relative, malformed, on another scheme or host
// (the token is never sent there), or already visited (a loop). Breaking
// out of the range loop stops it without another request.
//
// Next links are repaired for known server bugs: a max that the link drops
// or writes as max=null is put back from params, as is a dropped ownedBy.
// params is not modified.
//
//	for w, err := range gen.AllWebhooks(ctx, c, &gen.ListWebhooksParams{Max: &pageSize}) {
//		if err != nil { return err }
//		fmt.Println(w.ID, w.Name)
//	}
func AllWebhooks(ctx context.Context, c *ClientWithResponses, params *ListWebhooksParams) iter.Seq2[Webhook, error] {
	return func(yield func(Webhook, error) bool) {
		var p ListWebhooksParams
		if params != nil {
			p = *params
		}
		fail := func(err error) { yield(Webhook{}, err) }
		if c == nil {
			fail(errors.New("gen: AllWebhooks: nil client"))
			return
		}
		cl, ok := c.ClientInterface.(*Client)
		if !ok {
			fail(fmt.Errorf("gen: AllWebhooks needs a client made by NewClientWithResponses, not %T", c.ClientInterface))
			return
		}
		first, err := NewListWebhooksRequest(cl.Server, &p)
		if err != nil {
			fail(err)
			return
		}
		server := first.URL
		seen := map[string]bool{first.URL.String(): true}

		resp, err := cl.ListWebhooks(ctx, &p)
		for {
			if err != nil {
				fail(err)
				return
			}
			page, next, err := readPage(resp, server, &p)
			// A page's items are good even when its next link is not.
			for _, w := range page {
				if !yield(w, nil) {
					return
				}
			}
			if err != nil {
				fail(err)
				return
			}
			if next == nil {
				return
			}
			if seen[next.String()] {
				fail(fmt.Errorf("gen: AllWebhooks: next link loops back to %s", redactURL(next)))
				return
			}
			seen[next.String()] = true
			resp, err = getPage(ctx, cl, next)
		}
	}
}

// getPage sends a GET for a next link with the client's request editors
// (the bearer token among them) and through its doer (retries among them).
func getPage(ctx context.Context, cl *Client, u *url.URL) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if err := cl.applyEditors(ctx, req, nil); err != nil {
		return nil, err
	}
	return cl.Client.Do(req)
}

// readPage consumes resp and returns its webhooks and the checked next URL
// (nil on the last page). A bad next link comes with the page's webhooks.
func readPage(resp *http.Response, server *url.URL, p *ListWebhooksParams) ([]Webhook, *url.URL, error) {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, nil, err
	}
	if err := AsError(resp, body); err != nil {
		return nil, nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	parsed, err := ParseListWebhooksResponse(resp)
	if err != nil {
		return nil, nil, fmt.Errorf("gen: AllWebhooks: decoding page: %w", err)
	}
	if parsed.JSON200 == nil {
		return nil, nil, fmt.Errorf("gen: AllWebhooks: page answered %d with Content-Type %q, not JSON", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	next, err := nextURL(resp.Header, server, p)
	return parsed.JSON200.Items, next, err
}

// nextURL finds rel="next", checks it is absolute and on the client's
// server, and repairs its query.
func nextURL(h http.Header, server *url.URL, p *ListWebhooksParams) (*url.URL, error) {
	raw, found := "", false
	links, err := httpheader.ParseLinkHeader(h)
	if err == nil {
		for _, l := range links {
			if l.HasRel("next") {
				raw, found = l.URI, true
				break
			}
		}
	} else if raw, found = httpheader.NextLink(h); !found {
		// A broken header may hide a next page: stopping quietly would
		// return a truncated list as if complete.
		return nil, fmt.Errorf("gen: AllWebhooks: %w", err)
	}
	if !found {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("gen: AllWebhooks: next link: %w", err)
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("gen: AllWebhooks: next link %q is not an absolute URL", truncate(raw, 120))
	}
	if u.User != nil {
		return nil, errors.New("gen: AllWebhooks: next link carries user info; refusing it")
	}
	if !strings.EqualFold(u.Scheme, server.Scheme) || hostPort(u) != hostPort(server) {
		return nil, fmt.Errorf("gen: AllWebhooks: next link goes to %s://%s, not the client's server %s://%s; refusing to send the token there",
			u.Scheme, u.Host, server.Scheme, server.Host)
	}
	u.Fragment, u.RawFragment = "", ""
	repairQuery(u, p)
	return u, nil
}

// repairQuery puts back what Webex next links are known to lose or mangle.
func repairQuery(u *url.URL, p *ListWebhooksParams) {
	q := u.Query()
	changed := false
	if m := q.Get("max"); q.Has("max") && !isPositiveInt(m) || p.Max != nil && !q.Has("max") {
		q.Del("max")
		if p.Max != nil {
			q.Set("max", strconv.Itoa(*p.Max))
		}
		changed = true
	}
	if p.OwnedBy != nil && !q.Has("ownedBy") {
		q.Set("ownedBy", string(*p.OwnedBy))
		changed = true
	}
	if changed {
		u.RawQuery = q.Encode()
	}
}

func isPositiveInt(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}

// hostPort lower-cases the host and makes the default port explicit, so
// that https://webexapis.com and https://WebexAPIs.com:443 compare equal.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

// redactURL shows a next link without its query, where cursors and other
// opaque values live.
func redactURL(u *url.URL) string {
	c := *u
	if c.RawQuery != "" {
		c.RawQuery = "…"
	}
	return c.String()
}
