package conformance

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// headerSpec is one header a response documents
// (responses.{status}.headers.{name}).
type headerSpec struct {
	name     string // as the spec writes it
	key      string // canonical form
	required bool
	node     *schemaNode      // nil: no schema or a free string
	kin      *openapi3.Schema // a schema the fast path leaves to kin-openapi
}

// checkHeaders applies header.required and the schema half of header.format
// to the documented headers of a response.
func checkHeaders(out []Finding, h http.Header, specs []headerSpec, op string, status int) []Finding {
	for _, hs := range specs {
		vals := h[hs.key]
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
		for _, v := range vals {
			switch {
			case hs.node != nil:
				out = checkHeaderSchema(out, hs, v, op, status)
			case hs.kin != nil:
				out = checkHeaderKin(out, hs, v, op, status)
			}
		}
	}
	return out
}

// checkHeaderSchema judges a header value against the type, enum and
// format of its schema (a header is a simple-style scalar).
func checkHeaderSchema(out []Finding, hs headerSpec, v string, op string, status int) []Finding {
	n := hs.node
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
	var rule, msg, expected string
	switch {
	case !ok:
		rule, msg, expected = RuleHeaderFormat, hs.name+" is not "+n.typeName, n.typeName
	case n.enum != nil && !inEnum(n, v):
		rule, msg, expected = RuleHeaderEnum, hs.name+" is not one of the documented enum values", n.enumExpected
	case n.allows(tString) && n.format != fmtNone && !formatOK(n.format, []byte(v)):
		rule, msg, expected = RuleHeaderFormat, hs.name+": "+formatMessage(n.format), formatName(n.format)
	default:
		return out
	}
	return append(out, Finding{
		Rule: rule, Severity: ruleSeverity[rule], Operation: op, Status: status,
		Pointer: "header:" + hs.name, Message: msg, Expected: expected, Actual: shortenString(v),
	})
}

// checkHeaderKin judges a header whose schema uses what the fast path
// leaves to kin-openapi (a pattern, oneOf, ...): the value is read as the
// schema's type and given to Schema.VisitJSON.
func checkHeaderKin(out []Finding, hs headerSpec, v string, op string, status int) []Finding {
	var value any = v
	trimmed := strings.TrimSpace(v)
	switch t := hs.kin.Type; {
	case t.Permits(openapi3.TypeString):
	case t.Permits(openapi3.TypeInteger) || t.Permits(openapi3.TypeNumber):
		if f, err := strconv.ParseFloat(trimmed, 64); err == nil {
			value = f
		}
	case t.Permits(openapi3.TypeBoolean):
		if b, err := strconv.ParseBool(trimmed); err == nil {
			value = b
		}
	}
	err := hs.kin.VisitJSON(value, openapi3.MultiErrors())
	if err == nil {
		return out
	}
	f := schemaErrorFinding(flattenSchemaErrors(err, nil)[0], "", op, status)
	f.Rule, f.Severity = RuleHeaderFormat, SeverityError
	if strings.HasPrefix(f.Expected, "one of [") {
		f.Rule, f.Severity = RuleHeaderEnum, SeverityDrift
	}
	f.Pointer, f.Message, f.Actual = "header:"+hs.name, hs.name+": "+f.Message, shortenString(v)
	return append(out, f)
}

func inEnum(n *schemaNode, v string) bool {
	_, ok := n.enum[v]
	return ok
}

// checkHeaderGrammars applies header.format to the headers whose grammar
// an RFC fixes, wherever they appear, documented or not: Retry-After
// (RFC 9110 section 10.2.3) and Link (RFC 8288).
func checkHeaderGrammars(out []Finding, h http.Header, op string, status int) []Finding {
	for _, v := range h["Retry-After"] {
		if _, err := httpheader.ParseRetryAfter(v, time.Time{}); err != nil {
			out = append(out, Finding{
				Rule: RuleHeaderFormat, Severity: SeverityError, Operation: op, Status: status,
				Pointer: "header:Retry-After", Message: "Retry-After is neither delta-seconds nor an HTTP-date",
				Expected: "delta-seconds or HTTP-date", Actual: shortenString(v),
			})
		}
	}
	for _, v := range h["Link"] {
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

// canonicalHeader returns h with canonical keys, copying it only when some
// key is not (a header map filled by hand or from a recording), so the
// rules can index it directly.
func canonicalHeader(h http.Header) http.Header {
	for k := range h {
		if !isCanonicalKey(k) {
			c := make(http.Header, len(h))
			for k, vals := range h {
				ck := http.CanonicalHeaderKey(k)
				c[ck] = append(c[ck], vals...)
			}
			return c
		}
	}
	return h
}

// isCanonicalKey is a quick, conservative test: letters upper-case at the
// start and after '-', lower-case elsewhere; anything unusual is sent to
// http.CanonicalHeaderKey.
func isCanonicalKey(k string) bool {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'A' && c <= 'Z':
			if !upper {
				return false
			}
		case c >= 'a' && c <= 'z':
			if upper {
				return false
			}
		case c == '-' || c >= '0' && c <= '9':
		default:
			return http.CanonicalHeaderKey(k) == k
		}
		upper = c == '-'
	}
	return true
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
