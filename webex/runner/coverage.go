package runner

import (
	"slices"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// The suite needs, to call the API tested, a 2xx answer of each operation
// it relied on: a run that judged only error answers judged the error
// bodies, not the API. Those needs are requirements (OP:2XX) beside the
// caller's, all checked against the run's coverage, which the engine fills
// as it judges each exchange.

// require adds requirements: an operation alone needs a 2xx answer.
func (r *runner) require(qs ...conformance.Requirement) {
	for _, q := range qs {
		if !slices.Contains(r.reqs, q) {
			r.reqs = append(r.reqs, q)
		}
	}
}

func need2xx(op string) conformance.Requirement {
	return conformance.Requirement{Operation: op, Status: "2XX"}
}

// covered says whether op answered 2xx somewhere in the run.
func (r *runner) covered(op string) bool { return r.cov.Judged(need2xx(op)) }

// missingReason is the untested reason for the requirements missing, and
// how to meet one that an account without webhooks cannot.
func (r *runner) missingReason(missing []string) string {
	reason := report.RequiredNotJudged(missing)
	if !r.noWebhook {
		return reason
	}
	for _, q := range r.reqs {
		if q.Operation == opGet && !r.cov.Judged(q) {
			return reason + "; the account has no webhook to fetch and writes are off: name one with --webhook-id ID, or let the run create one with --allow-writes"
		}
	}
	return reason
}

func is2xx(status int) bool { return status >= 200 && status < 300 }
