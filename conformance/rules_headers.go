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
	node     *schemaNode // nil: no schema or a free string
	// How the text is read (style simple): as kind, an array's items as
	// itemKind, an object by its properties' kinds.
	kind     paramKind
	itemKind paramKind
	object   *openapi3.Schema
	explode  bool
	cov      int32 // its bit in a Coverage
}

// checkHeaders applies header.required and the schema half of header.format
// to the documented headers of a response: a value is read as its schema's
// type in style simple (arrays and objects comma-separated, OWS around each
// element) and judged as a body with that schema would be, every
// constraint included.
func (e *Engine) checkHeaders(out []Finding, h http.Header, specs []headerSpec, op string, status int, cov *Coverage) []Finding {
	var buf []byte
	for i := range specs {
		hs := &specs[i]
		vals := h[hs.key]
		if len(vals) == 0 {
			if hs.required {
				out = append(out, findingAt(RuleHeaderRequired, op, status, "header:"+hs.name, "required header "+hs.name+" is absent", "present", "absent"))
			}
			continue
		}
		cov.mark(hs.cov)
		if hs.node == nil {
			continue
		}
		if hs.kind == kindArray || hs.object != nil {
			// A list header may come as several field lines: RFC 9110
			// section 5.3 makes them one comma-separated value.
			buf = hs.appendJSON(buf[:0], strings.Join(vals, ","))
			out = e.judgeHeaderJSON(out, hs, buf, strings.Join(vals, ", "), op, status, cov)
			continue
		}
		for _, v := range vals {
			buf = hs.appendJSON(buf[:0], v)
			out = e.judgeHeaderJSON(out, hs, buf, v, op, status, cov)
		}
	}
	return out
}

// appendJSON renders a header value as the JSON value its schema reads.
func (hs *headerSpec) appendJSON(dst []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	switch {
	case hs.object != nil:
		dst = append(dst, '{')
		parts := strings.Split(v, ",")
		n := 0
		field := func(k, val string) {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			k, val = strings.Trim(k, " \t"), strings.Trim(val, " \t")
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			kind := kindString
			if p := hs.object.Properties[k]; p != nil && p.Value != nil {
				kind = kindOf(p.Value)
			}
			dst = appendParamJSON(dst, kind, val)
		}
		if hs.explode {
			for _, p := range parts {
				k, val, _ := strings.Cut(p, "=")
				field(k, val)
			}
		} else {
			for i := 0; i < len(parts); i += 2 {
				val := ""
				if i+1 < len(parts) {
					val = parts[i+1]
				}
				field(parts[i], val)
			}
		}
		return append(dst, '}')
	case hs.kind == kindArray:
		dst = append(dst, '[')
		if v != "" {
			for i, item := range strings.Split(v, ",") {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendParamJSON(dst, hs.itemKind, strings.Trim(item, " \t"))
			}
		}
		return append(dst, ']')
	}
	return appendParamJSON(dst, hs.kind, v)
}

// judgeHeaderJSON scans a rendered header value with its schema, at the
// header's site: what it breaks is header.enum (drift) or header.format.
func (e *Engine) judgeHeaderJSON(out []Finding, hs *headerSpec, doc []byte, raw, op string, status int, cov *Coverage) []Finding {
	return e.scanJSON(out, hs.node, doc, site{loc: responseHeader, op: op, status: status, pointer: "header:", name: hs.name, label: hs.name, raw: raw}, cov)
}

// checkHeaderGrammars applies header.format to the headers whose grammar
// an RFC fixes, wherever they appear, documented or not: Retry-After
// (RFC 9110 section 10.2.3) and Link (RFC 8288).
func checkHeaderGrammars(out []Finding, h http.Header, op string, status int) []Finding {
	for _, v := range h["Retry-After"] {
		if _, err := httpheader.ParseRetryAfter(v, time.Time{}); err != nil {
			out = append(out, findingAt(RuleHeaderFormat, op, status, "header:Retry-After", "Retry-After is neither delta-seconds nor an HTTP-date",
				"delta-seconds or HTTP-date", shortenString(v)))
		}
	}
	for _, v := range h["Link"] {
		if _, err := httpheader.ParseLink(v); err != nil {
			msg := "Link is not an RFC 8288 value"
			var le *httpheader.LinkError
			if errors.As(err, &le) {
				msg += ": " + le.Reason + " at byte " + strconv.Itoa(le.Offset)
			}
			out = append(out, findingAt(RuleHeaderFormat, op, status, "header:Link", msg, `<uri-reference>; param=value, ...`, shortenString(v)))
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
