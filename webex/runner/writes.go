package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/webex"
)

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// track remembers a webhook the target says it created, so that cleanup
// deletes it whatever happens next.
func (r *runner) track(body []byte) (webhook, bool) {
	w, ok := decodeWebhook(body)
	if !ok || w.ID == "" {
		return w, false
	}
	r.adopt(w)
	return w, true
}

// adopt makes w one of the webhooks cleanup must delete.
func (r *runner) adopt(w webhook) {
	if !slices.Contains(r.order, w.ID) {
		r.order = append(r.order, w.ID)
	}
	r.created[w.ID] = w.Name
}

func (r *runner) forget(id string) { delete(r.created, id) }

// runTargetURL is the targetUrl of every webhook the run creates: unique
// to the run, so a sweep knows its own even without a name.
func (r *runner) runTargetURL() string { return r.cfg.NotifyURL + "/" + r.cfg.RunID }

// sweepEarlier deletes leftovers of earlier interrupted runs: only
// webhooks whose name carries the suite's prefix and a run id.
func (r *runner) sweepEarlier(ctx context.Context, listed []webhook) error {
	for _, w := range listed {
		if !leftoverPattern.MatchString(w.Name) || w.ID == "" || strings.HasPrefix(w.Name, r.prefix()) {
			continue
		}
		c := call{name: "sweep a leftover of an earlier run", op: opDelete, method: http.MethodDelete, path: "/webhooks/" + url.PathEscape(w.ID)}
		res, err := r.do(ctx, c)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		if !is2xx(res.status) {
			extra = append(extra, deleteRefused(res.status))
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
		TargetURL: r.runTargetURL(),
		Resource:  "rooms",
		Event:     "created",
		Filter:    &filter,
		Secret:    &secret,
	}
	r.secrets = append(r.secrets, secret)
	body, _ := json.Marshal(want)
	c := call{name: "create a webhook", op: opCreate, method: http.MethodPost, path: "/webhooks", body: body, need2xx: true}
	res, err := r.doWrite(ctx, c)
	if err != nil {
		return err
	}
	if res.status == http.StatusUnauthorized {
		r.record(c, res)
		return &UntestableError{Reason: "the target rejected the token (401 on create webhook)"}
	}
	created, ok := r.trackIf(res)
	if !ok {
		r.record(c, res, createFailed(res.status))
		if err := r.afterWrite(ctx, c, false); err != nil {
			return err
		}
		for _, s := range []string{"get the created webhook", "list webhooks until the created one", "update the webhook",
			"get the updated webhook", "delete the webhook", "get the deleted webhook"} {
			r.skip(s, "", "", fmt.Sprintf("the webhook could not be created (the create answered %d)", res.status))
		}
		return nil
	}
	r.require(need2xx(opGet))
	r.record(c, res, matchCreate(want, created)...)

	// More webhooks so that a small max spans several pages.
	for i := 1; i <= 2; i++ {
		b, _ := json.Marshal(gen.CreateWebhookRequest{
			Name: fmt.Sprintf("%spage-%d", r.prefix(), i), TargetURL: r.runTargetURL(),
			Resource: "rooms", Event: "created", Filter: &filter,
		})
		fc := call{name: fmt.Sprintf("create a webhook (pagination fixture %d)", i), op: opCreate, method: http.MethodPost, path: "/webhooks", body: b, need2xx: true}
		fr, err := r.doWrite(ctx, fc)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		_, tracked := r.trackIf(fr)
		if !tracked {
			extra = append(extra, createFailed(fr.status))
		}
		r.record(fc, fr, extra...)
		if err := r.afterWrite(ctx, fc, tracked); err != nil {
			return err
		}
	}

	path := "/webhooks/" + url.PathEscape(created.ID)
	if err := r.expectWebhook(ctx, call{name: "get the created webhook", op: opGet, method: http.MethodGet, path: path, need2xx: true},
		webex.RuleBehaviorCreatedNotFound, func(w webhook) []conformance.Finding { return matchCreate(want, w) }); err != nil {
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
			fs = append(fs, conformance.NewFinding(webex.RuleBehaviorUpdateNotApplied, "/name", "the update of the name did not stick", strconv.Quote(upd.Name), strconv.Quote(w.Name)))
		}
		if w.TargetURL != upd.TargetURL {
			fs = append(fs, conformance.NewFinding(webex.RuleBehaviorUpdateNotApplied, "/targetUrl", "the update of the targetUrl did not stick", strconv.Quote(upd.TargetURL), strconv.Quote(w.TargetURL)))
		}
		return append(fs, compareSecret(newSecret, w.Secret, "/secret")...)
	}
	if err := r.expectWebhook(ctx, call{name: "update the webhook", op: opUpdate, method: http.MethodPut, path: path, body: ub, need2xx: true},
		webex.RuleBehaviorUpdateFailed, stuck); err != nil {
		return err
	}
	if err := r.expectWebhook(ctx, call{name: "get the updated webhook", op: opGet, method: http.MethodGet, path: path, need2xx: true},
		webex.RuleBehaviorCreatedNotFound, stuck); err != nil {
		return err
	}

	dc := call{name: "delete the webhook", op: opDelete, method: http.MethodDelete, path: path, need2xx: true}
	dr, err := r.do(ctx, dc)
	if err != nil {
		return err
	}
	var extra []conformance.Finding
	if is2xx(dr.status) {
		r.deleted[created.ID] = true
		r.forget(created.ID)
	} else {
		extra = append(extra, deleteRefused(dr.status))
	}
	r.record(dc, dr, extra...)

	gc := call{name: "get the deleted webhook", op: opGet, method: http.MethodGet, path: path}
	gr, err := r.do(ctx, gc)
	if err != nil {
		return err
	}
	extra = nil
	if gr.status != http.StatusNotFound {
		extra = append(extra, unexpected(webex.RuleBehaviorDeletedStillFound, "a deleted webhook can still be fetched", 404, gr.status))
		// It is still there: cleanup must try again.
		r.created[created.ID] = created.Name
	}
	r.record(gc, gr, extra...)
	return r.expectListed(ctx, "list webhooks after the delete", created.ID, false)
}

