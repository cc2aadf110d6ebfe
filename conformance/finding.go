package conformance

import (
	"fmt"
)

// Severity says how much a finding matters.
type Severity string

const (
	// SeverityError marks a response that breaks the spec in a way that
	// breaks clients: a wrong type, a missing required field, an
	// undocumented status.
	SeverityError Severity = "error"
	// SeverityDrift marks something the spec does not document yet: an
	// unknown enum value, an undocumented property. The API grew.
	SeverityDrift Severity = "drift"
	// SeverityInfo marks a note that never fails a run.
	SeverityInfo Severity = "info"
)

// Side names the party a finding blames: the client, for what it sent
// (the request), or the server, for what it answered and how it behaved
// (the response).
type Side string

const (
	// SideRequest blames the client: request.*, operation.unknown (an
	// undocumented method or path is the client's, whatever the server
	// answered), the security requirement.
	SideRequest Side = "request"
	// SideResponse blames the server: status, media type, headers, body,
	// and the API's behaviour in a run.
	SideResponse Side = "response"
)

// Finding is one departure of a request or a response from the spec.
type Finding struct {
	Rule     Rule     `json:"rule"`
	Severity Severity `json:"severity"`
	// Side is the party the finding blames, set from the rule's catalogue
	// entry when the finding is made.
	Side      Side   `json:"side"`
	Operation string `json:"operation,omitempty"`
	Status    int    `json:"status,omitempty"`
	// Pointer is an RFC 6901 JSON pointer into the body, or "header:Name".
	Pointer  string `json:"pointer,omitempty"`
	Message  string `json:"message"`
	Expected string `json:"expected,omitempty"`
	// Actual is the offending value, redacted and shortened.
	Actual string `json:"actual,omitempty"`
	// Baseline says, once a report was compared with an earlier one,
	// whether the earlier one had this finding (see Identity).
	Baseline BaselineMark `json:"baseline,omitempty"`
}

// rank orders severities; info never fails a run.
func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 2
	case SeverityDrift:
		return 1
	default:
		return 0
	}
}

// AtLeast reports whether s is as severe as min or more. Info is never at
// least anything but info.
func (s Severity) AtLeast(min Severity) bool {
	if s.rank() == 0 {
		return min.rank() == 0
	}
	return s.rank() >= min.rank()
}

// ParseFailOn reads the least severe finding that fails a run: "error"
// or "drift" (info never fails one).
func ParseFailOn(s string) (Severity, error) {
	switch Severity(s) {
	case SeverityError, SeverityDrift:
		return Severity(s), nil
	}
	return "", fmt.Errorf("a failing severity is error or drift, not %q", s)
}

// Sides selects the parties a judgement counts: the client's requests, the
// server's responses, or both (the zero value). Findings of a side not
// judged are not made or kept.
type Sides uint8

const (
	JudgeBoth      Sides = 0
	JudgeRequests  Sides = 1
	JudgeResponses Sides = 2
)

// ParseSides reads --judge: "requests", "responses" or "both".
func ParseSides(s string) (Sides, error) {
	switch s {
	case "both", "":
		return JudgeBoth, nil
	case "requests":
		return JudgeRequests, nil
	case "responses":
		return JudgeResponses, nil
	}
	return 0, fmt.Errorf("the sides judged are requests, responses or both, not %q", s)
}

// String is the name ParseSides reads.
func (s Sides) String() string {
	switch s {
	case JudgeRequests:
		return "requests"
	case JudgeResponses:
		return "responses"
	}
	return "both"
}

// Judges reports whether findings of side count; a finding that blames
// neither side (a note on the document) always does.
func (s Sides) Judges(side Side) bool {
	switch s {
	case JudgeRequests:
		return side != SideResponse
	case JudgeResponses:
		return side != SideRequest
	}
	return true
}

// Keep drops from fs, in place, the findings of a side not judged.
func (s Sides) Keep(fs []Finding) []Finding {
	if s == JudgeBoth {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if s.Judges(f.Side) {
			out = append(out, f)
		}
	}
	clear(fs[len(out):])
	return out
}

// MarshalText writes the name.
func (s Sides) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the name.
func (s *Sides) UnmarshalText(b []byte) error {
	v, err := ParseSides(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
