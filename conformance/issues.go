package conformance

import (
	"encoding/json"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/webex-conformance/webhooks/internal/redact"
)

// How a finding is made. The scanner, the judge and kin-openapi's schema
// errors report neutral issues: what a value breaks (an issueKind, read
// from the failing keyword by keywordKind where a keyword is all there
// is), where (a pointer), a message, the expected and the actual value.
// Where the value was found decides the rule: one location for each place
// (response body, request body, response header, request parameter) maps
// each kind to its rule, once, as the finding is made (site.finding); the
// rule gives the finding its severity and side (NewFinding). Nothing
// relabels a finding afterwards.

// issueKind is what a value breaks, whatever the place it was found in.
type issueKind uint8

const (
	issueJSON         issueKind = iota // not JSON: malformed, truncated, invalid UTF-8, empty where JSON is documented
	issueLimit                         // larger than the size cap
	issueDepth                         // nests deeper than the nesting cap
	issueType                          // type, nullable
	issueRequired                      // required
	issueFormat                        // format; 3.1 contentEncoding, contentMediaType
	issueEnum                          // enum
	issueUndocumented                  // a property no schema declares
	issueAdditional                    // additionalProperties: false; 3.1 unevaluatedProperties: false
	issueConstraint                    // every other keyword
	issueDuplicate                     // a declared property given twice
	issueBudget                        // the schema too expensive to judge the value completely
	issueEmpty                         // a body where none is documented
	issueMediaType                     // no Content-Type, an undocumented one, or JSON in a charset other than UTF-8
	issueKinds
)

// keywordKind is the one table from a failing schema keyword (the judge's
// issue.keyword, kin-openapi's SchemaError.SchemaField) to the kind of
// issue. nearest marks the cause of a oneOf or anyOf that matched no
// branch: the value breaks the spec whatever the cause, so an unknown
// enum value there is no drift but a broken constraint.
func keywordKind(keyword string, nearest bool) issueKind {
	switch keyword {
	case "type", "nullable":
		return issueType
	case "required":
		return issueRequired
	case "enum":
		if nearest {
			return issueConstraint
		}
		return issueEnum
	case "format", "contentEncoding", "contentMediaType":
		return issueFormat
	case "additionalProperties", "unevaluatedProperties", "properties":
		return issueAdditional
	}
	return issueConstraint
}

// keywordExpected is the expected value of an issue of keyword in schema s.
func keywordExpected(keyword string, s *openapi3.Schema) string {
	switch keyword {
	case "type", "nullable":
		return typeName(s, s.Nullable)
	case "required":
		return "present"
	case "enum":
		return enumExpected(s.Enum)
	case "format":
		return s.Format
	case "additionalProperties", "unevaluatedProperties", "properties":
		return "no such property"
	case "const":
		return "const " + jsonText(s.Const)
	case "contentEncoding":
		return "contentEncoding " + s.ContentEncoding
	case "contentMediaType":
		return "contentMediaType " + s.ContentMediaType
	}
	return keyword
}

// found is one neutral issue, ready for a site to make it a finding.
type found struct {
	kind                               issueKind
	pointer, message, expected, actual string
}

// judgeIssue is the neutral issue of a judge's issue below base, the
// pointer of the judged value; secret hides the value (it sits under a
// secret-like property).
func judgeIssue(is issue, base string, secret bool) found {
	var b strings.Builder
	b.WriteString(base)
	for _, seg := range is.path {
		b.WriteByte('/')
		writePointerToken(&b, seg)
		secret = secret || redact.IsSecretName(seg)
	}
	f := found{kind: keywordKind(is.keyword, is.nearest), pointer: b.String(), message: is.reason, expected: keywordExpected(is.keyword, is.schema)}
	if is.via != "" {
		f.message += " (" + is.via + ")"
	}
	if is.keyword == "required" {
		f.actual = "absent"
	} else if is.value != nil {
		if secret {
			f.actual = redact.Marker
		} else if raw, err := json.Marshal(is.value.v); err == nil {
			f.actual = shorten(raw)
		}
	}
	return f
}

// schemaErrorIssue is the neutral issue of one kin-openapi error, by the
// keyword that failed, with a short message instead of kin's schema dump.
func schemaErrorIssue(err error, base string) found {
	se, ok := err.(*openapi3.SchemaError)
	if !ok {
		return found{kind: issueConstraint, pointer: base, message: shortenString(err.Error())}
	}
	var b strings.Builder
	b.WriteString(base)
	secret := redact.PointerHasSecret(base)
	for _, seg := range se.JSONPointer() {
		b.WriteByte('/')
		writePointerToken(&b, seg)
		if redact.IsSecretName(seg) {
			secret = true
		}
	}
	f := found{kind: keywordKind(se.SchemaField, false), pointer: b.String(), message: shortenString(se.Reason), expected: keywordExpected(se.SchemaField, se.Schema)}
	switch {
	case f.kind == issueEnum:
		f.message = "value is not one of the documented enum values"
	case f.message == "":
		f.message = "the value does not match the " + se.SchemaField + " schemas"
	}
	switch {
	case f.kind == issueRequired:
		f.actual = "absent"
	case se.Value != nil && secret:
		f.actual = redact.Marker
	case se.Value != nil:
		if raw, err := json.Marshal(se.Value); err == nil {
			f.actual = shorten(raw)
		}
	}
	return f
}

