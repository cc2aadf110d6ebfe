package report

import (
	"encoding/json"

	"github.com/webex-conformance/webhooks/conformance"
)

// Report is the result of a run, a validation or a proxy session; its JSON
// form is the project's report format, in which "summary" is computed from
// the cases on the way out and ignored on the way in.
type Report struct {
	// Outcome and Reason conclude the report (see Conclude and Result).
	Outcome Outcome              `json:"outcome"`
	Reason  string               `json:"reason"`
	Tool    string               `json:"tool"`
	Version string               `json:"version"`
	Spec    conformance.SpecInfo `json:"spec"`
	Target  string               `json:"target,omitempty"`
	// Generated, for a run that generated requests, says how many and from
	// which seed: the same seed, spec and answers send the same requests.
	Generated *Generated `json:"generated,omitempty"`
	// Judge is the sides whose findings were made and count (--judge):
	// requests, responses or both.
	Judge conformance.Sides `json:"judge"`
	// Probes are the values a run sent on purpose as invalid (an unknown
	// resource, an unknown event): a target that accepts one and echoes
	// it back is wrong (behavior.bad-create-accepted), and the value is
	// not the API's vocabulary, so follow never adds it to the spec.
	Probes []string `json:"probes,omitempty"`
	// LeftBehind lists what a run made on its target and could not delete.
	LeftBehind []LeftBehind `json:"left_behind,omitempty"`
	Cases      []Case       `json:"cases"`
	// Resolved lists the findings of the baseline that were not seen
	// again (see CompareBaseline).
	Resolved []conformance.Finding `json:"resolved,omitempty"`
	// Requirements are the responses the run had to judge (--require);
	// one never judged makes the report untested.
	Requirements []conformance.Requirement `json:"requirements,omitempty"`
	// Coverage says what of the spec the judged exchanges reached.
	Coverage *conformance.CoverageReport `json:"coverage,omitempty"`
	// CoverageRegressions lists the required responses the baseline
	// judged and this report did not (see CompareBaseline).
	CoverageRegressions []string `json:"coverage_regressions,omitempty"`
}

// Generated describes the generated requests of a run.
type Generated struct {
	// Seed is what to pass to --seed to draw the same requests again.
	Seed uint64 `json:"seed"`
	// Requested is how many requests were asked for (--generate), Cases
	// how many were drawn and judged, Sent how many were sent in all,
	// shrinking included.
	Requested int `json:"requested"`
	Cases     int `json:"cases"`
	Sent      int `json:"sent"`
}