// trackIf tracks the webhook of a 2xx answer that carries an id: whether
// its status is documented or not, the target made something, and it must
// go again.
func (r *runner) trackIf(res *result) (webhook, bool) {
	if !is2xx(res.status) {
		return webhook{}, false
	}
	return r.track(res.body)
}

// expectWebhook sends c, expects 2xx with a webhook, and applies check. The
// engine judges whether the 2xx is the documented one.
func (r *runner) expectWebhook(ctx context.Context, c call, notOKRule conformance.Rule, check func(webhook) []conformance.Finding) error {
	res, err := r.doWrite(ctx, c)
	if err != nil {
		return err
	}
	var extra []conformance.Finding
	tracked := false
	if !is2xx(res.status) {
		extra = append(extra, unexpected(notOKRule, fmt.Sprintf("%s did not give 200", c.name), 200, res.status))
	} else if w, ok := decodeWebhook(res.body); ok {
		extra = append(extra, check(w)...)
		tracked = w.ID != ""
	}
	r.record(c, res, extra...)
	return r.afterWrite(ctx, c, tracked)
}

// expectListed walks the list (max=2, so it spans pages) and checks that id
// is there, or is not.
func (r *runner) expectListed(ctx context.Context, name, id string, present bool) error {
	ws := walkSpec{name: name, q: url.Values{"max": {"2"}}, needToken: true, need2xx: true}
	if present {
		// Before the delete, what the run made is known to exist.
		ws.atLeast = len(r.created)
	}
	got, err := r.walk(ctx, ws)
	if err != nil {
		return err
	}
	items, complete := got.items, got.complete
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
		f = conformance.NewFinding(webex.RuleBehaviorCreatedNotListed, "", "the created webhook is on no page of the list", "listed", "absent")
	case present && !found:
		f = conformance.NewFinding(webex.RuleBehaviorCreatedNotListed, "", "the list was not walked to its end; the created webhook was not seen", "listed", "not seen").AsNote()
	case !present && found:
		f = conformance.NewFinding(webex.RuleBehaviorDeletedStillListed, "", "a deleted webhook is still listed", "absent", "listed")
	default:
		return nil
	}
	r.amend(last, f)
	return nil
}

// amend adds a finding to a case already recorded (the last page of a
// walk); an error or a drift fails a case that passed.
func (r *runner) amend(c *report.Case, f conformance.Finding) {
	if f.Operation == "" {
		f.Operation = c.Operation
	}
	if f.Status == 0 {
		f.Status = c.Status
	}
	c.Findings = append(c.Findings, f)
	if f.Severity == conformance.SeverityInfo {
		return
	}
	if c.Verdict == report.VerdictPass {
		c.Verdict = report.VerdictFail
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
			fs = append(fs, conformance.NewFinding(webex.RuleBehaviorCreateEcho, ptr, "the webhook does not hold the value it was created with", strconv.Quote(w), strconv.Quote(g)))
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

// The values the bad creates send on purpose as invalid. The report lists
// them as its probes: a target that accepts and echoes one is wrong
// (behavior.bad-create-accepted), and its drift findings on the value are
// no vocabulary of the API for follow to add to the spec.
const (
	probeResource  = "conformanceNoSuchResource"
	probeEvent     = "conformanceNoSuchEvent"
	probeTargetURL = "not a url"
)

// badCreates sends the creates the API documents as 400s: each must be
// refused. One that is accepted anyway is deleted at cleanup.
func (r *runner) badCreates(ctx context.Context) error {
	r.report.Probes = append(r.report.Probes, probeResource, probeEvent, probeTargetURL)
	target := r.runTargetURL()
	cases := []struct {
		name string
		body map[string]any
	}{
		{"create without a name", map[string]any{"targetUrl": target, "resource": "rooms", "event": "created"}},
		{"create without a targetUrl", map[string]any{"name": r.prefix() + "bad-1", "resource": "rooms", "event": "created"}},
		{"create with a targetUrl that is no URL", map[string]any{"name": r.prefix() + "bad-2", "targetUrl": probeTargetURL, "resource": "rooms", "event": "created"}},
		{"create with an unknown resource", map[string]any{"name": r.prefix() + "bad-3", "targetUrl": target, "resource": probeResource, "event": "created"}},
		{"create with an unknown event", map[string]any{"name": r.prefix() + "bad-4", "targetUrl": target, "resource": "rooms", "event": probeEvent}},
	}
	for _, bc := range cases {
		b, _ := json.Marshal(bc.body)
		c := call{name: bc.name, op: opCreate, method: http.MethodPost, path: "/webhooks", body: b}
		res, err := r.doWrite(ctx, c)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		if res.status != http.StatusBadRequest {
			extra = append(extra, unexpected(webex.RuleBehaviorBadCreateAccepted, "an invalid create was not refused with 400", 400, res.status))
		}
		_, tracked := r.trackIf(res)
		r.record(c, res, extra...)
		if err := r.afterWrite(ctx, c, tracked); err != nil {
			return err
		}
	}
	return nil
}
