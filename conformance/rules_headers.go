package conformance

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// headerSpec is one header a response documents
// (responses.{status}.headers.{name}).
type headerSpec struct {
	name     string // as the spec writes it
	key      string // canonical form
	required bool
	node     *schemaNode // nil: no schema or a free string
}

// checkHeaders applies header.required and the schema half of header.format
// to the documented headers of a response.
func checkHeaders(out []Finding, h http.Header, specs []headerSpec, op string, status int) []Finding {
	for _, hs := range specs {
		vals := headerValues(h, hs.key)
		if len(vals) == 0 {
			if hs.required {
				out = append(out, Finding{
					Rule: RuleHeaderRequired, Severity: SeverityError, Operation: op, Status: status,
					Pointer: "header:" + hs.name, Message: "required header " + hs.name + " is absent",
					Expected: "present", Actual: "absent",
				})
			}
			continue
		}
		if hs.node == nil {
			continue
		}
		for _, v := range vals {
			out = checkHeaderSchema(out, hs, v, op, status)
		}
	}
	return out
}

// checkHeaderSchema judges a header value against the type, enum and
// format of its schema (a header is a simple-style scalar).
func checkHeaderSchema(out []Finding, hs headerSpec, v string, op string, status int) []Finding {
	n := hs.node
	f := Finding{Operation: op, Status: status, Pointer: "header:" + hs.name, Actual: shortenString(v)}
	trimmed := strings.TrimSpace(v)
	ok := true
	switch {
	case n.allows(tString):
		// Any text is a string.
	case n.allows(tInteger) && n.integerOnly():
		_, err := strconv.ParseInt(trimmed, 10, 64)
		ok = err == nil
	case n.allows(tNumber) || n.allows(tInteger):
		_, err := strconv.ParseFloat(trimmed, 64)
		ok = err == nil
	case n.allows(tBoolean):
		ok = trimmed == "true" || trimmed == "false"
	}
	if !ok {
		f.Rule, f.Severity = RuleHeaderFormat, SeverityError
		f.Message, f.Expected = hs.name+" is not "+n.typeName, n.typeName
		return append(out, f)
	}
	if n.enum != nil {
		if _, found := n.enum[v]; !found {
			f.Rule, f.Severity = RuleHeaderEnum, SeverityDrift
			f.Message, f.Expected = hs.name+" is not one of the documented enum values", n.enumExpected
			return append(out, f)
		}
	}
	if n.allows(tString) && n.format != fmtNone && !formatOK(n.format, []byte(v)) {
		f.Rule, f.Severity = RuleHeaderFormat, SeverityError
		f.Message, f.Expected = hs.name+": "+formatMessage(n.format), formatName(n.format)
		return append(out, f)
	}
	return out
}

// checkHeaderGrammars applies header.format to the headers whose grammar
// an RFC fixes, wherever they appear, documented or not: Retry-After
// (RFC 9110 section 10.2.3) and Link (RFC 8288).
func checkHeaderGrammars(out []Finding, h http.Header, op string, status int) []Finding {
	for _, v := range headerValues(h, "Retry-After") {
		if _, err := httpheader.ParseRetryAfter(v, time.Time{}); err != nil {
			out = append(out, Finding{
				Rule: RuleHeaderFormat, Severity: SeverityError, Operation: op, Status: status,
				Pointer: "header:Retry-After", Message: "Retry-After is neither delta-seconds nor an HTTP-date",
				Expected: "delta-seconds or HTTP-date", Actual: shortenString(v),
			})
		}
	}
	for _, v := range headerValues(h, "Link") {
		if _, err := httpheader.ParseLink(v); err != nil {
			msg := "Link is not an RFC 8288 value"
			var le *httpheader.LinkError
			if errors.As(err, &le) {
				msg += ": " + le.Reason + " at byte " + strconv.Itoa(le.Offset)
			}
			out = append(out, Finding{
				Rule: RuleHeaderFormat, Severity: SeverityError, Operation: op, Status: status,
				Pointer: "header:Link", Message: msg,
				Expected: `<uri-reference>; param=value, ...`, Actual: shortenString(v),
			})
		}
	}
	return out
}

// headerValues looks key (canonical) up, also in a header map that was
// filled without canonical keys (as from a recording).
func headerValues(h http.Header, key string) []string {
	if vals := h[key]; len(vals) > 0 {
		return vals
	}
	for k, vals := range h {
		if len(k) == len(key) && strings.EqualFold(k, key) {
			return vals
		}
	}
	return nil
}
