package generate

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// Verdict is what an answer says of a generated request.
type Verdict uint8

const (
	// Kept: a valid request accepted, an invalid one refused, or an
	// answer that does not speak of validity (401, 403, 404 for an id
	// the run made up, 409, ...).
	Kept Verdict = iota
	// NotJudged: 5xx or 429; the behaviour could not be checked.
	NotJudged
	// Broken: an invalid request accepted, or a valid one refused.
	Broken
)

// Judge says what status, answered to r, says of the API's behaviour and
// gives the finding when it broke the contract or could not be judged.
// The answer's shape is the engine's to judge (a refusal's status must be
// documented, for one).
func Judge(r *Request, status int) (Verdict, *conformance.Finding) {
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		f := conformance.NewFinding(conformance.RuleBehaviorNotJudged, "",
			fmt.Sprintf("the server answered %d, so whether it keeps the contract for this generated request could not be checked", status),
			expected(r), strconv.Itoa(status))
		return NotJudged, &f
	case !r.Valid:
		if status >= 400 && status < 500 {
			return Kept, nil
		}
		f := conformance.NewFinding(RuleInvalidAccepted, r.Where,
			fmt.Sprintf("an invalid request was not refused: %s", r.Defect), "a documented 4xx", fmt.Sprintf("%d for %s", status, r.Value))
		return Broken, &f
	case status < 400:
		return Kept, nil
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusGone,
		http.StatusLocked, http.StatusPreconditionRequired, http.StatusPreconditionFailed:
		// About who asks or the item's state, not about the request's
		// validity.
		return Kept, nil
	case http.StatusNotFound:
		if r.MadeUpID {
			return Kept, nil
		}
	}
	where, held := r.held()
	f := conformance.NewFinding(RuleValidRefused, where,
		fmt.Sprintf("a valid request was refused with %d; it held %s", status, held), "2xx", strconv.Itoa(status))
	return Broken, &f
}

func expected(r *Request) string {
	if r.Valid {
		return "2xx"
	}
	return "a documented 4xx"
}

// held lists what a request carried, parameters then the body's
// top-level properties, shortened: the parts a refusal may be about. where
// is the one optional part when only one is left (after shrinking, that
// part is what the server refuses).
func (r *Request) held() (where, held string) {
	var parts, optional []string
	m := r.op
	for i, p := range m.params {
		if !r.in.set[i] {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s=%s", p.in, p.name, short(strings.Join(r.in.vals[i], ","))))
		if !p.required {
			optional = append(optional, p.pointer())
		}
	}
	if obj, ok := r.in.body.(map[string]any); ok && r.in.hasBody {
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		v := fold(m.body)
		for _, k := range names {
			b, _ := marshal(obj[k])
			parts = append(parts, "/"+escapePointer(k)+"="+short(string(b)))
			if !v.isRequired(k) {
				optional = append(optional, "/"+escapePointer(k))
			}
		}
	} else if r.Body != nil {
		parts = append(parts, "body "+short(string(r.Body)))
	}
	if len(parts) == 0 {
		return "", "no parameters and no body"
	}
	if len(optional) == 1 {
		where = optional[0]
	}
	return where, strings.Join(parts, ", ")
}

func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
