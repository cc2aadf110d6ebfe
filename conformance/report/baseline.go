package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// CompareBaseline marks each finding of r new or known by whether the
// earlier report base had it (by Finding.Identity), and lists as resolved
// the findings of base that r did not see again. A finding counts as
// resolved only where r judged a response of the same operation and
// status: what a run did not look at, it cannot say is gone.
//
// It returns a warning, or "", when base was judged by another spec: the
// identities of findings still match, but a finding may have moved.
func (r *Report) CompareBaseline(base *Report) (warning string) {
	known := map[string]bool{}
	for _, c := range base.Cases {
		for _, f := range c.Findings {
			known[f.Identity()] = true
		}
	}
	seen := map[string]bool{}
	judged := map[string]bool{} // operation, and operation + status
	for i := range r.Cases {
		c := &r.Cases[i]
		if c.Verdict != VerdictSkip && c.Operation != "" {
			judged[c.Operation] = true
			judged[c.Operation+" "+strconv.Itoa(c.Status)] = true
		}
		for j := range c.Findings {
			f := &c.Findings[j]
			id := f.Identity()
			seen[id] = true
			f.Baseline = conformance.BaselineNew
			if known[id] {
				f.Baseline = conformance.BaselineKnown
			}
		}
	}
	r.Resolved = []conformance.Finding{}
	listed := map[string]bool{}
	for _, c := range base.Cases {
		for _, f := range c.Findings {
			id := f.Identity()
			if f.Severity == conformance.SeverityInfo || seen[id] || listed[id] {
				continue
			}
			where := f.Operation
			if f.Status != 0 {
				where += " " + strconv.Itoa(f.Status)
			}
			if !judged[where] {
				continue
			}
			listed[id] = true
			f.Baseline = ""
			r.Resolved = append(r.Resolved, f)
		}
	}
	r.CoverageRegressions = CoverageRegression(base, r)
	if base.Spec.Title != r.Spec.Title || base.Spec.Version != r.Spec.Version {
		return fmt.Sprintf("the baseline was judged by %s %s, this report by %s %s: findings are matched all the same, but some may have moved",
			orUnknown(base.Spec.Title), orUnknown(base.Spec.Version), orUnknown(r.Spec.Title), orUnknown(r.Spec.Version))
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "(unnamed)"
	}
	return strconv.Quote(s)
}

// Baselined reports whether the report was compared with a baseline.
func (r *Report) baselined() bool {
	if r.Resolved != nil {
		return true
	}
	for _, c := range r.Cases {
		for _, f := range c.Findings {
			if f.Baseline != "" {
				return true
			}
		}
	}
	return false
}

// splitKnown returns the findings a case shows in full (all but the known
// ones) and how many known ones it has.
func splitKnown(fs []conformance.Finding) (shown []conformance.Finding, known int) {
	shown = make([]conformance.Finding, 0, len(fs))
	for _, f := range fs {
		if f.Baseline == conformance.BaselineKnown {
			known++
			continue
		}
		shown = append(shown, f)
	}
	return shown, known
}

// knownGroup is a known finding, collapsed: the first one seen and how
// many share its identity.
type knownGroup struct {
	finding conformance.Finding
	count   int
}

// knownFindings collapses the known findings of r by identity, in order
// of first appearance.
func knownFindings(r *Report) []knownGroup {
	index := map[string]int{}
	var out []knownGroup
	for _, c := range r.Cases {
		for _, f := range c.Findings {
			if f.Baseline != conformance.BaselineKnown {
				continue
			}
			id := f.Identity()
			if i, ok := index[id]; ok {
				out[i].count++
				continue
			}
			index[id] = len(out)
			out = append(out, knownGroup{finding: f, count: 1})
		}
	}
	return out
}

// place is where a finding was seen: operation, status and the pointer
// with indices folded.
func place(f conformance.Finding) string {
	s := f.Operation
	if f.Status != 0 {
		s += " " + strconv.Itoa(f.Status)
	}
	return strings.TrimSpace(s)
}

// KnownOnly reports whether every error and drift finding of the case is
// known from the baseline (and there is one): such a case fails nothing.
func (c Case) KnownOnly() bool {
	known := 0
	for _, f := range c.Findings {
		switch {
		case f.Severity == conformance.SeverityInfo:
		case f.Baseline != conformance.BaselineKnown:
			return false
		default:
			known++
		}
	}
	return known > 0
}
