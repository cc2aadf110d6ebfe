package conformance

// Report is the result of a run, a validation or a proxy session; its JSON
// form is the project's report format.
type Report struct {
	Tool    string   `json:"tool"`
	Version string   `json:"version"`
	Spec    SpecInfo `json:"spec"`
	Target  string   `json:"target,omitempty"`
	Summary Summary  `json:"summary"`
	Cases   []Case   `json:"cases"`
}

// SpecInfo identifies the spec responses were judged by.
type SpecInfo struct {
	Title   string `json:"title"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// Summary counts cases and findings.
type Summary struct {
	Cases   int `json:"cases"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errors  int `json:"errors"`
	Drift   int `json:"drift"`
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
	Name       string    `json:"name"`
	Operation  string    `json:"operation,omitempty"`
	Method     string    `json:"method,omitempty"`
	Path       string    `json:"path,omitempty"`
	Status     int       `json:"status,omitempty"`
	Verdict    Verdict   `json:"verdict"`
	DurationMS float64   `json:"duration_ms"`
	Reason     string    `json:"reason,omitempty"` // why a case was skipped
	Curl       string    `json:"curl,omitempty"`   // reproduces a failing case; token as $WEBEX_TOKEN
	Findings   []Finding `json:"findings"`
}

// Add appends c to the report, setting its verdict from its findings when
// it has none yet, and keeps the summary in step.
func (r *Report) Add(c Case) {
	if c.Findings == nil {
		c.Findings = []Finding{}
	}
	if c.Verdict == "" {
		c.Verdict = VerdictPass
		for _, f := range c.Findings {
			if f.Severity != SeverityInfo {
				c.Verdict = VerdictFail
				break
			}
		}
	}
	r.Cases = append(r.Cases, c)
	r.Summary.Cases++
	switch c.Verdict {
	case VerdictPass:
		r.Summary.Passed++
	case VerdictFail:
		r.Summary.Failed++
	case VerdictSkip:
		r.Summary.Skipped++
	}
	for _, f := range c.Findings {
		switch f.Severity {
		case SeverityError:
			r.Summary.Errors++
		case SeverityDrift:
			r.Summary.Drift++
		}
	}
}

// Fails reports whether the report holds a finding at or above failOn.
func (r *Report) Fails(failOn Severity) bool {
	for _, c := range r.Cases {
		for _, f := range c.Findings {
			if f.Severity.AtLeast(failOn) {
				return true
			}
		}
	}
	return false
}
