package redact

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// Marker stands in for whatever was hidden.
const Marker = "[redacted]"

// Text hides, in any text meant for output, every value of values, the
// userinfo of every URL (see Userinfo), every credential after Bearer or
// Basic (see Credentials), every secret parameter (see Params) and every
// secret JSON property (see JSONSecrets).
func Text(s string, values ...string) string {
	if s == "" {
		return s
	}
	for _, v := range values {
		s = Value(s, v)
	}
	return JSONSecrets(Params(Credentials(Userinfo(s))))
}

// SecretValues returns the string values of the secret properties (by
// IsSecretName) of a JSON document, at any depth, so that they can be
// hidden with Value wherever they reappear, under any name. Values shorter
// than four bytes are left out: hiding them would mangle unrelated text.
// A document that is not JSON has none.
func SecretValues(doc []byte) []string {
	if len(doc) == 0 || !hasSecretKey(doc) {
		return nil
	}
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, val := range v {
				walk(val, secret || IsSecretName(k))
			}
		case []any:
			for _, val := range v {
				walk(val, secret)
			}
		case string:
			if secret && len(v) >= 4 {
				out = append(out, v)
			}
		}
	}
	walk(v, false)
	return out
}

// PointerHasSecret says whether any property named along the RFC 6901
// pointer is secret, so that a value found at or under it is hidden.
func PointerHasSecret(ptr string) bool {
	for ptr != "" {
		var seg string
		ptr = strings.TrimPrefix(ptr, "/")
		seg, ptr, _ = strings.Cut(ptr, "/")
		if strings.IndexByte(seg, '~') >= 0 {
			seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		}
		if IsSecretName(seg) {
			return true
		}
	}
	return false
}

// shortValue is the length below which a literal value is redacted only
// where it stands alone. Real credentials are long and random, so they are
// replaced wherever they appear; a short test token such as "x" must not
// turn "?max=10" into "?ma[redacted]=10".
const shortValue = 12

// Value replaces every occurrence of the literal value v in s with
// Marker. A value shorter than 12 bytes is replaced only where no letter or
// digit touches it on either side.
func Value(s, v string) string {
	if v == "" || !strings.Contains(s, v) {
		return s
	}
	if len(v) >= shortValue {
		return strings.ReplaceAll(s, v, Marker)
	}
	var b strings.Builder
	last := 0
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], v)
		if i < 0 {
			break
		}
		i += from
		end := i + len(v)
		if (i == 0 || !isAlnum(s[i-1])) && (end == len(s) || !isAlnum(s[end])) {
			b.WriteString(s[last:i])
			b.WriteString(Marker)
			last = end
			from = end
			continue
		}
		from = i + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Credentials hides the credential after "Bearer " or "Basic " (any case),
