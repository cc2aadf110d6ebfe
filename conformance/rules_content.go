package conformance

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/internal/httpheader"
)

// checkContent applies body.empty, the empty-body half of body.json and
// content-type (responses.{status}.content) to a response: it says which
// documented media type, if any, the body is to be judged by.
func checkContent(out []Finding, st *site, r *response, x *Exchange, h http.Header) ([]Finding, *mediaSpec) {
	status := x.Response.Status
	body := x.Response.Body
	if r.noContent {
		if len(body) > 0 {
			msg := "a body is present where the response documents none"
			if status == http.StatusNoContent || status == http.StatusResetContent || status == http.StatusNotModified {
				msg = "a " + strconv.Itoa(status) + " response must not carry a body"
			}
			out = append(out, st.finding(issueEmpty, "", msg, "no body", strconv.Itoa(len(body))+" bytes"))
		}
		return out, nil
	}
	if len(body) == 0 {
		if x.Request.Method == http.MethodHead || status == http.StatusNotModified || r.jsonMedia == nil {
			return out, nil
		}
		return append(out, st.finding(issueJSON, "", "the body is empty where a JSON body is documented", r.expected, "empty")), nil
	}
	return checkMediaType(out, st, r, firstValue(h["Content-Type"]))
}

// checkMediaType is the one check of a body's media type, a response's
// (content-type) or a request's (request.content-type): the Content-Type
// ct against the documented media types of content. It returns the
// documented media type the body is judged by as JSON, nil when it is not
// judged: a body without a Content-Type, or with one that is not a media
// type or an undocumented JSON one, is judged anyway when only one JSON
// media type is documented.
func checkMediaType(out []Finding, st *site, content *response, ct string) ([]Finding, *mediaSpec) {
	if strings.TrimSpace(ct) == "" {
		return append(out, st.finding(issueMediaType, "header:Content-Type", st.loc.noContentType, content.expected, "absent")), content.jsonMedia
	}
	mt, charset, ok := parseMediaType(ct)
	if !ok {
		return append(out, st.finding(issueMediaType, "header:Content-Type", "the Content-Type is not a media type", content.expected, shortenString(ct))), content.jsonMedia
	}
	m := content.match(mt)
	if m == nil {
		out = append(out, st.finding(issueMediaType, "header:Content-Type", "the media type "+mt+" is not documented for this "+st.loc.name, content.expected, shortenString(ct)))
		if isJSONMedia(mt) {
			return out, content.jsonMedia
		}
		return out, nil
	}
	if !isJSONMedia(mt) || mt == "*/*" || strings.HasSuffix(mt, "/*") {
		return out, nil // not JSON: the body is not judged
	}
	if charset != "" && !strings.EqualFold(charset, "utf-8") && !strings.EqualFold(charset, "utf8") {
		out = append(out, st.finding(issueMediaType, "header:Content-Type", "JSON must be UTF-8 (RFC 8259), not "+shortenString(charset), "charset=utf-8 or none", shortenString(ct)))
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
