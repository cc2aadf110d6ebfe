package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"reflect"
	"strings"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// bodyField is one property of a generated request type.
type bodyField struct {
	name     string
	required bool
	str      bool // a JSON string (incl. the string enums)
}

// fieldsOf reads the properties of a generated request type from its json
// tags: oapi-codegen gives required properties a plain field and optional
// ones a pointer with omitempty, so the spec's required list is in the type.
func fieldsOf(v any) []bodyField {
	t := reflect.TypeOf(v)
	var out []bodyField
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		out = append(out, bodyField{
			name:     name,
			required: f.Type.Kind() != reflect.Pointer && !strings.Contains(opts, "omitempty"),
			str:      ft.Kind() == reflect.String,
		})
	}
	return out
}

var (
	createFields = fieldsOf(gen.CreateWebhookRequest{})
	updateFields = fieldsOf(gen.UpdateWebhookRequest{})
)

// problems collects what is wrong with a request, one line per problem, as
// the descriptions of a Webex error body.
type problems []string

func (p *problems) addf(format string, a ...any) { *p = append(*p, fmt.Sprintf(format, a...)) }

// isJSONMediaType accepts application/json with or without parameters,
// in UTF-8 (RFC 8259) when a charset is named.
func isJSONMediaType(ct string) bool {
	if ct == "" {
		return false
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}

// decodeBody checks a JSON request body against the properties of a
// generated request type and fills dst (a pointer to that type): required
// properties present (null counts as absent), string properties strings and
// required strings not empty. It names the property in each problem.
func decodeBody(raw []byte, fields []bodyField, dst any) problems {
	var p problems
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			p.addf("the request body must be a JSON object")
		} else {
			p.addf("the request body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return p
	}
	if obj == nil {
		p.addf("the request body must be a JSON object")
		return p
	}
	if name, dup := duplicateKey(raw); dup {
		p.addf("%s is given more than once", name)
		return p
	}
	clean := make(map[string]json.RawMessage, len(obj))
	for _, f := range fields {
		v, ok := obj[f.name]
		switch {
		case !ok && f.required, string(v) == "null" && f.required:
			p.addf("%s is required", f.name)
			continue
		case !ok:
			continue
		case string(v) == "null":
			// No request field is nullable: leaving it out is how a
			// client says "none".
			p.addf("%s must be a string, not null; leave it out instead", f.name)
			continue
		}
		if f.str && v[0] != '"' {
			p.addf("%s must be a string", f.name)
			continue
		}
		if f.required && string(v) == `""` {
			p.addf("%s must not be empty", f.name)
			continue
		}
		clean[f.name] = v
	}
	if len(p) > 0 {
		return p
	}
	b, _ := json.Marshal(clean)
	if err := json.Unmarshal(b, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			p.addf("%s must be of type %s", te.Field, te.Type)
		} else {
			p.addf("the request body could not be read: %v", err)
		}
	}
	return p
}

// duplicateKey finds a property given twice in the top-level object of a
// JSON document: parsers disagree on which value wins, so the request is
// ambiguous.
func duplicateKey(raw []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := t.(string)
		if seen[key] {
			return key, true
		}
		seen[key] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}

// checkTargetURL accepts an absolute http or https URL with a host, made
// only of the characters RFC 3986 allows, with well-formed percent-encodings
// and at most one "#", as the response's `format: uri` requires.
func checkTargetURL(p *problems, s string) {
	bad := func(why string) { p.addf("targetUrl must be an absolute http or https URL; %q %s", s, why) }
	hashes := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) || !jsonlex.IsHex(s[i+1]) || !jsonlex.IsHex(s[i+2]) {
				bad("has a malformed percent-encoding")
				return
			}
		case c == '#':
			hashes++
		case !uriChar(c):
			bad(fmt.Sprintf("holds the character %q", c))
			return
		}
	}
	if hashes > 1 {
		bad("has more than one #")
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		bad("does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		bad("is not http or https")
	case u.Opaque != "" || u.Hostname() == "":
		bad("has no host")
	case strings.ContainsAny(afterAuthority(s), "[]"):
		bad("has brackets outside the host")
	}
}

// afterAuthority is what follows scheme://authority in s.
func afterAuthority(s string) string {
	_, rest, _ := strings.Cut(s, "://")
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return rest[i:]
	}
	return ""
}

func uriChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}

// orgOnlyFilterKeys are the filter keys that need an org-wide webhook.
var orgOnlyFilterKeys = []string{"hostEmail", "hostUserId", "ownerEmail", "ownerId"}

func validateCreate(raw []byte) (gen.CreateWebhookRequest, problems) {
	var req gen.CreateWebhookRequest
	p := decodeBody(raw, createFields, &req)
	if len(p) > 0 {
		return req, p
	}
	if !req.Resource.Valid() {
		p.addf("resource %q is not a known resource", req.Resource)
	}
	if !req.Event.Valid() {
		p.addf("event %q is not a known event", req.Event)
	}
	checkTargetURL(&p, req.TargetURL)
	checkOwnedBy(&p, req.OwnedBy)
	if req.Filter != nil {
		org := req.OwnedBy != nil && *req.OwnedBy == gen.OwnedByOrgOrg
		q, err := url.ParseQuery(*req.Filter)
		if err != nil {
			p.addf("filter %q is not a query-string style filter such as roomId=...", *req.Filter)
		}
		for _, k := range orgOnlyFilterKeys {
			if _, ok := q[k]; ok && !org {
				p.addf("filter on %s needs ownedBy org", k)
			}
		}
	}
	return req, p
}

func validateUpdate(raw []byte) (gen.UpdateWebhookRequest, problems) {
	var req gen.UpdateWebhookRequest
	p := decodeBody(raw, updateFields, &req)
	if len(p) > 0 {
		return req, p
	}
	checkTargetURL(&p, req.TargetURL)
	checkOwnedBy(&p, req.OwnedBy)
	if req.Status != nil && !req.Status.Valid() {
		p.addf("status %q cannot be set; only active is accepted, to reactivate a webhook", *req.Status)
	}
	return req, p
}

func checkOwnedBy(p *problems, o *gen.OwnedByOrg) {
	if o != nil && !o.Valid() {
		p.addf("ownedBy %q is not accepted; the only value is org", *o)
	}
}
