package report

import (
	"fmt"

	"github.com/webex-conformance/webhooks/conformance"
)

// Tally folds the findings of many exchanges into one case's worth, as a
// long-running proxy or receiver needs: each kind of finding (rule,
// pointer, expected value, severity) is kept once, the first time it is
// seen, with a count of the exchanges that had it. At most maxKinds kinds
// are kept, so a case stays bounded however long the traffic runs; the
// rest are counted as dropped. A Tally is not safe for concurrent use.
type Tally struct {
	maxKinds  int
	exchanges int
	dropped   int
	seen      map[tallyKey]int
	order     []tallyKey
	first     map[tallyKey]conformance.Finding
}

type tallyKey struct {
	rule              conformance.Rule
	pointer, expected string
	severity          conformance.Severity
}

// NewTally returns an empty tally that keeps at most maxKinds kinds.
func NewTally(maxKinds int) *Tally {
	return &Tally{maxKinds: maxKinds, seen: map[tallyKey]int{}, first: map[tallyKey]conformance.Finding{}}
}

// Add counts one exchange and its findings, naming operation in the
// findings that name none. It returns the findings of kinds the tally had
// not seen before: the ones worth logging as they appear.
func (t *Tally) Add(fs []conformance.Finding, operation string) (fresh []conformance.Finding) {
	t.exchanges++
	for _, f := range fs {
		if f.Operation == "" {
			f.Operation = operation
		}
		k := tallyKey{rule: f.Rule, pointer: f.Pointer, expected: f.Expected, severity: f.Severity}
		if _, dup := t.seen[k]; !dup {
			if len(t.order) >= t.maxKinds {
				t.dropped++
				continue
			}
			t.order = append(t.order, k)
			t.first[k] = f
			fresh = append(fresh, f)
		}
		t.seen[k]++
	}
	return fresh
}

// Exchanges is how many exchanges were added.
func (t *Tally) Exchanges() int { return t.exchanges }

// Dropped is how many findings were not kept because their kind came
// after the first maxKinds.
func (t *Tally) Dropped() int { return t.dropped }

// Findings lists the kept kinds in the order they first appeared; one seen
// in more than one exchange says in how many, counting them as nouns
// ("exchanges", "deliveries").
func (t *Tally) Findings(nouns string) []conformance.Finding {
	out := make([]conformance.Finding, 0, len(t.order))
	for _, k := range t.order {
		f := t.first[k]
		if n := t.seen[k]; n > 1 {
			f.Message = fmt.Sprintf("%s (in %d of %d %s)", f.Message, n, t.exchanges, nouns)
		}
		out = append(out, f)
	}
	return out
}
