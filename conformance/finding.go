package conformance

import (
	"fmt"
	"net/http"
	"net/url"
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

// Finding is one departure of a response from the spec.
type Finding struct {
	Rule      string   `json:"rule"`
	Severity  Severity `json:"severity"`
	Operation string   `json:"operation,omitempty"`
	Status    int      `json:"status,omitempty"`
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

// Request is what the client sent: what the engine needs to judge the
// request (ValidateRequest) and to find the operation of its response.
type Request struct {
	Method string
	URL    *url.URL
	Header http.Header
	// Body is the request body as sent; nil or empty: none.
	Body []byte
}

// Response is what the server answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Exchange is one request and its response.
type Exchange struct {
	Request  Request
	Response Response
	// Operation is the operationId when the caller already knows it
	// (validate --operation); empty means: find it from method and path.
	Operation string
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
