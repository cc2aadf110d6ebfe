package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/gen"
)

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// track remembers a webhook the target says it created, so that cleanup
// deletes it whatever happens next.
func (r *runner) track(body []byte) (webhook, bool) {
	w, ok := decodeWebhook(body)
	if !ok || w.ID == "" {
		return w, false
	}
	if _, dup := r.created[w.ID]; !dup {
		r.order = append(r.order, w.ID)
	}
	r.created[w.ID] = w.Name
	return w, true
}

func (r *runner) forget(id string) { delete(r.created, id) }

// sweep deletes leftovers of earlier interrupted runs: only webhooks whose
// name carries the suite's prefix and a run id.
func (r *runner) sweep(ctx context.Context, listed []webhook) error {
	for _, w := range listed {
		if !leftoverPattern.MatchString(w.Name) || w.ID == "" {
			continue
		}
		c := call{name: "sweep a leftover of an earlier run", op: opDelete, method: http.MethodDelete, path: "/webhooks/" + url.PathEscape(w.ID)}
		res, err := r.do(ctx, c)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		if res.status != http.StatusNoContent {
			extra = append(extra, unexpected("delete-failed", "deleting a webhook did not give 204", 204, res.status))
		}
		r.record(c, res, extra...)
	}
	return nil
}

// lifecycle: create → get → list → update → get → delete → get (404) →
// list, with two more webhooks so that the list spans several pages.
func (r *runner) lifecycle(ctx context.Context) error {
	secret := "s" + randomHex(16)
	filter := "type=group"
	want := gen.CreateWebhookRequest{
		Name:      r.prefix() + "lifecycle",
		TargetURL: r.cfg.NotifyURL + "/" + r.cfg.RunID,
		Resource:  "rooms",
		Event:     "created",
		Filter:    &filter,
		Secret:    &secret,
	}
	r.secrets = append(r.secrets, secret)
	body, _ := json.Marshal(want)
	c := call{name: "create a webhook", op: opCreate, method: http.MethodPost, path: "/webhooks", body: body}
	res, err := r.do(ctx, c)
	if err != nil {
		return err
	}
	if res.status == http.StatusUnauthorized {
		r.record(c, res)
		return &UntestableError{Reason: "the target rejected the token (401 on create webhook)"}
	}
	created, ok := r.trackIf(res)
	if !ok {
		r.record(c, res, unexpected("create-failed", "a valid create was not answered 200 with a webhook", 200, res.status))
		for _, s := range []string{"get the created webhook", "list webhooks until the created one", "update the webhook",
			"get the updated webhook", "delete the webhook", "get the deleted webhook"} {
			r.skip(s, "", "", "the webhook could not be created")
		}
		return nil
	}
	r.record(c, res, matchCreate(want, created)...)

	// More webhooks so that a small max spans several pages.
	for i := 1; i <= 2; i++ {
		b, _ := json.Marshal(gen.CreateWebhookRequest{
			Name: fmt.Sprintf("%spage-%d", r.prefix(), i), TargetURL: r.cfg.NotifyURL + "/" + r.cfg.RunID,
			Resource: "rooms", Event: "created", Filter: &filter,
		})
		fc := call{name: fmt.Sprintf("create a webhook (pagination fixture %d)", i), op: opCreate, method: http.MethodPost, path: "/webhooks", body: b}
		fr, err := r.do(ctx, fc)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		if _, ok := r.trackIf(fr); !ok {
			extra = append(extra, unexpected("create-failed", "a valid create was not answered 200 with a webhook", 200, fr.status))
		}
		r.record(fc, fr, extra...)
	}

	path := "/webhooks/" + url.PathEscape(created.ID)
	if err := r.expectWebhook(ctx, call{name: "get the created webhook", op: opGet, method: http.MethodGet, path: path},
		"created-not-found", func(w webhook) []conformance.Finding { return matchCreate(want, w) }); err != nil {
		return err
	}

	if err := r.expectListed(ctx, "list webhooks until the created one", created.ID, true); err != nil {
		return err
	}

	newSecret := "s" + randomHex(16)
	r.secrets = append(r.secrets, newSecret)
	upd := gen.UpdateWebhookRequest{Name: r.prefix() + "lifecycle-updated", TargetURL: want.TargetURL + "/updated", Secret: &newSecret}
	ub, _ := json.Marshal(upd)
	stuck := func(w webhook) []conformance.Finding {
		var fs []conformance.Finding
		if w.Name != upd.Name {
			fs = append(fs, finding("behavior.update-not-applied", conformance.SeverityError, "/name", "the update of the name did not stick", strconv.Quote(upd.Name), strconv.Quote(w.Name)))
		}
		if w.TargetURL != upd.TargetURL {
			fs = append(fs, finding("behavior.update-not-applied", conformance.SeverityError, "/targetUrl", "the update of the targetUrl did not stick", strconv.Quote(upd.TargetURL), strconv.Quote(w.TargetURL)))
		}
		return append(fs, compareSecret(newSecret, w.Secret, "/secret")...)
	}
	if err := r.expectWebhook(ctx, call{name: "update the webhook", op: opUpdate, method: http.MethodPut, path: path, body: ub},
		"update-failed", stuck); err != nil {
		return err
	}
	if err := r.expectWebhook(ctx, call{name: "get the updated webhook", op: opGet, method: http.MethodGet, path: path},
		"created-not-found", stuck); err != nil {
		return err
	}

	dc := call{name: "delete the webhook", op: opDelete, method: http.MethodDelete, path: path}
	dr, err := r.do(ctx, dc)
	if err != nil {
		return err
	}
	var extra []conformance.Finding
	if dr.status == http.StatusNoContent {
		r.forget(created.ID)
	} else {
		extra = append(extra, unexpected("delete-failed", "deleting a webhook did not give 204", 204, dr.status))
	}
	r.record(dc, dr, extra...)

	gc := call{name: "get the deleted webhook", op: opGet, method: http.MethodGet, path: path}
	gr, err := r.do(ctx, gc)
	if err != nil {
		return err
	}
	extra = nil
	if gr.status != http.StatusNotFound {
		extra = append(extra, unexpected("deleted-still-found", "a deleted webhook can still be fetched", 404, gr.status))
		// It is still there: cleanup must try again.
		r.created[created.ID] = created.Name
	}
	r.record(gc, gr, extra...)
	return r.expectListed(ctx, "list webhooks after the delete", created.ID, false)
}