// Summary counts cases and findings.
type Summary struct {
	Cases   int `json:"cases"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errors  int `json:"errors"`
	Drift   int `json:"drift"`
	// Request and Response count the errors and drift of each side: what
	// the client sent and what the server answered.
	Request  SideSummary `json:"request"`
	Response SideSummary `json:"response"`
	// New, Known and Resolved count errors and drift against a baseline:
	// without one, every finding is new.
	New      int `json:"new"`
	Known    int `json:"known"`
	Resolved int `json:"resolved"`
}

// SideSummary counts the errors and drift that blame one side.
type SideSummary struct {
	Errors int `json:"errors"`
	Drift  int `json:"drift"`
}

// side is the count of side, or nil for findings that blame neither.
func (s *Summary) side(side conformance.Side) *SideSummary {
	switch side {
	case conformance.SideRequest:
		return &s.Request
	case conformance.SideResponse:
		return &s.Response
	}
	return nil
}

// Verdict of a case.
type Verdict string

const (
	VerdictPass Verdict = "pass"
	VerdictFail Verdict = "fail"
	VerdictSkip Verdict = "skip"
)

// Case is one checked response (one scenario step, one HAR entry).
type Case struct {
	Name       string                `json:"name"`
	Operation  string                `json:"operation,omitempty"`
	Method     string                `json:"method,omitempty"`
	Path       string                `json:"path,omitempty"`
	Status     int                   `json:"status,omitempty"`
	Verdict    Verdict               `json:"verdict"`
	DurationMS float64               `json:"duration_ms"`
	Reason     string                `json:"reason,omitempty"` // why a case was skipped
	Curl       string                `json:"curl,omitempty"`   // reproduces a failing case (see Curl); the credential a shell variable
	Findings   []conformance.Finding `json:"findings"`
}

// Add appends c to the report, setting its verdict from its findings when
// it has none yet.
func (r *Report) Add(c Case) {
	if c.Findings == nil {
		c.Findings = []conformance.Finding{}
	}
	for i := range c.Findings {
		if c.Findings[i].Side == "" {
			// Made by hand rather than with NewFinding: the rule says.
			c.Findings[i].Side = c.Findings[i].Rule.Side()
		}
	}
	if c.Verdict == "" {
		c.Verdict = verdictOf(c.Findings)
	}
	r.Cases = append(r.Cases, c)
}

// verdictOf is pass unless a finding is more than a note.
func verdictOf(fs []conformance.Finding) Verdict {
	for _, f := range fs {
		if f.Severity != conformance.SeverityInfo {
			return VerdictFail
		}
	}
	return VerdictPass
}

// Summary counts the cases by verdict and their findings by severity.
func (r Report) Summary() Summary {
	s := Summary{Cases: len(r.Cases)}
	for _, c := range r.Cases {
		switch c.Verdict {
		case VerdictPass:
			s.Passed++
		case VerdictFail:
			s.Failed++
		case VerdictSkip:
			s.Skipped++
		}
		for _, f := range c.Findings {
			ss := s.side(f.Side)
			switch f.Severity {
			case conformance.SeverityError:
				s.Errors++
				if ss != nil {
					ss.Errors++
				}
			case conformance.SeverityDrift:
				s.Drift++
				if ss != nil {
					ss.Drift++
				}
			default:
				continue
			}
			if f.Baseline == conformance.BaselineKnown {
				s.Known++
			} else {
				s.New++
			}
		}
	}
	s.Resolved = len(r.Resolved)
	return s
}

// reportHead is the wire form's members before "cases": the outcome
// first, then the fields of Report and its summary.
type reportHead struct {
	Outcome    Outcome              `json:"outcome"`
	Reason     string               `json:"reason"`
	Tool       string               `json:"tool"`
	Version    string               `json:"version"`
	Spec       conformance.SpecInfo `json:"spec"`
	Target     string               `json:"target,omitempty"`
	Generated  *Generated           `json:"generated,omitempty"`
	Judge      conformance.Sides    `json:"judge"`
	Probes     []string             `json:"probes,omitempty"`
	Summary    Summary              `json:"summary"`
	LeftBehind []LeftBehind         `json:"left_behind,omitempty"`
	// Requirements and CoverageRegressions are short; the coverage
	// itself follows the cases.
	Requirements        []conformance.Requirement `json:"requirements,omitempty"`
	CoverageRegressions []string                  `json:"coverage_regressions,omitempty"`
}

// reportJSON is the wire form.
type reportJSON struct {
	reportHead
	Cases    []Case                      `json:"cases"`
	Resolved []conformance.Finding       `json:"resolved,omitempty"`
	Coverage *conformance.CoverageReport `json:"coverage,omitempty"`
}

// MarshalJSON writes the report with its outcome (Result) and summary.
func (r Report) MarshalJSON() ([]byte, error) {
	o, reason := r.Result()
	return json.Marshal(reportJSON{
		reportHead: reportHead{Outcome: o, Reason: reason, Tool: r.Tool, Version: r.Version, Spec: r.Spec, Target: r.Target,
			Generated: r.Generated, Judge: r.Judge, Probes: r.Probes, Summary: r.Summary(), LeftBehind: r.LeftBehind, Requirements: r.Requirements, CoverageRegressions: r.CoverageRegressions},
		Cases: r.Cases, Resolved: r.Resolved, Coverage: r.Coverage})
}

// UnmarshalJSON reads a report; its summary is whatever its cases say.
func (r *Report) UnmarshalJSON(b []byte) error {
	var w reportJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Report{Outcome: w.Outcome, Reason: w.Reason, Tool: w.Tool, Version: w.Version, Spec: w.Spec, Target: w.Target,
		Generated: w.Generated, Judge: w.Judge, Probes: w.Probes, LeftBehind: w.LeftBehind, Cases: w.Cases, Resolved: w.Resolved,
		Requirements: w.Requirements, Coverage: w.Coverage, CoverageRegressions: w.CoverageRegressions}
	return nil
}

// Fails reports whether the report holds a finding at or above failOn
// that its baseline did not have.
func (r *Report) Fails(failOn conformance.Severity) bool {
	return r.failing(failOn) > 0
}

// failing counts the findings at or above failOn that are not known from
// the baseline: the ones that fail a run.
func (r *Report) failing(failOn conformance.Severity) int {
	n, _, _ := r.failingBySide(failOn)
	return n
}

// failingBySide is failing, and how many of those blame the request and
// the response.
func (r *Report) failingBySide(failOn conformance.Severity) (n, request, response int) {
	for _, c := range r.Cases {
		for _, f := range c.Findings {
			if f.Baseline != conformance.BaselineKnown && f.Severity.AtLeast(failOn) {
				n++
				switch f.Side {
				case conformance.SideRequest:
					request++
				case conformance.SideResponse:
					response++
				}
			}
		}
	}
	return n, request, response
}
