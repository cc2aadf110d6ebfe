package conformance

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// checkContent applies content-type, body.empty and the empty-body half of
// body.json (responses.{status}.content): it says which documented media
// type, if any, the body is to be judged by.
func checkContent(out []Finding, r *response, x *Exchange, h http.Header, op string) ([]Finding, *mediaSpec) {
	status := x.Response.Status
	body := x.Response.Body
	ct := ""
	if vals := h["Content-Type"]; len(vals) > 0 {
		ct = vals[0]
	}
	f := Finding{Operation: op, Status: status}
	if r.noContent {
		if len(body) > 0 {
			f.Rule, f.Message = RuleBodyEmpty, "a body is present where the response documents none"
			if status == http.StatusNoContent || status == http.StatusResetContent || status == http.StatusNotModified {
				f.Message = "a " + strconv.Itoa(status) + " response must not carry a body"
			}
			f.Expected, f.Actual = "no body", strconv.Itoa(len(body))+" bytes"
			out = append(out, f)
		}
		return out, nil
	}
	if len(body) == 0 {
		if x.Request.Method == http.MethodHead || status == http.StatusNotModified || r.jsonMedia == nil {
			return out, nil
		}
		f.Rule, f.Message = RuleBodyJSON, "the body is empty where a JSON body is documented"
		f.Expected, f.Actual = r.expected, "empty"
		return append(out, f), nil
	}
	f.Rule, f.Pointer = RuleContentType, "header:Content-Type"
	f.Expected = r.expected
	if strings.TrimSpace(ct) == "" {
		f.Message, f.Actual = "the body has no Content-Type", "absent"
		// Judge the body anyway when only one JSON media type is possible.
		return append(out, f), r.jsonMedia
	}
	mt, charset, ok := parseMediaType(ct)
	f.Actual = shortenString(ct)
	if !ok {
		f.Message = "the Content-Type is not a media type"
		return append(out, f), r.jsonMedia
	}
	m := r.match(mt)
	if m == nil {
		f.Message = "the media type " + mt + " is not documented for this response"
		out = append(out, f)
		if isJSONMedia(mt) && r.jsonMedia != nil {
			return out, r.jsonMedia
		}
		return out, nil
	}
	if !isJSONMedia(mt) || mt == "*/*" || strings.HasSuffix(mt, "/*") {
		return out, nil // not JSON: the body is not judged
	}
	if charset != "" && !strings.EqualFold(charset, "utf-8") && !strings.EqualFold(charset, "utf8") {
		f.Message, f.Expected = "JSON must be UTF-8 (RFC 8259), not "+shortenString(charset), "charset=utf-8 or none"
		out = append(out, f)
	}
	return out, m
}

// match finds the documented media type for mt: exact, then type/*, then */*.
func (r *response) match(mt string) *mediaSpec {
	for i := range r.media {
		if r.media[i].name == mt {
			return &r.media[i]
		}
	}
	typ, _, _ := strings.Cut(mt, "/")
	for i := range r.media {
		if r.media[i].sub == "*" && r.media[i].typ == typ {
			return &r.media[i]
		}
	}
	for i := range r.media {
		if r.media[i].name == "*/*" {
			return &r.media[i]
		}
	}
	return nil
}

// parseMediaType returns the lower-case type/subtype of a Content-Type
// value and its charset parameter, without allocating for the usual
// values.
func parseMediaType(ct string) (mt, charset string, ok bool) {
	mt, params, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	typ, sub, found := strings.Cut(mt, "/")
	if !found || !httpheader.IsToken(typ) || !httpheader.IsToken(sub) {
		return "", "", false
	}
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "charset") {
			charset = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return mt, charset, true
}
