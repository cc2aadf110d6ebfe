package conformance

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// CoverageReport says how much of a spec the judged exchanges reached: per
// documented operation the exchanges judged and the statuses documented
// against those judged, per documented response the headers seen, per
// schema the documented properties seen present and the documented enum
// values seen, per parameter whether a request carried it. Every
// documented part is listed, reached or not. It is plain data: reports
// carry it as JSON, and Merge joins the coverage of shards.
type CoverageReport struct {
	Operations []OperationCoverage `json:"operations"`
	Schemas    []SchemaCoverage    `json:"schemas"`
	// Unmatched counts the exchanges no operation of the spec matched.
	Unmatched int            `json:"unmatched_exchanges,omitempty"`
	Totals    CoverageTotals `json:"totals"`
}

// OperationCoverage is one documented operation.
type OperationCoverage struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	// Exchanges counts the responses judged; Requests the requests judged.
	Exchanges int            `json:"exchanges"`
	Requests  int            `json:"requests"`
	Statuses  StatusCoverage `json:"statuses"`
	// Responses lists the documented responses (status keys as the spec
	// writes them: "200", "4XX", "default").
	Responses   []ResponseCoverage  `json:"responses"`
	Parameters  []ParameterCoverage `json:"parameters,omitempty"`
	RequestBody []string            `json:"request_body,omitempty"` // the schemas of its request body
}

// StatusCoverage sets the statuses the spec documents for an operation
// beside those judged (undocumented ones included), with how many
// exchanges had each.
type StatusCoverage struct {
	Documented []string       `json:"documented"`
	Judged     []string       `json:"judged"`
	Exchanges  map[string]int `json:"exchanges,omitempty"`
}

// ResponseCoverage is one documented response of an operation.
type ResponseCoverage struct {
	Status    string   `json:"status"`
	Exchanges int      `json:"exchanges"`
	Headers   Seen     `json:"headers"`
	Body      []string `json:"body,omitempty"` // the schemas of its body, one per JSON media type
}

// ParameterCoverage is one documented parameter of an operation.
type ParameterCoverage struct {
	Name      string `json:"name"`
	In        string `json:"in"`
	Exercised bool   `json:"exercised"`
	// Enum is the values of its schema's enum seen, when it has one.
	Enum *Seen `json:"enum,omitempty"`
}

// SchemaCoverage is one schema of a body, parameter or header that
// declares properties or an enum, named by its JSON pointer in the spec.
type SchemaCoverage struct {
	Schema     string `json:"schema"`
	Properties *Seen  `json:"properties,omitempty"`
	Enum       *Seen  `json:"enum,omitempty"`
}

// Seen sets what the spec documents beside what was seen of it; Unseen is
// the difference, written out for readers (and recomputed on Merge).
type Seen struct {
	Documented []string `json:"documented"`
	Seen       []string `json:"seen"`
	Unseen     []string `json:"unseen"`
}

// CoverageTotals add up a CoverageReport.
type CoverageTotals struct {
	Operations Count `json:"operations"`
	Responses  Count `json:"responses"`
	Headers    Count `json:"headers"`
	Properties Count `json:"properties"`
	EnumValues Count `json:"enum_values"`
	Parameters Count `json:"parameters"`
}

// Count is how many parts the spec documents and how many of them were
// judged (seen, exercised).
type Count struct {
	Documented int `json:"documented"`
	Judged     int `json:"judged"`
}

// Percent is judged over documented, in percent; 100 when nothing is
// documented.
func (c Count) Percent() float64 {
	if c.Documented == 0 {
		return 100
	}
	return 100 * float64(c.Judged) / float64(c.Documented)
}

func (c Count) String() string {
	return fmt.Sprintf("%d/%d", c.Judged, c.Documented)
}

func newSeen(documented, seen []string) Seen {
	s := Seen{Documented: documented, Seen: seen}
	if s.Documented == nil {
		s.Documented = []string{}
	}
	if s.Seen == nil {
		s.Seen = []string{}
	}
	s.fill()
	return s
}

// fill recomputes Unseen, keeping the documented order.
func (s *Seen) fill() {
	s.Unseen = []string{}
	for _, d := range s.Documented {
		if !slices.Contains(s.Seen, d) {
			s.Unseen = append(s.Unseen, d)
		}
	}
}

