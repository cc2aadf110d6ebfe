package conformance

import (
	"strconv"
	"strings"
)

// BaselineMark says whether an earlier report, the baseline, had a finding.
type BaselineMark string

const (
	// BaselineNew: the baseline did not have it; it fails a run.
	BaselineNew BaselineMark = "new"
	// BaselineKnown: the baseline had it; it is reported, and fails nothing.
	BaselineKnown BaselineMark = "known"
)

// FoldPointer replaces every array index of a JSON pointer with *, so the
// same place in the third and the fifth item of a list reads the same:
// /items/2/resource becomes /items/*/resource. A header pointer is left
// alone. An object key made only of digits folds too; a spec that keys
// objects by number is rare, and telling the two apart needs the schema.
func FoldPointer(p string) string {
	if !strings.HasPrefix(p, "/") {
		return p
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		if isIndex(s) {
			segs[i] = "*"
		}
	}
	return "/" + strings.Join(segs, "/")
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// valueRules are the rules whose findings differ by the value seen: a
// second unknown enum value at the same place is news, and so is a wrong
// type after another wrong type was accepted.
var valueRules = map[Rule]bool{RuleBodyEnum: true, RuleHeaderEnum: true, RuleBodyType: true}

// Identity is what makes two findings of different runs the same finding:
// rule, operation, status and pointer with array indices folded, plus the
// offending value for enum and type findings. Messages and expected values
// are left out: they may be worded differently by another version of the
// tool, and the place and the value are what a person acknowledged.
func (f Finding) Identity() string {
	var b strings.Builder
	b.WriteString(f.Rule.ID())
	b.WriteByte(0)
	b.WriteString(f.Operation)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(f.Status))
	b.WriteByte(0)
	b.WriteString(FoldPointer(f.Pointer))
	if valueRules[f.Rule] {
		b.WriteByte(0)
		b.WriteString(f.Actual)
	}
	return b.String()
}
