package runner

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/webex"
)

// runIDPattern is what a run id looks like; leftoverPattern matches the
// names of webhooks left behind by any earlier run, and nothing else.
var (
	runIDPattern    = regexp.MustCompile(`^[0-9a-f]{8}$`)
	leftoverPattern = regexp.MustCompile(`^` + regexp.QuoteMeta(namePrefix) + `[0-9a-f]{8}-`)
)

func (r *runner) prefix() string { return namePrefix + r.cfg.RunID + "-" }

// suite runs the scenarios in order; it stops at the first error that
// makes going on pointless (unreachable, token rejected, not the API,
// interrupted), and when the list gave nothing to go on.
func (r *runner) suite(ctx context.Context) error {
	r.require(need2xx(opList))
	if r.cfg.AllowWrites {
		r.require(need2xx(opCreate), need2xx(opUpdate), need2xx(opDelete))
	}
	if len(r.cfg.WebhookIDs) > 0 {
		r.require(need2xx(opGet))
	}
	// The target's own page size first: the walk that sees every webhook.
	main, err := r.walk(ctx, walkSpec{name: "list webhooks", needToken: true, need2xx: true})
	if err != nil {
		return err
	}
	if main.notList != "" {
		return &UntestableError{Reason: r.redact(notWebexReason(r.base, main.notList))}
	}
	if !r.covered(opList) {
		// A list that failed leaves nothing to fetch, sweep or compare
		// with; coverage says what it answered.
		return nil
	}
	listed := main.items
	if len(listed) > 0 {
		r.require(need2xx(opGet))
	}
	r.noWebhook = len(listed) == 0 && len(r.cfg.WebhookIDs) == 0 && !r.cfg.AllowWrites
	known := 0
	if main.complete {
		known = len(listed)
	}
	// Then a small page, so that even an account with two webhooks
	// follows a next link.
	small := url.Values{"max": {strconv.Itoa(r.cfg.PageSize)}}
	if _, err := r.walk(ctx, walkSpec{name: fmt.Sprintf("list webhooks, %d per page", r.cfg.PageSize), q: small,
		needToken: true, pages: smallWalkPages, atLeast: known}); err != nil {
		return err
	}
	// Listing the organization's webhooks may need an admin token; a
	// refusal there is an answer, not a reason to stop.
	orgQ := url.Values{"max": {strconv.Itoa(r.cfg.PageSize)}, "ownedBy": {"org"}}
	if _, err := r.walk(ctx, walkSpec{name: "list organization webhooks", q: orgQ, pages: smallWalkPages}); err != nil {
		return err
	}
	if r.cfg.AllowWrites {
		if err := r.sweepEarlier(ctx, listed); err != nil {
			return err
		}
		if err := r.lifecycle(ctx); err != nil {
			return err
		}
		if err := r.badCreates(ctx); err != nil {
			return err
		}
	}
	if err := r.getListed(ctx, listed); err != nil {
		return err
	}
	if err := r.unknownID(ctx); err != nil {
		return err
	}
	if err := r.authProbes(ctx); err != nil {
		return err
	}
	if r.cfg.AllowWrites {
		return r.methodNotAllowed(ctx)
	}
	return nil
}

// getListed fetches each --webhook-id, or the first listed webhooks.
func (r *runner) getListed(ctx context.Context, listed []webhook) error {
	ids := r.cfg.WebhookIDs
	fromList := len(ids) == 0
	if fromList {
		for _, w := range listed {
			if len(ids) == r.cfg.MaxGets {
				break
			}
			if w.ID != "" && r.created[w.ID] == "" {
				ids = append(ids, w.ID)
			}
		}
	}
	for i, id := range ids {
		c := call{name: fmt.Sprintf("get webhook details (%s #%d)", map[bool]string{true: "listed", false: "--webhook-id"}[fromList], i+1),
			op: opGet, method: http.MethodGet, path: "/webhooks/" + url.PathEscape(id), need2xx: true}
		res, err := r.do(ctx, c)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		switch {
		case res.status == http.StatusUnauthorized:
			r.record(c, res)
			return &UntestableError{Reason: "the target rejected the token (401 on get webhook details)"}
		case is2xx(res.status):
			if w, ok := decodeWebhook(res.body); ok && w.ID != id {
				extra = append(extra, conformance.NewFinding(webex.RuleBehaviorIDMismatch, "/id",
					"get returned another webhook than the one asked for", strconv.Quote(id), strconv.Quote(w.ID)))
			}
		case fromList:
			extra = append(extra, unexpected(webex.RuleBehaviorListedNotFound, "a webhook the list returned cannot be fetched", 200, res.status))
		}
		r.record(c, res, extra...)
	}
	return nil
}

