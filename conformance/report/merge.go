package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// MixedSpecsError says shards were judged by different specs.
type MixedSpecsError struct {
	First, Other       int // indices of the reports
	FirstSHA, OtherSHA string
}

func (e *MixedSpecsError) Error() string {
	return fmt.Sprintf("report %d was judged by another spec (sha256 %s) than report %d (sha256 %s)",
		e.Other+1, short(e.OtherSHA), e.First+1, short(e.FirstSHA))
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	if sum == "" {
		return "unknown"
	}
	return sum
}

// Merge joins the reports of shards (CI jobs that split a set of
// recordings, one proxy per service, several nights) into one: their
// cases in order, what their baselines resolved and no shard saw again,
// what was left behind, the requirements, and the coverage joined. The
// outcome is left to Conclude, except that a shard interrupted, or
// untested for another reason than a required response it did not judge
// (which another shard may have), makes the whole so. Reports judged by
// different specs are refused with a *MixedSpecsError unless mixed.
func Merge(reports []*Report, mixed bool) (*Report, error) {
	if len(reports) == 0 {
		return nil, fmt.Errorf("no report to merge")
	}
	first := reports[0]
	out := &Report{Tool: first.Tool, Version: first.Version, Spec: first.Spec, Cases: []Case{}}
	var targets []string
	seen := map[string]bool{}
	var resolved []conformance.Finding
	baselined := false
	for i, r := range reports {
		if r.Spec.SHA256 != first.Spec.SHA256 && !mixed {
			return nil, &MixedSpecsError{First: 0, Other: i, FirstSHA: first.Spec.SHA256, OtherSHA: r.Spec.SHA256}
		}
		if r.Target != "" && !slices.Contains(targets, r.Target) {
			targets = append(targets, r.Target)
		}
		out.Cases = append(out.Cases, r.Cases...)
		out.LeftBehind = append(out.LeftBehind, r.LeftBehind...)
		out.Require(r.Requirements...)
		for _, c := range r.Cases {
			for _, f := range c.Findings {
				seen[f.Identity()] = true
			}
		}
		if r.Resolved != nil {
			baselined = true
			resolved = append(resolved, r.Resolved...)
		}
		if r.Coverage != nil {
			if out.Coverage == nil {
				out.Coverage = &conformance.CoverageReport{Operations: []conformance.OperationCoverage{}, Schemas: []conformance.SchemaCoverage{}}
			}
			out.Coverage.Merge(r.Coverage)
		}
		o, reason := r.Result()
		switch {
		case o == Interrupted:
			out.MarkInterrupted(shardReason(i, r, reason))
		case o == Untested && !untestedByItsData(r, reason):
			out.MarkUntested(joinReasons(outReason(out), shardReason(i, r, reason)))
		}
	}
	out.Target = strings.Join(targets, ", ")
	if baselined {
		out.Resolved = []conformance.Finding{}
		listed := map[string]bool{}
		for _, f := range resolved {
			id := f.Identity()
			if seen[id] || listed[id] {
				continue
			}
			listed[id] = true
			out.Resolved = append(out.Resolved, f)
		}
	}
	return out, nil
}

func outReason(r *Report) string {
	if r.Outcome == Untested {
		return r.Reason
	}
	return ""
}

func shardReason(i int, r *Report, reason string) string {
	who := fmt.Sprintf("report %d", i+1)
	if r.Target != "" {
		who += " (" + r.Target + ")"
	}
	return who + ": " + reason
}

// untestedByItsData: the shard is untested only for what its cases and
// coverage say (no response judged, a required response not judged),
// which the merged report decides anew; not for what its run saw (an
// unreachable target, a rejected token).
func untestedByItsData(r *Report, reason string) bool {
	c := *r
	c.Outcome, c.Reason = "", ""
	o, derived := c.conclusion(conformance.SeverityDrift)
	return o == Untested && strings.HasPrefix(reason, derived)
}