// union adds o's seen (and documented) values to s, in the documented
// order.
func (s *Seen) union(o Seen) {
	for _, d := range o.Documented {
		if !slices.Contains(s.Documented, d) {
			s.Documented = append(s.Documented, d)
		}
	}
	var seen []string
	for _, d := range s.Documented {
		if slices.Contains(s.Seen, d) || slices.Contains(o.Seen, d) {
			seen = append(seen, d)
		}
	}
	if seen == nil {
		seen = []string{}
	}
	s.Seen = seen
	s.fill()
}

func unionSeen(a, b *Seen) *Seen {
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		c := *b
		c.fill()
		return &c
	case b == nil:
		return a
	}
	a.union(*b)
	return a
}

// Operation finds an operation's entry.
func (r *CoverageReport) Operation(id string) (*OperationCoverage, bool) {
	if r == nil {
		return nil, false
	}
	for i := range r.Operations {
		if r.Operations[i].Operation == id {
			return &r.Operations[i], true
		}
	}
	return nil, false
}

// Total recomputes Totals from the entries.
func (r *CoverageReport) Total() {
	var t CoverageTotals
	for _, op := range r.Operations {
		t.Operations.Documented++
		if op.Exchanges > 0 || op.Requests > 0 {
			t.Operations.Judged++
		}
		for _, resp := range op.Responses {
			t.Responses.Documented++
			if resp.Exchanges > 0 {
				t.Responses.Judged++
			}
			t.Headers.Documented += len(resp.Headers.Documented)
			t.Headers.Judged += len(resp.Headers.Seen)
		}
		for _, p := range op.Parameters {
			t.Parameters.Documented++
			if p.Exercised {
				t.Parameters.Judged++
			}
		}
	}
	for _, s := range r.Schemas {
		if s.Properties != nil {
			t.Properties.Documented += len(s.Properties.Documented)
			t.Properties.Judged += len(s.Properties.Seen)
		}
		if s.Enum != nil {
			t.EnumValues.Documented += len(s.Enum.Documented)
			t.EnumValues.Judged += len(s.Enum.Seen)
		}
	}
	r.Totals = t
}

// Merge adds o's coverage to r: exchanges add up, what either saw is seen.
// Entries only o has are added (in a report of the same spec there are
// none).
func (r *CoverageReport) Merge(o *CoverageReport) {
	if o == nil {
		return
	}
	for _, oop := range o.Operations {
		op, ok := r.Operation(oop.Operation)
		if !ok {
			r.Operations = append(r.Operations, OperationCoverage{Operation: oop.Operation, Method: oop.Method, Path: oop.Path,
				Statuses: StatusCoverage{Documented: []string{}, Judged: []string{}}, Responses: []ResponseCoverage{}})
			op = &r.Operations[len(r.Operations)-1]
		}
		op.merge(oop)
	}
	for _, os := range o.Schemas {
		i := slices.IndexFunc(r.Schemas, func(s SchemaCoverage) bool { return s.Schema == os.Schema })
		if i < 0 {
			r.Schemas = append(r.Schemas, SchemaCoverage{Schema: os.Schema})
			i = len(r.Schemas) - 1
		}
		s := &r.Schemas[i]
		s.Properties = unionSeen(s.Properties, os.Properties)
		s.Enum = unionSeen(s.Enum, os.Enum)
	}
	r.Unmatched += o.Unmatched
	r.Total()
}

func (op *OperationCoverage) merge(o OperationCoverage) {
	op.Exchanges += o.Exchanges
	op.Requests += o.Requests
	for _, d := range o.Statuses.Documented {
		if !slices.Contains(op.Statuses.Documented, d) {
			op.Statuses.Documented = append(op.Statuses.Documented, d)
		}
	}
	for _, j := range o.Statuses.Judged {
		if !slices.Contains(op.Statuses.Judged, j) {
			op.Statuses.Judged = append(op.Statuses.Judged, j)
		}
	}
	sortStatuses(op.Statuses.Judged)
	for k, n := range o.Statuses.Exchanges {
		if op.Statuses.Exchanges == nil {
			op.Statuses.Exchanges = map[string]int{}
		}
		op.Statuses.Exchanges[k] += n
	}
	for _, or := range o.Responses {
		i := slices.IndexFunc(op.Responses, func(r ResponseCoverage) bool { return r.Status == or.Status })
		if i < 0 {
			op.Responses = append(op.Responses, ResponseCoverage{Status: or.Status, Headers: newSeen(nil, nil), Body: or.Body})
			i = len(op.Responses) - 1
		}
		op.Responses[i].Exchanges += or.Exchanges
		op.Responses[i].Headers.union(or.Headers)
	}
	for _, p := range o.Parameters {
		i := slices.IndexFunc(op.Parameters, func(q ParameterCoverage) bool { return q.Name == p.Name && q.In == p.In })
		if i < 0 {
			op.Parameters = append(op.Parameters, ParameterCoverage{Name: p.Name, In: p.In})
			i = len(op.Parameters) - 1
		}
		q := &op.Parameters[i]
		q.Exercised = q.Exercised || p.Exercised
		q.Enum = unionSeen(q.Enum, p.Enum)
	}
	for _, b := range o.RequestBody {
		if !slices.Contains(op.RequestBody, b) {
			op.RequestBody = append(op.RequestBody, b)
		}
	}
}