// unknownID expects 404 for an id that does not exist, on every operation
// that takes one (update and delete only when writes are allowed: they are
// harmless on an unknown id, but they are writes).
func (r *runner) unknownID(ctx context.Context) error {
	id := unknownWebhookID()
	path := "/webhooks/" + url.PathEscape(id)
	calls := []call{{name: "get an unknown webhook id", op: opGet, method: http.MethodGet, path: path}}
	if r.cfg.AllowWrites {
		body, _ := json.Marshal(gen.UpdateWebhookRequest{Name: r.prefix() + "unknown", TargetURL: r.runTargetURL()})
		calls = append(calls,
			call{name: "update an unknown webhook id", op: opUpdate, method: http.MethodPut, path: path, body: body},
			call{name: "delete an unknown webhook id", op: opDelete, method: http.MethodDelete, path: path})
	}
	for _, c := range calls {
		res, err := r.doWrite(ctx, c)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		if res.status != http.StatusNotFound {
			extra = append(extra, unexpected(webex.RuleBehaviorUnknownID, "an unknown webhook id did not give 404", 404, res.status))
		}
		// An update that "succeeds" on an unknown id may have created
		// something; make sure it goes.
		tracked := false
		if c.method == http.MethodPut {
			_, tracked = r.trackIf(res)
		}
		r.record(c, res, extra...)
		if err := r.afterWrite(ctx, c, tracked); err != nil {
			return err
		}
	}
	return nil
}

// unknownWebhookID looks like a Webex id (base64 of a ciscospark URI) but
// names a random UUID that no account holds.
func unknownWebhookID() string {
	h := randomHex(16)
	uuid := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	return base64URL("ciscospark://us/WEBHOOK/" + uuid)
}

// authProbes expects 401 without a token and with a bad one.
func (r *runner) authProbes(ctx context.Context) error {
	probes := []struct {
		c    call
		rule conformance.Rule
		msg  string
	}{
		{call{name: "list webhooks without a token", auth: authNone}, webex.RuleBehaviorNoToken, "a request without a token was not refused with 401"},
		{call{name: "list webhooks with an invalid token", auth: authBad}, webex.RuleBehaviorBadToken, "a request with an invalid token was not refused with 401"},
	}
	for _, p := range probes {
		p.c.op, p.c.method, p.c.path, p.c.query = opList, http.MethodGet, "/webhooks", url.Values{"max": {"1"}}
		res, err := r.do(ctx, p.c)
		if err != nil {
			return err
		}
		var extra []conformance.Finding
		if res.status != http.StatusUnauthorized {
			extra = append(extra, unexpected(p.rule, p.msg, 401, res.status))
		}
		r.record(p.c, res, extra...)
	}
	return nil
}

// methodNotAllowed sends PATCH to the collection, which no operation
// accepts. The 405 is judged as the list operation's documented 405.
func (r *runner) methodNotAllowed(ctx context.Context) error {
	c := call{name: "PATCH the webhook collection", op: opList, method: http.MethodPatch, path: "/webhooks", body: []byte("{}")}
	res, err := r.doWrite(ctx, c)
	if err != nil {
		return err
	}
	var extra []conformance.Finding
	if res.status != http.StatusMethodNotAllowed {
		extra = append(extra, unexpected(webex.RuleBehaviorMethodNotAllowed, "a method the path does not accept did not give 405", 405, res.status))
	}
	r.record(c, res, extra...)
	return r.afterWrite(ctx, c, false)
}

func secretHash(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// compareSecret checks the echoed secret against the one sent by hash, so
// that neither value is ever printed; only "equal" or "different" is.
func compareSecret(sent string, got *string, pointer string) []conformance.Finding {
	if got == nil {
		return []conformance.Finding{conformance.NewFinding(webex.RuleBehaviorSecretEcho, pointer,
			"the secret was not echoed back; it could not be compared", "the secret sent", "absent").AsNote()}
	}
	if secretHash(*got) != secretHash(sent) {
		return []conformance.Finding{conformance.NewFinding(webex.RuleBehaviorSecretEcho, pointer,
			"the echoed secret differs from the one sent (compared by SHA-256)", "equal", "different")}
	}
	return nil
}