// location is a place a value is judged in, with its mapping from kinds of
// issue to rules.
type location struct {
	// name is the word messages use for the message the body belongs to.
	name string
	// asRequest judges the values as a request's: readOnly and writeOnly
	// apply the other way round.
	asRequest bool
	// rawActual: a header's findings at the value itself, or without an
	// actual value of their own, show the value as sent rather than its
	// JSON rendering.
	rawActual bool
	// noContentType is the message for a body without a Content-Type.
	noContentType string
	rules         [issueKinds]Rule
}

// The four locations. A header value or a parameter value is judged by the
// body rules' machinery; what it breaks is a header's or a parameter's
// finding.
var (
	responseBody = &location{name: "response", noContentType: "the body has no Content-Type", rules: [issueKinds]Rule{
		issueJSON: RuleBodyJSON, issueLimit: RuleBodyLimit, issueDepth: RuleBodyDepth, issueType: RuleBodyType,
		issueRequired: RuleBodyRequired, issueFormat: RuleBodyFormat, issueEnum: RuleBodyEnum,
		issueUndocumented: RuleBodyUndocumented, issueAdditional: RuleBodyAdditional, issueConstraint: RuleBodyConstraint,
		issueDuplicate: RuleBodyDuplicate, issueBudget: RuleBodyBudget, issueEmpty: RuleBodyEmpty, issueMediaType: RuleContentType,
	}}
	requestBody = &location{name: "request", asRequest: true, noContentType: "the body is sent without a Content-Type", rules: [issueKinds]Rule{
		issueJSON: RuleRequestBodyJSON, issueLimit: RuleRequestBodyLimit, issueDepth: RuleRequestBodyDepth, issueType: RuleRequestBodyType,
		issueRequired: RuleRequestBodyRequired, issueFormat: RuleRequestBodyFormat, issueEnum: RuleRequestBodyEnum,
		issueUndocumented: RuleRequestBodyUndocumented, issueAdditional: RuleRequestBodyAdditional, issueConstraint: RuleRequestBodyConstraint,
		issueDuplicate: RuleRequestBodyDuplicate, issueBudget: RuleRequestBodyBudget, issueEmpty: RuleRequestBodyEmpty, issueMediaType: RuleRequestContentType,
	}}
	// A header's value: an unknown enum value is drift, anything else
	// ill-formed.
	responseHeader = &location{name: "response", rawActual: true, rules: withKind(every(RuleHeaderFormat), issueEnum, RuleHeaderEnum)}
	// A parameter's value: whatever it breaks, the request is refused.
	requestParameter = &location{name: "request", asRequest: true, rules: every(RuleRequestParameter)}
)

func every(r Rule) (out [issueKinds]Rule) {
	for i := range out {
		out[i] = r
	}
	return out
}

func withKind(rules [issueKinds]Rule, k issueKind, r Rule) [issueKinds]Rule {
	rules[k] = r
	return rules
}

// site is where a value is judged: the location, the operation and status
// the findings name, and for a header or a parameter what its findings'
// pointers (pointer, then name) and messages (label) start with.
type site struct {
	loc     *location
	op      string
	status  int
	pointer string // "query:max"; a header's "header:"
	name    string // a header's name, after pointer
	label   string // "query parameter max", a header's name
	raw     string // a header's value as sent
}

// finding makes the finding of an issue at this site: the one place an
// issue becomes a rule.
func (st *site) finding(k issueKind, ptr, msg, expected, actual string) Finding {
	if st.loc.rawActual && (actual == "" || ptr == "") {
		actual = shortenString(st.raw)
	}
	if st.pointer != "" || st.name != "" {
		ptr = st.pointer + st.name + ptr
	}
	if st.label != "" {
		msg = st.label + ": " + msg
	}
	f := NewFinding(st.loc.rules[k], ptr, msg, expected, actual)
	f.Operation, f.Status = st.op, st.status
	return f
}

// make is finding for a found issue.
func (st *site) make(i found) Finding {
	return st.finding(i.kind, i.pointer, i.message, i.expected, i.actual)
}

// findingAt is NewFinding for a finding of an operation's exchange.
func findingAt(rule Rule, op string, status int, pointer, message, expected, actual string) Finding {
	f := NewFinding(rule, pointer, message, expected, actual)
	f.Operation, f.Status = op, status
	return f
}
