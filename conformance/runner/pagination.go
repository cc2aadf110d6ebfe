package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// webhook is the runner's lenient view of a Webhook: it must survive the
// very responses it reports on, so every field is read only if it is a
// string.
type webhook struct {
	ID, Name, TargetURL, Resource, Event, Status string
	Filter, Secret                               *string
}

func decodeWebhook(raw []byte) (webhook, bool) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return webhook{}, false
	}
	return webhookFromMap(m), true
}

func webhookFromMap(m map[string]any) webhook {
	str := func(k string) string { s, _ := m[k].(string); return s }
	opt := func(k string) *string {
		if s, ok := m[k].(string); ok {
			return &s
		}
		return nil
	}
	return webhook{
		ID: str("id"), Name: str("name"), TargetURL: str("targetUrl"), Resource: str("resource"),
		Event: str("event"), Status: str("status"), Filter: opt("filter"), Secret: opt("secret"),
	}
}

// walk lists webhooks with query q and follows every next link, checking
// the pagination rules on each page. Each page is a case named
// "<name>, page N". It returns the webhooks seen; complete is false when
// the walk stopped before the last page. When needToken is set, a 401
// means the token was rejected: the run cannot go on.
func (r *runner) walk(ctx context.Context, name string, q url.Values, needToken bool) (items []webhook, complete bool, err error) {
	max, _ := strconv.Atoi(q.Get("max"))
	first, _ := r.url(call{path: "/webhooks", query: q})
	seen := map[string]bool{}
	next := first.String()
	for page := 1; ; page++ {
		c := call{name: fmt.Sprintf("%s, page %d", name, page), op: opList, method: http.MethodGet, rawURL: next}
		if page > r.cfg.MaxPages {
			r.skip(c.name, opList, http.MethodGet, fmt.Sprintf("stopped after %d pages", r.cfg.MaxPages))
			return items, false, nil
		}
		seen[next] = true
		res, err := r.do(ctx, c)
		if err != nil {
			return items, false, err
		}
		if res.status != http.StatusOK {
			r.record(c, res)
			if res.status == http.StatusUnauthorized && needToken {
				return items, false, &UntestableError{Reason: "the target rejected the token (401 on list webhooks)"}
			}
			return items, false, nil
		}
		var body struct {
			Items []json.RawMessage `json:"items"`
		}
		if json.Unmarshal(res.body, &body) != nil {
			// The engine has said why; there is nothing to walk.
			r.record(c, res)
			return items, false, nil
		}
		var extra []conformance.Finding
		if max > 0 && len(body.Items) > max {
			extra = append(extra, finding("pagination.max-exceeded", conformance.SeverityError, "/items",
				"the page holds more webhooks than max asked for", fmt.Sprintf("at most %d items", max), fmt.Sprintf("%d items", len(body.Items))))
		}
		for _, raw := range body.Items {
			if w, ok := decodeWebhook(raw); ok {
				items = append(items, w)
			}
		}
		link, ok := httpheader.NextLink(res.header)
		if !ok {
			r.record(c, res, extra...)
			return items, true, nil
		}
		nu, err := res.url.Parse(link)
		if err != nil {
			// header.format is the engine's to report.
			r.record(c, res, extra...)
			return items, false, nil
		}
		problems, follow := r.checkNext(first, nu, q, seen)
		extra = append(extra, problems...)
		r.record(c, res, extra...)
		if !follow {
			return items, false, nil
		}
		next = nu.String()
	}
}

// checkNext judges a next link against the first page's URL; follow is
// false when following it would leak the token or never end.
func (r *runner) checkNext(first, next *url.URL, q url.Values, seen map[string]bool) (fs []conformance.Finding, follow bool) {
	follow = true
	if next.Scheme != first.Scheme || next.Host != first.Host {
		fs = append(fs, finding("pagination.host-changed", conformance.SeverityError, "header:Link",
			"the next link leaves the target; it was not followed, so the token stays with the target",
			first.Scheme+"://"+first.Host, next.Scheme+"://"+next.Host))
		follow = false
	}
	if next.Path != first.Path {
		fs = append(fs, finding("pagination.path-changed", conformance.SeverityError, "header:Link",
			"the next link points at another path than the list", first.Path, next.Path))
	}
	nq := next.Query()
	if want := q.Get("max"); want != "" {
		if got, ok := nq["max"]; !ok {
			fs = append(fs, finding("pagination.max-dropped", conformance.SeverityError, "header:Link",
				"the next link drops the max query parameter", "max="+want, "no max"))
		} else if len(got) != 1 || got[0] != want {
			fs = append(fs, finding("pagination.max-dropped", conformance.SeverityError, "header:Link",
				"the next link changes the max query parameter", "max="+want, "max="+fmt.Sprint(got)))
		}
	}
	for _, k := range []string{"ownedBy"} {
		want := q.Get(k)
		if want == "" {
			continue
		}
		if got := nq.Get(k); got != want {
			actual := k + "=" + got
			if _, ok := nq[k]; !ok {
				actual = "no " + k
			}
			fs = append(fs, finding("pagination.query-dropped", conformance.SeverityError, "header:Link",
				"the next link drops or changes the "+k+" query parameter", k+"="+want, actual))
		}
	}
	if seen[next.String()] {
		fs = append(fs, finding("pagination.loop", conformance.SeverityError, "header:Link",
			"the next link points at a page already visited", "a new page", next.Path+"?"+next.RawQuery))
		follow = false
	}
	return fs, follow
}