// whole: everything up to the next white space or quote, whatever
// characters it holds ("Bearer abc!def" leaves no "!def"). What is no
// credential stays as it is:
//   - a shell variable, "Bearer $WEBEX_TOKEN" in a curl command (the shell
//     fills it in), and a placeholder such as [redacted] or [invalid];
//   - the parameters of a challenge, as in WWW-Authenticate: Bearer
//     realm="example", error="invalid_token" (a parameter named as a
//     secret is hidden by Params).
func Credentials(s string) string {
	// Written as it goes, never spliced: a text with many credentials
	// costs its length, not its length per credential.
	var b strings.Builder
	last := 0
	var next bIndex
	for from := 0; from < len(s); {
		i := next.at(s, from)
		if i < 0 {
			break
		}
		rest := s[i:]
		n := 0
		switch {
		case i > 0 && isAlnum(s[i-1]):
		case len(rest) >= 7 && strings.EqualFold(rest[:7], "bearer "):
			n = 7
		case len(rest) >= 6 && strings.EqualFold(rest[:6], "basic "):
			n = 6
		}
		if n == 0 {
			from = i + 1
			continue
		}
		start := i + n
		for start < len(s) && s[start] == ' ' {
			start++
		}
		if keep := kept(s[start:]); keep > 0 {
			from = start + keep
			continue
		}
		if challengeParam(s[start:]) {
			from = start
			continue
		}
		end := credentialEnd(s, start)
		if end > start {
			b.WriteString(s[last:start])
			b.WriteString(Marker)
			last = end
		}
		from = max(end, start+1)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// placeholders stand where a credential would: they are shown as they are.
var placeholders = [...]string{Marker, "[invalid]"}

// kept is the length of what starts s and is no credential: a placeholder
// or a shell variable ($NAME, ${NAME}); 0 when s starts with neither.
func kept(s string) int {
	for _, p := range placeholders {
		if strings.HasPrefix(s, p) && (len(s) == len(p) || credentialStop(s, len(p))) {
			return len(p)
		}
	}
	if len(s) < 2 || s[0] != '$' {
		return 0
	}
	i, brace := 1, s[1] == '{'
	if brace {
		i++
	}
	j := i
	for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
		j++
	}
	switch {
	case j == i:
		return 0
	case brace && (j == len(s) || s[j] != '}'):
		return 0
	case brace:
		j++
	}
	if j < len(s) && !credentialStop(s, j) {
		return 0 // $TOKEN!x is text, not a variable alone
	}
	return j
}

// credentialEnd is where a credential starting at s[start] ends: at white
// space, a control character, a quote (not one escaped with a backslash,
// as inside a JSON string) or the end, less the punctuation that ends it.
func credentialEnd(s string, start int) int {
	end := start
	for end < len(s) && !credentialStop(s, end) {
		end++
	}
	// Punctuation that closes a sentence or a list ("Bearer abc, then")
	// is the text's, not the credential's: it says nothing of it.
	for end > start+1 && strings.IndexByte(",.;:)", s[end-1]) >= 0 {
		end--
	}
	return end
}

func credentialStop(s string, i int) bool {
	switch c := s[i]; {
	case c <= ' ' || c == 0x7f:
		return true
	case c == '\'' || c == '`':
		return true
	case c == '"':
		return i == 0 || s[i-1] != '\\'
	}
	return false
}

// challengeParams are the parameters a challenge (RFC 9110 section 11.6.1,
// RFC 6750 section 3, RFC 7616 section 3.3) carries in the open.
var challengeParams = [...]string{
	"realm", "scope", "error", "error_description", "error_uri", "charset",
	"nonce", "opaque", "algorithm", "qop", "stale", "domain", "userhash",
}

// challengeParam says whether s starts with a challenge parameter: one of
// challengeParams followed by "=" and a value. Anything else after Bearer
// or Basic is a credential, even one shaped as name=value.
func challengeParam(s string) bool {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 || eq > 20 {
		return false
	}
	name := strings.TrimRight(s[:eq], " ")
	for _, p := range challengeParams {
		if strings.EqualFold(name, p) {
			rest := strings.TrimLeft(s[eq+1:], " ")
			return rest != "" && rest[0] != '='
		}
	}
	return false
}

// bIndex finds the next 'b' or 'B' at or after a position that only moves
// forward, remembering where the next of each is: searching again for a
// letter the text lacks would cost the rest of the text at every step.
type bIndex struct {
	lower, upper int // index of the next of each, -1 for none, -2 unknown
	primed       bool
}

func (x *bIndex) at(s string, from int) int {
	if !x.primed {
		x.lower, x.upper, x.primed = -2, -2, true
	}
	x.lower = nextByte(s, from, 'b', x.lower)
	x.upper = nextByte(s, from, 'B', x.upper)
	switch {
	case x.lower < 0:
		return x.upper
	case x.upper < 0 || x.lower < x.upper:
		return x.lower
	}
	return x.upper
}

// nextByte is the index of c at or after from, given the last answer
// (reused while it is still ahead, and -1 stays -1).
func nextByte(s string, from int, c byte, last int) int {
	if last == -1 || last >= from {
		return last
	}
	i := strings.IndexByte(s[from:], c)
	if i < 0 {
		return -1
	}
	return from + i
}

// Userinfo hides the userinfo of every URL in s, user name and password
// alike (either may be the credential): http://user:pw@host/ becomes
// http://[redacted]@host/.
func Userinfo(s string) string {
	if strings.IndexByte(s, '@') < 0 || !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	last := 0
	for from := 0; ; {
		k := strings.Index(s[from:], "://")
		if k < 0 {
			break
		}
		start := from + k + 3
		end := start
		for end < len(s) && !authorityStop(s[end]) {
			end++
		}
		from = end
		at := strings.LastIndexByte(s[start:end], '@')
		if at <= 0 || s[start:start+at] == Marker {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(Marker)
		last = start + at
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// authorityStop ends a URL's authority: the path, query or fragment, or
// whatever cannot be in a URL.
func authorityStop(c byte) bool {
	return c <= ' ' || c == 0x7f || strings.IndexByte(`/?#\"'<>`+"`", c) >= 0
}

// Params hides the value of every name=value parameter whose name is secret
// (IsSecretName, after percent-decoding): in query strings
// (?access_token=...), form bodies (password=...&client_secret=...),
// cookies and challenge parameters (token="..."). A quoted value is hidden
// up to its closing quote; any other runs to '&', '#', white space or a
// quote or an angle bracket (<https://h/?token=x>).
func Params(s string) string {
	if strings.IndexByte(s, '=') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			continue
		}
		ns := i
		for ns > 0 && isParamNameByte(s[ns-1]) {
			ns--
		}
		if ns == i || !IsSecretName(paramName(s[ns:i])) {
			continue
		}
		from, to := i+1, i+1
		if to < len(s) && s[to] == '"' {
			from = to + 1
			to = from
			for to < len(s) && s[to] != '"' {
				if s[to] == '\\' {
					to++
				}
				to++
			}
			to = min(to, len(s))
		} else {
			for to < len(s) && !paramValueStop(s[to]) {
				to++
			}
		}
		if to == from || s[from:to] == Marker || from < last {
			continue
		}
		b.WriteString(s[last:from])
		b.WriteString(Marker)
		last = to
		i = to - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isParamNameByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.' || c == '%' || c == '[' || c == ']'
}

func paramValueStop(c byte) bool {
	return c <= ' ' || c == 0x7f || c == '&' || c == '#' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>'
}

// paramName percent-decodes a parameter's name (access%5Ftoken).
func paramName(name string) string {
	if strings.IndexByte(name, '%') < 0 {
		return name
	}
	if u, err := url.QueryUnescape(name); err == nil {
		return u
	}
	return name
}

// JSONSecrets replaces the value of every secret JSON property (by
// IsSecretName, escapes in the name decoded) in text that carries JSON,
// such as a request body in a curl command or a value shortened for a
// finding. A string keeps its quotes; null is left alone.
func JSONSecrets(s string) string {
	if strings.IndexByte(s, ':') < 0 || strings.IndexByte(s, '"') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		// A quoted key...
		end := jsonlex.QuoteEnd(s, i)
		if end >= len(s) {
			break
		}
		key := s[i+1 : end]
		j := skipSpace(s, end+1)
		if j >= len(s) || s[j] != ':' || !isSecretKey(key) {
			i = end
			continue
		}
		// ...followed by a colon and a value: a string keeps its quotes,
		// anything else but null is replaced whole.
		j = skipSpace(s, j+1)
		if j >= len(s) || strings.HasPrefix(s[j:], "null") {
			i = end
			continue
		}
		from, to := j, j
		switch s[j] {
		case '"':
			from, to = j+1, jsonlex.QuoteEnd(s, j)
		case '{', '[':
			to = jsonlex.ValueEnd(s, j)
		default:
			for to < len(s) && strings.IndexByte(",}] \t\r\n", s[to]) < 0 {
				to++
			}
		}
		if s[from:to] != Marker {
			b.WriteString(s[last:from])
			b.WriteString(Marker)
			last = to
		}
		i = max(to-1, end) // the loop's i++ lands after the value
		if s[j] == '"' {
			i = to // past the closing quote too
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// isSecretKey is IsSecretName for a JSON key as written, escapes and all
// ("api\u005fkey" is api_key).
func isSecretKey[T ~string | ~[]byte](key T) bool {
	for i := 0; i < len(key); i++ {
		if key[i] == '\\' {
			return IsSecretName(jsonlex.AppendUnquoted(nil, []byte(key)))
		}
	}
	return IsSecretName(key)
}

// hasSecretKey says whether a JSON document has a property whose name is
// secret, without decoding it: the cheap test before SecretValues does.
func hasSecretKey(doc []byte) bool {
	for i := 0; i < len(doc); i++ {
		if doc[i] != '"' {
			continue
		}
		end := jsonlex.QuoteEnd(doc, i)
		if end >= len(doc) {
			return false
		}
		j := end + 1
		for j < len(doc) && (doc[j] == ' ' || doc[j] == '\t' || doc[j] == '\n' || doc[j] == '\r') {
			j++
		}
		if j < len(doc) && doc[j] == ':' && isSecretKey(doc[i+1:end]) {
			return true
		}
		i = end
	}
	return false
}

func skipSpace(s string, j int) int {
	for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
		j++
	}
	return j
}
