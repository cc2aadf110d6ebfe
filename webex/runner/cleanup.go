package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/internal/httpheader"
	"github.com/webex-conformance/webhooks/webex"
)

// doWrite sends a create or update, first noting the name it sends: a
// webhook of that name found later without an id the run was told of is
// explained by what this call got (see sweepOwn).
func (r *runner) doWrite(ctx context.Context, c call) (*result, error) {
	name := sentName(c.body)
	if name != "" {
		r.writes[name] = 0
	}
	res, err := r.do(ctx, c)
	if err == nil && name != "" {
		r.writes[name] = res.status
	}
	return res, err
}

// sentName is the key a write is noted under: the name it sends, or for a
// body without one, its targetUrl.
func sentName(body []byte) string {
	var b struct {
		Name      string `json:"name"`
		TargetURL string `json:"targetUrl"`
	}
	if len(body) == 0 || json.Unmarshal(body, &b) != nil {
		return ""
	}
	return writeKey(webhook{Name: b.Name, TargetURL: b.TargetURL})
}

func writeKey(w webhook) string {
	if w.Name != "" {
		return w.Name
	}
	if w.TargetURL != "" {
		return "targetUrl " + w.TargetURL
	}
	return ""
}

// ours says whether a listed webhook is one this run made: named with its
// run id, or (for a create sent without a name) aimed at its target URL.
func (r *runner) ours(w webhook) bool {
	if w.ID == "" {
		return false
	}
	target := r.runTargetURL()
	return strings.HasPrefix(w.Name, r.prefix()) || w.TargetURL == target || strings.HasPrefix(w.TargetURL, target+"/")
}

// afterWrite sweeps after a write that did not hand back a webhook the run
// now tracks: a refused, failed or id-less create may still have made one.
func (r *runner) afterWrite(ctx context.Context, c call, tracked bool) error {
	switch c.method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		return nil
	}
	if tracked {
		return nil
	}
	_, err := r.sweepOwn(ctx, false)
	return err
}

// listQuietly lists every webhook, following next links, without recording
// cases: it is housekeeping, and the recorded walks judge the list. ok is
// false when a page could not be had or the walk hit WithMaxPages; a
// next link it must not follow (another host, a page seen) ends the walk
// with ok, since the recorded walks already fail the run for it.
func (r *runner) listQuietly(ctx context.Context) (hooks []webhook, ok bool, err error) {
	first, _ := r.url(call{path: "/webhooks"})
	next := first
	seen := map[string]bool{}
	for page := 0; page < r.cfg.MaxPages; page++ {
		seen[next.String()] = true
		res, err := r.do(ctx, call{name: "list webhooks to sweep", op: opList, method: http.MethodGet, rawURL: next.String()})
		if err != nil {
			return hooks, false, err
		}
		items, isList := decodeList(res)
		if !isList {
			return hooks, false, nil
		}
		hooks = append(hooks, items...)
		link, more := httpheader.NextLink(res.header)
		if !more {
			return hooks, true, nil
		}
		nu, err := res.url.Parse(link)
		if err != nil || nu.Scheme != first.Scheme || nu.Host != first.Host || seen[nu.String()] {
			return hooks, true, nil
		}
		next = nu
	}
	return hooks, false, nil
}

// sweepOwn deletes the webhooks named with this run's id that the run does
// not track: made by a create that was refused, failed or answered without
// an id. Mid-run it leaves alone a webhook the run saw deleted (the
// deleted-still-* rules speak of it); at the end it deletes those again.
// listed is false when the list could not be had.
func (r *runner) sweepOwn(ctx context.Context, final bool) (listed bool, err error) {
	hooks, ok, err := r.listQuietly(ctx)
	if err != nil || !ok {
		return ok, err
	}
	for _, w := range hooks {
		if !r.ours(w) {
			continue
		}
		if _, tracked := r.created[w.ID]; tracked {
			continue
		}
		var extra []conformance.Finding
		name := "sweep a webhook this run was not told it made"
		if r.deleted[w.ID] {
			if !final {
				continue
			}
			name = "delete again a webhook of this run that is still listed"
		} else {
			extra = append(extra, r.phantom(w))
		}
		r.adopt(w)
		c := call{name: name, op: opDelete, method: http.MethodDelete, path: "/webhooks/" + url.PathEscape(w.ID)}
		res, err := r.do(ctx, c)
		if err != nil {
			return true, err
		}
		if is2xx(res.status) || res.status == http.StatusNotFound {
			r.forget(w.ID)
			r.deleted[w.ID] = true
		} else {
			extra = append(extra, deleteRefused(res.status))
		}
		r.record(c, res, extra...)
	}
	return true, nil
}