// sortStatuses orders status texts numerically, keys such as "4XX" and
// "default" after the codes.
func sortStatuses(ss []string) {
	sort.SliceStable(ss, func(i, j int) bool {
		a, errA := strconv.Atoi(ss[i])
		b, errB := strconv.Atoi(ss[j])
		switch {
		case errA == nil && errB == nil:
			return a < b
		case errA == nil:
			return true
		case errB == nil:
			return false
		}
		return ss[i] < ss[j]
	})
}

// Requirement is a response a run must have judged (--require OP:STATUS):
// Status is a code ("200"), a class ("2XX") or empty for any response of
// the operation.
type Requirement struct {
	Operation string `json:"operation"`
	Status    string `json:"status,omitempty"`
}

func (q Requirement) String() string {
	if q.Status == "" {
		return q.Operation
	}
	return q.Operation + ":" + q.Status
}

// ParseRequirement reads OP, OP:STATUS or OP:NXX.
func ParseRequirement(s string) (Requirement, error) {
	op, status, hasStatus := strings.Cut(strings.TrimSpace(s), ":")
	op = strings.TrimSpace(op)
	if op == "" {
		return Requirement{}, fmt.Errorf("%q: expected OP, OP:STATUS or OP:2XX", s)
	}
	q := Requirement{Operation: op}
	if !hasStatus {
		return q, nil
	}
	status = strings.ToUpper(strings.TrimSpace(status))
	switch {
	case len(status) == 3 && status[0] >= '1' && status[0] <= '5' && status[1:] == "XX":
	default:
		n, err := strconv.Atoi(status)
		if err != nil || n < 100 || n > 599 || len(status) != 3 {
			return Requirement{}, fmt.Errorf("%q: the status is a code from 100 to 599 or a class such as 2XX", s)
		}
	}
	q.Status = status
	return q, nil
}

// ErrNoOperation says a requirement names an operation the spec lacks.
var ErrNoOperation = errors.New("the spec has no such operation")

// Check makes sure every requirement names an operation of the report.
func (r *CoverageReport) Check(reqs []Requirement) error {
	for _, q := range reqs {
		if _, ok := r.Operation(q.Operation); !ok {
			return fmt.Errorf("--require %s: %w", q, ErrNoOperation)
		}
	}
	return nil
}

// Judged reports whether a response satisfying q was judged.
func (r *CoverageReport) Judged(q Requirement) bool {
	op, ok := r.Operation(q.Operation)
	if !ok {
		return false
	}
	if q.Status == "" {
		return op.Exchanges > 0
	}
	for _, s := range op.Statuses.Judged {
		if statusMatches(q.Status, s) {
			return true
		}
	}
	return false
}

func statusMatches(want, got string) bool {
	if strings.HasSuffix(want, "XX") {
		return len(got) == 3 && got[0] == want[0]
	}
	return want == got
}

// Missing describes the requirements no judged response satisfied, each
// with what the operation answered instead; empty when all were.
func (r *CoverageReport) Missing(reqs []Requirement) []string {
	var out []string
	for _, q := range reqs {
		if r.Judged(q) {
			continue
		}
		out = append(out, r.missingText(q))
	}
	return out
}

func (r *CoverageReport) missingText(q Requirement) string {
	what := q.Operation + " " + q.Status
	if q.Status == "" {
		what = q.Operation
	}
	op, ok := r.Operation(q.Operation)
	if !ok || len(op.Statuses.Judged) == 0 {
		return what + " was never judged (" + q.Operation + " was not reached)"
	}
	parts := make([]string, 0, len(op.Statuses.Judged))
	for _, s := range op.Statuses.Judged {
		if n := op.Statuses.Exchanges[s]; n > 1 {
			parts = append(parts, fmt.Sprintf("%s (%d times)", s, n))
		} else {
			parts = append(parts, s)
		}
	}
	return what + " was never judged (" + q.Operation + " answered " + strings.Join(parts, ", ") + ")"
}
