package httpheader

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// Link is one link-value of a Link header (RFC 8288 §3).
type Link struct {
	// URI is the target exactly as written between < and >; it may be
	// relative (resolve it against the request URL).
	URI string
	// Params holds the link-params by lower-cased name. A parameter without
	// a value maps to "". Only the first occurrence of a name is kept, as
	// RFC 8288 §3.3 asks for rel.
	Params map[string]string
}

// Rels returns the relation types of the rel parameter, which RFC 8288 §3.3
// allows to hold several, separated by spaces.
func (l Link) Rels() []string {
	return strings.Fields(l.Params["rel"])
}

// HasRel reports whether rel is one of the link's relation types, compared
// case-insensitively as registered relation types are.
func (l Link) HasRel(rel string) bool {
	for _, r := range l.Rels() {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// ParseLink parses one Link header field value strictly. Empty list elements
// are skipped as RFC 9110 §5.6.1 requires, but a value without any
// link-value is an error, as is any departure from the grammar: a missing
// <...>, a URI-Reference with characters RFC 3986 does not allow, a
// parameter that is not token or token=(token / quoted-string), an
// unterminated quoted string, or text after the last parameter.
func ParseLink(value string) ([]Link, error) {
	links, err := parseLinks(value, false)
	if err != nil {
		return nil, err
	}
	if len(links) == 0 {
		return nil, fmt.Errorf("Link: %w", ErrEmpty)
	}
	return links, nil
}

// ParseLinkHeader parses every Link field of h strictly, in order. A header
// without Link fields gives no links and no error.
func ParseLinkHeader(h http.Header) ([]Link, error) {
	var all []Link
	for _, v := range h.Values("Link") {
		links, err := ParseLink(v)
		if err != nil {
			return nil, err
		}
		all = append(all, links...)
	}
	return all, nil
}

// NextLink returns the URI of the first link with relation type "next" in
// h's Link fields. It is lenient: a malformed link-value is skipped, so a
// client still finds the next page beside a broken neighbour.
func NextLink(h http.Header) (string, bool) {
	for _, v := range h.Values("Link") {
		links, _ := parseLinks(v, true)
		for _, l := range links {
			if l.HasRel("next") {
				return l.URI, true
			}
		}
	}
	return "", false
}

type linkParser struct {
	s   string
	pos int
}

// parseLinks parses a comma-separated list of link-values. In lenient mode
// a malformed link-value is dropped and parsing resumes after the next comma
// that is outside <...> and quoted strings.
func parseLinks(value string, lenient bool) ([]Link, error) {
	p := &linkParser{s: value}
	var links []Link
	for {
		p.skipOWS()
		if p.eof() {
			return links, nil
		}
		if p.peek() == ',' { // empty list element
			p.pos++
			continue
		}
		l, err := p.linkValue()
		if err == nil {
			p.skipOWS()
			if !p.eof() && p.peek() != ',' {
				err = p.errorf("expected ',' or end of value")
			}
		}
		if err != nil {
			if !lenient {
				return nil, err
			}
			p.skipElement()
			continue
		}
		links = append(links, l)
	}
}

func (p *linkParser) linkValue() (Link, error) {
	if p.peek() != '<' {
		return Link{}, p.errorf("expected '<'")
	}
	p.pos++
	end := strings.IndexByte(p.s[p.pos:], '>')
	if end < 0 {
		return Link{}, p.errorf("unterminated '<'")
	}
	uri := p.s[p.pos : p.pos+end]
	if err := checkURIReference(uri); err != nil {
		return Link{}, p.errorf("%v", err)
	}
	p.pos += end + 1
	l := Link{URI: uri, Params: map[string]string{}}
	for {
		p.skipOWS()
		if p.eof() || p.peek() == ',' {
			return l, nil
		}
		if p.peek() != ';' {
			return Link{}, p.errorf("expected ';' or ','")
		}
		p.pos++
		p.skipOWS()
		if p.eof() || p.peek() == ',' || p.peek() == ';' {
			return Link{}, p.errorf("missing parameter after ';'")
		}
		name, val, err := p.linkParam()
		if err != nil {
			return Link{}, err
		}
		if _, seen := l.Params[name]; !seen {
			l.Params[name] = val
		}
	}
}

// linkParam parses token BWS [ "=" BWS ( token / quoted-string ) ].
func (p *linkParser) linkParam() (string, string, error) {
	name := p.token()
	if name == "" {
		return "", "", p.errorf("expected a parameter name")
	}
	p.skipOWS()
	if p.eof() || p.peek() != '=' {
		return strings.ToLower(name), "", nil
	}
	p.pos++
	p.skipOWS()
	if p.eof() {
		return "", "", p.errorf("missing value for parameter %q", name)
	}
	if p.peek() == '"' {
		v, err := p.quotedString()
		return strings.ToLower(name), v, err
	}
	v := p.token()
	if v == "" {
		return "", "", p.errorf("parameter %q: value is neither a token nor a quoted string", name)
	}
	return strings.ToLower(name), v, nil
}

func (p *linkParser) token() string {
	start := p.pos
	for !p.eof() && isTchar(p.peek()) {
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *linkParser) quotedString() (string, error) {
	p.pos++ // opening DQUOTE
	var b strings.Builder
	for !p.eof() {
		c := p.peek()
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c == '\\':
			p.pos++
			if p.eof() || !isQuotedPairChar(p.peek()) {
				return "", p.errorf("bad quoted-pair")
			}
			b.WriteByte(p.peek())
		case isQdtext(c):
			b.WriteByte(c)
		default:
			return "", p.errorf("control character in quoted string")
		}
		p.pos++
	}
	return "", p.errorf("unterminated quoted string")
}

// skipElement moves past the rest of a list element, honouring <...> and
// quoted strings so that a comma inside them does not end it.
func (p *linkParser) skipElement() {
	inQuote, inURI := false, false
	for !p.eof() {
		c := p.peek()
		p.pos++
		switch {
		case inQuote && c == '\\':
			p.pos++
		case inQuote:
			inQuote = c != '"'
		case inURI:
			inURI = c != '>'
		case c == '"':
			inQuote = true
		case c == '<':
			inURI = true
		case c == ',':
			return
		}
	}
}

func (p *linkParser) skipOWS() {
	for !p.eof() && (p.peek() == ' ' || p.peek() == '\t') {
		p.pos++
	}
}

func (p *linkParser) eof() bool  { return p.pos >= len(p.s) }
func (p *linkParser) peek() byte { return p.s[p.pos] }

func (p *linkParser) errorf(format string, args ...any) error {
	return &LinkError{Value: truncate(p.s), Offset: p.pos, Reason: fmt.Sprintf(format, args...)}
}

// LinkError describes where a Link value departs from RFC 8288.
type LinkError struct {
	Value  string // the value, shortened if long
	Offset int    // byte offset of the problem
	Reason string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("Link: %s at byte %d of %q", e.Reason, e.Offset, e.Value)
}

// errBadURIChar is wrapped so tests can tell the URI check from the grammar.
var errBadURIChar = errors.New("character not allowed in a URI-Reference")

// checkURIReference enforces the RFC 3986 character set (with well-formed
// percent-encodings) and lets net/url judge the structure.
func checkURIReference(u string) error {
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c == '%' {
			if i+2 >= len(u) || !jsonlex.IsHex(u[i+1]) || !jsonlex.IsHex(u[i+2]) {
				return fmt.Errorf("URI-Reference %q: bad percent-encoding", truncate(u))
			}
			i += 2
			continue
		}
		if !isURIChar(c) {
			return fmt.Errorf("URI-Reference %q: %w: %q", truncate(u), errBadURIChar, c)
		}
	}
	if _, err := url.Parse(u); err != nil {
		return fmt.Errorf("URI-Reference %q: %v", truncate(u), errors.Unwrap(err))
	}
	return nil
}

func isURIChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0
}

// IsToken reports whether s is an RFC 9110 token, the grammar of a header
// field name.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isQdtext: HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text.
func isQdtext(c byte) bool {
	return c == '\t' || c == ' ' || c == 0x21 || (0x23 <= c && c <= 0x5B) || (0x5D <= c && c <= 0x7E) || c >= 0x80
}

// isQuotedPairChar: HTAB / SP / VCHAR / obs-text.
func isQuotedPairChar(c byte) bool {
	return c == '\t' || c == ' ' || (0x21 <= c && c <= 0x7E) || c >= 0x80
}