// phantom explains a webhook of this run that no answer handed over: by
// the answer of the write that sent its name.
func (r *runner) phantom(w webhook) conformance.Finding {
	status, sent := r.writes[writeKey(w)]
	f := conformance.NewFinding(webex.RuleBehaviorPhantomCreate, "/name", "", "no webhook", fmt.Sprintf("webhook %s named %q", w.ID, w.Name))
	f.Operation = opCreate
	if sent {
		f.Status = status
	}
	switch {
	case !sent:
		f.Message = "a webhook named with this run's id exists that no create or update of the run sent"
	case status == 0 || status >= 500 || status == http.StatusTooManyRequests:
		// The server failed or never answered: it may well have done the
		// work first. Not a departure, but it must go.
		f = f.AsNote()
		f.Message = fmt.Sprintf("the write that sent this name got no 2xx (status %d), yet the webhook exists; it was deleted", status)
	case is2xx(status):
		f.Message = "the write that made this webhook answered without its id"
	default:
		f.Message = fmt.Sprintf("a write refused with %d made a webhook anyway", status)
	}
	return f
}

// cleanup deletes whatever the run made and has not seen deleted, sweeps
// once more for webhooks named with its run id, and lists as left behind
// whatever could not be deleted. It runs on a fresh, bounded context: an
// interrupted run must still clean up.
func (r *runner) cleanup() {
	if len(r.writes) == 0 && len(r.order) == 0 {
		return // nothing was written
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	for _, id := range r.order {
		if _, ok := r.created[id]; !ok {
			continue
		}
		c := call{name: "clean up a created webhook", op: opDelete, method: http.MethodDelete, path: "/webhooks/" + url.PathEscape(id)}
		res, err := r.do(ctx, c)
		if err != nil {
			r.skip(c.name, opDelete, http.MethodDelete, "cleanup failed: "+r.redact(err.Error()))
			continue
		}
		var extra []conformance.Finding
		switch {
		case is2xx(res.status), res.status == http.StatusNotFound:
			r.forget(id)
			r.deleted[id] = true
		default:
			extra = append(extra, deleteRefused(res.status))
		}
		r.record(c, res, extra...)
	}
	r.finalSweep(ctx)
	for _, id := range r.order {
		if _, ok := r.created[id]; ok {
			r.leaveBehind(id)
		}
	}
}

// finalSweep deletes every webhook still listed under this run's id, then
// lists again: what is still there was not deleted, whatever the deletes
// answered.
func (r *runner) finalSweep(ctx context.Context) {
	listed, err := r.sweepOwn(ctx, true)
	if err == nil && listed {
		var hooks []webhook
		hooks, listed, err = r.listQuietly(ctx)
		for _, w := range hooks {
			if r.ours(w) {
				r.adopt(w)
			}
		}
	}
	if err != nil || !listed {
		r.unverified = "the list could not be had at the end, so webhooks named " + r.prefix() + "... may remain on the target"
		r.skip("check that the run left nothing behind", opList, http.MethodGet, r.unverified)
	}
}

// leaveBehind records a webhook the run made and could not delete: a
// failing case with the command that deletes it.
func (r *runner) leaveBehind(id string) {
	r.leftBehind = append(r.leftBehind, report.LeftBehind{Kind: "webhook", ID: id, Name: r.redact(r.created[id])})
	c := call{name: "a webhook this run made is left on the target", op: opDelete, method: http.MethodDelete,
		path: "/webhooks/" + url.PathEscape(id), auth: authToken}
	u, _ := r.url(c)
	cs := report.Case{
		Name: c.name, Operation: opDelete, Method: http.MethodDelete, Path: pathTemplate(opDelete),
		Findings: []conformance.Finding{leftBehind(id, r.redact(r.created[id]))},
		Curl:     r.curl(c, u),
	}
	r.report.Add(cs)
	if r.cfg.Progress != nil {
		r.cfg.Progress(r.report.Cases[len(r.report.Cases)-1])
	}
}

// leftBehind is the finding for a webhook the run could not delete.
func leftBehind(id, name string) conformance.Finding {
	f := conformance.NewFinding(webex.RuleBehaviorLeftBehind, "",
		fmt.Sprintf("the run could not delete webhook %s (%s); delete it with the command below", id, name), "deleted", id)
	f.Operation = opDelete
	return f
}
