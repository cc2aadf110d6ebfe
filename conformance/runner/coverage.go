package runner

import (
	"fmt"
	"slices"
	"strings"
)

// coverage is what the suite must have observed to call the API tested:
// per operation, at least one 2xx answer to a call that needed one. A run
// that judged only error answers judged the error bodies, not the API.
type coverage struct {
	required []string // operations, in the order they became required
	// seen counts, per operation, the statuses of calls that needed a 2xx.
	seen map[string]map[int]int
}

func newCoverage() *coverage {
	return &coverage{seen: map[string]map[int]int{}}
}

// require makes a 2xx answer of op necessary.
func (cv *coverage) require(op string) {
	if !slices.Contains(cv.required, op) {
		cv.required = append(cv.required, op)
	}
}

// observe notes the status of a call to op that needed a 2xx.
func (cv *coverage) observe(op string, status int) {
	if cv.seen[op] == nil {
		cv.seen[op] = map[int]int{}
	}
	cv.seen[op][status]++
}

// covered says whether a call to op that needed a 2xx got one.
func (cv *coverage) covered(op string) bool {
	for status := range cv.seen[op] {
		if is2xx(status) {
			return true
		}
	}
	return false
}

// gaps says which required operations never answered 2xx and what they
// answered instead; it is empty when the API was covered.
func (cv *coverage) gaps() string {
	var parts []string
	for _, op := range cv.required {
		if cv.covered(op) {
			continue
		}
		seen := cv.seen[op]
		if len(seen) == 0 {
			parts = append(parts, op+" was not reached")
			continue
		}
		statuses := make([]int, 0, len(seen))
		for s := range seen {
			statuses = append(statuses, s)
		}
		slices.Sort(statuses)
		var ss []string
		for _, s := range statuses {
			if n := seen[s]; n > 1 {
				ss = append(ss, fmt.Sprintf("%d (%d times)", s, n))
			} else {
				ss = append(ss, fmt.Sprint(s))
			}
		}
		parts = append(parts, op+" answered "+strings.Join(ss, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return "no 2xx answer where the suite needed one: " + strings.Join(parts, "; ")
}

func is2xx(status int) bool { return status >= 200 && status < 300 }
