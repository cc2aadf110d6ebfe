package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/internal/httpheader"
	"github.com/webex-conformance/webhooks/webex"
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

// walkSpec says how to walk the list.
type walkSpec struct {
	name string
	q    url.Values
	// needToken: a 401 means the token was rejected and the run cannot go
	// on. need2xx: the pages count toward coverage.
	needToken, need2xx bool
	// pages, when set, ends the walk quietly after that many pages;
	// otherwise WithMaxPages ends it with a skipped case.
	pages int
	// atLeast is how many webhooks are known to exist: a full page without
	// a next link before that many were seen is pagination.next-missing.
	atLeast int
}

// walked is what a walk saw.
type walked struct {
	items []webhook
	// complete is false when the walk stopped before the last page.
	complete bool
	// notList, when set, says how the first page failed to be a Webex list
	// (a 404, an HTML page, an object without items).
	notList string
}

// walk lists webhooks and follows every next link, checking the
// pagination rules on each page. Each page is a case named "<name>, page N".
func (r *runner) walk(ctx context.Context, ws walkSpec) (walked, error) {
	var out walked
	max, _ := strconv.Atoi(ws.q.Get("max"))
	first, _ := r.url(call{path: "/webhooks", query: ws.q})
	seen := map[string]bool{}
	next := first.String()
	for page := 1; ; page++ {
		c := call{name: fmt.Sprintf("%s, page %d", ws.name, page), op: opList, method: http.MethodGet, rawURL: next, need2xx: ws.need2xx}
		if ws.pages > 0 && page > ws.pages {
			return out, nil
		}
		if page > r.cfg.MaxPages {
			r.skip(c.name, opList, http.MethodGet, fmt.Sprintf("stopped after %d pages", r.cfg.MaxPages))
			return out, nil
		}
		seen[next] = true
		res, err := r.do(ctx, c)
		if err != nil {
			return out, err
		}
		if res.status == http.StatusUnauthorized && ws.needToken {
			r.record(c, res)
			return out, &UntestableError{Reason: "the target rejected the token (401 on list webhooks)"}
		}
		items, isList := decodeList(res)
		if !isList {
			if page == 1 && notWebexStatus(res.status) {
				out.notList = describeAnswer(res)
			}
			// The engine has said what is wrong with the answer; there is
			// nothing to walk.
			r.record(c, res)
			return out, nil
		}
		var extra []conformance.Finding
		if max > 0 && len(items) > max {
			extra = append(extra, conformance.NewFinding(webex.RulePaginationMaxExceeded, "/items",
				"the page holds more webhooks than max asked for", fmt.Sprintf("at most %d items", max), fmt.Sprintf("%d items", len(items))))
		}
		out.items = append(out.items, items...)
		link, ok := httpheader.NextLink(res.header)
		if !ok {
			if max > 0 && len(items) == max && len(out.items) < ws.atLeast {
				extra = append(extra, conformance.NewFinding(webex.RulePaginationNextMissing, "header:Link",
					"a full page has no next link, but more webhooks exist", "a Link with rel=\"next\"",
					fmt.Sprintf("no next link after %d of at least %d webhooks", len(out.items), ws.atLeast)))
			}
			r.record(c, res, extra...)
			out.complete = true
			return out, nil
		}
		nu, err := res.url.Parse(link)
		if err != nil {
			// header.format is the engine's to report.
			r.record(c, res, extra...)
			return out, nil
		}
		problems, follow := r.checkNext(first, nu, ws.q, seen)
		extra = append(extra, problems...)
		r.record(c, res, extra...)
		if !follow {
			return out, nil
		}
		next = nu.String()
	}
}

// decodeList reads a 2xx answer as a Webex list: a JSON object whose items
// is an array. Items that are not objects are left to the engine.
func decodeList(res *result) ([]webhook, bool) {
	if !is2xx(res.status) {
		return nil, false
	}
	var body struct {
		Items *[]json.RawMessage `json:"items"`
	}
	if json.Unmarshal(res.body, &body) != nil || body.Items == nil {
		return nil, false
	}
	var items []webhook
	for _, raw := range *body.Items {
		if w, ok := decodeWebhook(raw); ok {
			items = append(items, w)
		}
	}
	return items, true
}

// notWebexStatus says whether a list answer that is no Webex list means the
// target is not the API at all. A 401, 403 or 5xx is the API refusing or
// failing; coverage and the token check speak of those.
func notWebexStatus(status int) bool {
	switch {
	case is2xx(status), status >= 300 && status < 400,
		status == http.StatusNotFound, status == http.StatusMethodNotAllowed, status == http.StatusNotAcceptable:
		return true
	}
	return false
}

// describeAnswer says in a few words what came back.
func describeAnswer(res *result) string {
	s := fmt.Sprintf("GET %s answered %d", res.url.Redacted(), res.status)
	if ct := res.header.Get("Content-Type"); ct != "" {
		s += " " + ct
	}
	if is2xx(res.status) {
		s += " without a list of items"
	}
	return s
}

// notWebexReason is the reason of a run whose target is not the API,
// suggesting the base path the API lives under.
func notWebexReason(target *url.URL, answer string) string {
	reason := "does not look like the Webex webhooks API at " + target.Redacted()
	if !strings.HasSuffix(target.Path, "/v1") {
		reason += " (did you mean " + strings.TrimRight(target.Redacted(), "/") + "/v1?)"
	}
	return reason + ": " + answer
}

// checkNext judges a next link against the first page's URL; follow is
// false when following it would leak the token or never end.
func (r *runner) checkNext(first, next *url.URL, q url.Values, seen map[string]bool) (fs []conformance.Finding, follow bool) {
	follow = true
	if next.Scheme != first.Scheme || next.Host != first.Host {
		fs = append(fs, conformance.NewFinding(webex.RulePaginationHostChanged, "header:Link",
			"the next link leaves the target; it was not followed, so the token stays with the target",
			first.Scheme+"://"+first.Host, next.Scheme+"://"+next.Host))
		follow = false
	}
	if next.Path != first.Path {
		fs = append(fs, conformance.NewFinding(webex.RulePaginationPathChanged, "header:Link",
			"the next link points at another path than the list", first.Path, next.Path))
	}
	nq := next.Query()
	if want := q.Get("max"); want != "" {
		if got, ok := nq["max"]; !ok {
			fs = append(fs, conformance.NewFinding(webex.RulePaginationMaxDropped, "header:Link",
				"the next link drops the max query parameter", "max="+want, "no max"))
		} else if len(got) != 1 || got[0] != want {
			fs = append(fs, conformance.NewFinding(webex.RulePaginationMaxDropped, "header:Link",
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
			fs = append(fs, conformance.NewFinding(webex.RulePaginationQueryDropped, "header:Link",
				"the next link drops or changes the "+k+" query parameter", k+"="+want, actual))
		}
	}
	if seen[next.String()] {
		fs = append(fs, conformance.NewFinding(webex.RulePaginationLoop, "header:Link",
			"the next link points at a page already visited", "a new page", next.Path+"?"+next.RawQuery))
		follow = false
	}
	return fs, follow
}