// trackIf tracks the webhook of a 200 answer.
func (r *runner) trackIf(res *result) (webhook, bool) {
	if res.status != http.StatusOK {
		return webhook{}, false
	}
	return r.track(res.body)
}

// expectWebhook sends c, expects 200 with a webhook, and applies check.
func (r *runner) expectWebhook(ctx context.Context, c call, notOKRule string, check func(webhook) []conformance.Finding) error {
	res, err := r.do(ctx, c)
	if err != nil {
		return err
	}
	var extra []conformance.Finding
	if res.status != http.StatusOK {
		extra = append(extra, behavior(notOKRule, fmt.Sprintf("%s did not give 200", c.name), "200", strconv.Itoa(res.status)))
	} else if w, ok := decodeWebhook(res.body); ok {
		extra = append(extra, check(w)...)
	}
	r.record(c, res, extra...)
	return nil
}

// expectListed walks the list (max=2, so it spans pages) and checks that id
// is there, or is not.
func (r *runner) expectListed(ctx context.Context, name, id string, present bool) error {
	items, complete, err := r.walk(ctx, name, url.Values{"max": {"2"}}, true)
	if err != nil {
		return err
	}
	found := false
	for _, w := range items {
		if w.ID == id {
			found = true
		}
	}
	last := &r.report.Cases[len(r.report.Cases)-1]
	var f conformance.Finding
	switch {
	case present && !found && complete:
		f = behavior("created-not-listed", "the created webhook is on no page of the list", "listed", "absent")
	case present && !found:
		f = finding("behavior.created-not-listed", conformance.SeverityInfo, "", "the list was not walked to its end; the created webhook was not seen", "listed", "not seen")
	case !present && found:
		f = behavior("deleted-still-listed", "a deleted webhook is still listed", "absent", "listed")
	default:
		return nil
	}
	r.amend(last, f)
	return nil
}

