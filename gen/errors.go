package gen

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// APIError is a non-2xx answer from the API, in the Webex error shape when
// the body has it.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Message is the body's message, or the status text when the body is
	// not a Webex error (HTML from a proxy, an empty body, other JSON).
	Message string
	// Errors are the body's per-problem details, if any.
	Errors []ErrorDetail
	// TrackingID identifies the request to Webex support: the body's
	// trackingId, else the TrackingID response header.
	TrackingID string
	// RetryAfter is the wait the Retry-After header asked for (429, 423,
	// 503), zero when absent or malformed.
	RetryAfter time.Duration
}

// maxMessageLen keeps Error() one readable line whatever the server sends.
const maxMessageLen = 300

// Error gives status, message and tracking id on one line.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "webex: %d", e.Status)
	text := http.StatusText(e.Status)
	if text != "" {
		b.WriteString(" " + text)
	}
	if msg := oneLine(e.Message); msg != "" && msg != text {
		b.WriteString(": " + msg)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.TrackingID != "" {
		b.WriteString(" [trackingId " + oneLine(e.TrackingID) + "]")
	}
	return b.String()
}

// Is makes errors.Is(err, &APIError{Status: http.StatusNotFound}) match
// any 404: the zero fields of target are wildcards, the set ones (Status,
// Message, TrackingID) must be equal.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	if !ok || t == nil {
		return false
	}
	return (t.Status == 0 || t.Status == e.Status) &&
		(t.Message == "" || t.Message == e.Message) &&
		(t.TrackingID == "" || t.TrackingID == e.TrackingID)
}

// AsError returns nil for a 2xx response and an *APIError otherwise, built
// from body (the already-read response body, as in the generated
// XxxResponse.Body) and the headers. It never fails on a body that is
// empty, HTML or JSON of another shape: the status is the error then.
//
//	resp, err := c.GetWebhookDetailsWithResponse(ctx, id)
//	if err == nil { err = gen.AsError(resp.HTTPResponse, resp.Body) }
func AsError(resp *http.Response, body []byte) error {
	if resp == nil {
		return &APIError{Message: "no response"}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	e := &APIError{Status: resp.StatusCode}
	var wire struct {
		Message    *string       `json:"message"`
		Errors     []ErrorDetail `json:"errors"`
		TrackingID string        `json:"trackingId"`
	}
	// A body of another shape fails to decode, or decodes in part (a field
	// of the wrong type); whatever is usable is kept, the rest falls back
	// below.
	_ = json.Unmarshal(body, &wire)
	if wire.Message != nil {
		e.Message = strings.TrimSpace(*wire.Message)
	}
	e.Errors = wire.Errors
	e.TrackingID = wire.TrackingID
	if e.Message == "" && len(e.Errors) > 0 {
		e.Message = e.Errors[0].Description
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if e.TrackingID == "" {
		e.TrackingID = resp.Header.Get("TrackingID")
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if d, err := httpheader.ParseRetryAfter(v, time.Now()); err == nil {
			e.RetryAfter = d
		}
	}
	return e
}

// oneLine collapses whitespace runs (newlines included) to single spaces
// and shortens the text.
func oneLine(s string) string {
	return truncate(strings.Join(strings.Fields(s), " "), maxMessageLen)
}

// truncate shortens s to at most limit bytes without splitting a UTF-8
// sequence, marking the cut.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
