package report

import (
	"fmt"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// Outcome is what a report concludes about its target as a whole. Only
// Conformant is a pass: a run that could not see the API answer, or did
// not finish, says so instead of counting what it did see.
type Outcome string

const (
	// Conformant: cases were judged and none failed at or above the
	// threshold.
	Conformant Outcome = "conformant"
	// Nonconformant: a finding at or above the threshold, or a resource
	// the run made is left on the target.
	Nonconformant Outcome = "nonconformant"
	// Untested: the target could not be tested well enough to judge
	// (unreachable, TLS, token rejected, 5xx where a 2xx was needed, not
	// the API, nothing judged).
	Untested Outcome = "untested"
	// Interrupted: the run was stopped before it ended.
	Interrupted Outcome = "interrupted"
)

// Passed reports whether o is a pass.
func (o Outcome) Passed() bool { return o == Conformant }

// LeftBehind is a resource a run made on its target and could not
// delete: the producer says what kind of thing it is (the Webex suite's
// are webhooks), how to find it (its id, or the path that names it) and
// what it was called.
type LeftBehind struct {
	// Kind names what it is in the singular ("webhook"); empty is
	// "resource".
	Kind string `json:"kind,omitempty"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// MarkUntested concludes the report untested with reason, whatever its
// cases say; an interrupted report stays interrupted.
func (r *Report) MarkUntested(reason string) {
	if r.Outcome == Interrupted {
		return
	}
	r.Outcome, r.Reason = Untested, reason
}

// MarkInterrupted concludes the report interrupted with reason.
func (r *Report) MarkInterrupted(reason string) {
	r.Outcome, r.Reason = Interrupted, reason
}

// Conclude sets the outcome from the cases, with failOn the least severe
// finding that fails: nonconformant on such a finding or on a resource left
// behind, untested when no case was judged, else conformant. A report
// marked untested or interrupted keeps that outcome.
func (r *Report) Conclude(failOn conformance.Severity) {
	r.Outcome, r.Reason = r.conclusion(failOn)
}

// Result is the report's outcome and reason: as concluded, or, for a
// report nobody concluded, as Conclude(SeverityDrift) would say. Every
// writer shows this, first.
func (r *Report) Result() (Outcome, string) {
	switch r.Outcome {
	case Conformant, Nonconformant:
		return r.Outcome, r.Reason
	}
	return r.conclusion(conformance.SeverityDrift)
}

func (r *Report) conclusion(failOn conformance.Severity) (Outcome, string) {
	left := r.leftBehindText()
	if r.Outcome == Untested || r.Outcome == Interrupted {
		reason := r.Reason
		if left != "" && !strings.Contains(reason, left) {
			reason = joinReasons(reason, left)
		}
		return r.Outcome, reason
	}
	if missing := r.missingRequirements(); len(missing) > 0 {
		return Untested, joinReasons(RequiredNotJudged(missing), left)
	}
	failing, request, response := r.failingBySide(failOn)
	s := r.Summary()
	// Against a baseline, only what it lacks fails, and the reason says so.
	newWord := ""
	if r.baselined() {
		newWord = "new "
	}
	switch {
	case left != "" || failing > 0:
		var parts []string
		if failing > 0 {
			parts = append(parts, fmt.Sprintf("%d %s%s at or above %s", failing, newWord, plural(failing, "finding", "findings"), failOn)+
				sidesAtFault(request, response))
		}
		return Nonconformant, joinReasons(strings.Join(parts, ""), left)
	case s.Passed+s.Failed == 0:
		reason := "no response was judged"
		if s.Skipped > 0 {
			reason += fmt.Sprintf(" (%d %s skipped)", s.Skipped, plural(s.Skipped, "case", "cases"))
		}
		return Untested, reason
	}
	reason := fmt.Sprintf("%d %s passed, no %sfinding at or above %s", s.Passed, plural(s.Passed, "case", "cases"), newWord, failOn)
	if s.Known > 0 {
		reason += fmt.Sprintf("; %d known from the baseline", s.Known)
	}
	if s.Skipped > 0 {
		reason += fmt.Sprintf("; %d skipped", s.Skipped)
	}
	return Conformant, reason
}

// sidesAtFault names the side, or the sides, that failing findings blame:
// the client's requests, the server's responses.
func sidesAtFault(request, response int) string {
	switch {
	case request > 0 && response > 0:
		return fmt.Sprintf(": %d in requests (the client's side), %d in responses (the server's side)", request, response)
	case request > 0:
		return ", in requests (the client's side)"
	case response > 0:
		return ", in responses (the server's side)"
	}
	return ""
}

// leftBehindText names what was left on the target, or is empty.
func (r *Report) leftBehindText() string {
	if len(r.LeftBehind) == 0 {
		return ""
	}
	ids := make([]string, len(r.LeftBehind))
	kind := r.LeftBehind[0].Kind
	for i, w := range r.LeftBehind {
		ids[i] = w.ID
		if w.Kind != kind {
			kind = ""
		}
	}
	if kind == "" {
		kind = "resource"
	}
	return fmt.Sprintf("%d %s the run made %s left on the target: %s", len(ids),
		plural(len(ids), kind, kind+"s"), plural(len(ids), "is", "are"), strings.Join(ids, ", "))
}

func joinReasons(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