// amend adds a finding to a case already recorded (the last page of a
// walk), keeping the summary right.
func (r *runner) amend(c *conformance.Case, f conformance.Finding) {
	if f.Operation == "" {
		f.Operation = c.Operation
	}
	if f.Status == 0 {
		f.Status = c.Status
	}
	c.Findings = append(c.Findings, f)
	switch f.Severity {
	case conformance.SeverityError:
		r.report.Summary.Errors++
	case conformance.SeverityDrift:
		r.report.Summary.Drift++
	default:
		return
	}
	if c.Verdict == conformance.VerdictPass {
		c.Verdict = conformance.VerdictFail
		r.report.Summary.Passed--
		r.report.Summary.Failed++
		if c.Curl == "" {
			c.Curl = r.curl(call{method: c.Method, auth: authToken}, r.lastURL)
		}
	}
}

// matchCreate compares what the target says it stored with what was sent.
func matchCreate(want gen.CreateWebhookRequest, got webhook) []conformance.Finding {
	var fs []conformance.Finding
	cmp := func(ptr, w, g string) {
		if w != g {
			fs = append(fs, finding("behavior.create-echo", conformance.SeverityError, ptr, "the webhook does not hold the value it was created with", strconv.Quote(w), strconv.Quote(g)))
		}
	}
	cmp("/name", want.Name, got.Name)
	cmp("/targetUrl", want.TargetURL, got.TargetURL)
	cmp("/resource", string(want.Resource), got.Resource)
	cmp("/event", string(want.Event), got.Event)
	if want.Filter != nil {
		g := ""
		if got.Filter != nil {
			g = *got.Filter
		}
		cmp("/filter", *want.Filter, g)
	}
	if want.Secret != nil {
		fs = append(fs, compareSecret(*want.Secret, got.Secret, "/secret")...)
	}
	return fs
}

// badCreates sends the creates the API documents as 400s: each must be
// refused. One that is accepted anyway is deleted at cleanup.
func (r *runner) badCreates(ctx context.Context) error {
	target := r.cfg.NotifyURL + "/" + r.cfg.RunID
	cases := []struct {
		name string
		body map[string]any
	}{
		{"create without a name", map[string]any{"targetUrl": target, "resource": "rooms", "event": "created"}},
		{"create without a targetUrl", map[string]any{"name": r.prefix() + "bad-1", "resource": "rooms", "event": "created"}},
		{"create with a targetUrl that is no URL", map[string]any{"name": r.prefix() + "bad-2", "targetUrl": "not a url", "resource": "rooms", "event": "created"}},
		{"create with an unknown resource", map[string]any{"name": r.prefix() + "bad-3", "targetUrl": target, "resource": "conformanceNoSuchResource", "event": "created"}},
		{"create with an unknown event", map[string]any{"name": r.prefix() + "bad-4", "targetUrl": target, "resource": "rooms", "event": "conformanceNoSuchEvent"}},
	}
	for _, bc := range cases {
		b, _ := json.Marshal(bc.body)
		c := call{name: bc.name, op: opCreate, method: http.MethodPost, path: "/webhooks", body: b}
		res, err := r.do(ctx, c)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		if res.status != http.StatusBadRequest {
			extra = append(extra, unexpected("bad-create-accepted", "an invalid create was not refused with 400", 400, res.status))
		}
		r.trackIf(res)
		r.record(c, res, extra...)
	}
	return nil
}

// cleanup deletes whatever the run created and has not seen deleted. It
// runs on a fresh, bounded context: an interrupted run must still clean up.
func (r *runner) cleanup() {
	if len(r.created) == 0 {
		return
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
		switch res.status {
		case http.StatusNoContent, http.StatusNotFound:
			r.forget(id)
		default:
			extra = append(extra, unexpected("delete-failed", "deleting a webhook did not give 204", 204, res.status))
		}
		r.record(c, res, extra...)
	}
}
