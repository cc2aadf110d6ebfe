package redact

import "strings"

// Header returns a header's value as it may be shown: with Text's
// redactions (values included) and what the header's name says of it.
//   - Authorization and Proxy-Authorization keep their scheme and hide
//     the rest whole: "Bearer [redacted]", "Digest [redacted]".
//   - Cookie hides every cookie's value; Set-Cookie hides the value and
//     keeps the attributes (Path, Expires, ...).
//   - WWW-Authenticate, Proxy-Authenticate and the Authentication-Info
//     pair keep each challenge's scheme and open parameters (realm,
//     error, ...) and hide a token68 and the parameters named as secrets.
//   - Any other header whose name is secret (X-Api-Key, Api-Key,
//     X-Session-Id, X-Auth-Token, ...) is hidden whole.
//   - Location, Link and the rest go through Text, which hides URL
//     userinfo and secret query parameters.
func Header(name, value string, values ...string) string {
	if value == "" {
		return value
	}
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		return authorization(value)
	case "cookie":
		return cookies(value)
	case "set-cookie":
		v, attrs, _ := strings.Cut(value, ";")
		out := cookies(v)
		if attrs != "" {
			out += ";" + Text(attrs, values...)
		}
		return out
	case "www-authenticate", "proxy-authenticate", "authentication-info", "proxy-authentication-info":
		return challenges(Text(value, values...))
	}
	if IsSecretName(name) {
		return Marker
	}
	return Text(value, values...)
}

// authorization keeps the scheme of a credential and hides the rest.
func authorization(v string) string {
	v = strings.TrimLeft(v, " \t")
	scheme, rest, ok := strings.Cut(v, " ")
	if !ok || !isToken(scheme) {
		return Marker
	}
	if strings.TrimSpace(rest) == "" {
		return scheme
	}
	return scheme + " " + Marker
}

// cookies hides the value of each name=value pair of a Cookie header.
func cookies(v string) string {
	var b strings.Builder
	for i, pair := range strings.Split(v, ";") {
		if i > 0 {
			b.WriteByte(';')
		}
		name, _, ok := strings.Cut(pair, "=")
		if !ok || !isToken(strings.Trim(name, " \t")) {
			b.WriteString(Marker) // no cookie: nothing of it is shown
			continue
		}
		b.WriteString(name)
		b.WriteString("=" + Marker)
	}
	return b.String()
}

// challenges hides, in a list of challenges (RFC 9110 section 11.6.1: a
// scheme followed by a token68 or by auth-params), each token68 and each
// parameter named as a secret (other than the open ones, such as realm).
// From a byte it cannot parse on, the rest is hidden.
func challenges(v string) string {
	var b strings.Builder
	n := len(v)
	afterScheme := false
	for i := 0; i < n; {
		switch c := v[i]; {
		case c == ' ' || c == '\t':
			b.WriteByte(c)
			i++
			continue
		case c == ',':
			b.WriteByte(c)
			i++
			afterScheme = false
			continue
		}
		start := i
		for i < n && isTchar(v[i]) {
			i++
		}
		word := v[start:i]
		j := i
		for j < n && (v[j] == ' ' || v[j] == '\t') {
			j++
		}
		switch {
		case word != "" && j+1 < n && v[j] == '=' && !(afterScheme && tokenTail(v[j:])):
			// An auth-param: name = token / quoted-string.
			b.WriteString(v[start:j] + "=")
			j++
			for j < n && (v[j] == ' ' || v[j] == '\t') {
				j++
			}
			vs := j
			if j < n && v[j] == '"' {
				for j++; j < n && v[j] != '"'; j++ {
					if v[j] == '\\' {
						j++
					}
				}
				j = min(j+1, n)
			} else if strings.HasPrefix(v[j:], Marker) {
				j += len(Marker)
			} else {
				for j < n && isTchar(v[j]) {
					j++
				}
			}
			val := v[vs:j]
			switch {
			case !IsSecretName(word) || isChallengeParam(word) || val == Marker:
			case strings.HasPrefix(val, `"`):
				val = `"` + Marker + `"`
			default:
				val = Marker
			}
			b.WriteString(val)
			i = j
			afterScheme = false
		case afterScheme || word == "":
			// A token68 after the scheme, the credential itself, or
			// something no challenge is made of: hidden to the next comma.
			for i = start; i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t'; i++ {
			}
			if word == "" && i == start {
				i++ // a lone byte such as '=': no loop on it
			}
			b.WriteString(Marker)
			afterScheme = false
		default:
			b.WriteString(word) // a scheme
			afterScheme = true
		}
	}
	return b.String()
}

// tokenTail says whether s, starting at '=', is the padding that ends a
// token68 ("abc==").
func tokenTail(s string) bool {
	i := 0
	for i < len(s) && s[i] == '=' {
		i++
	}
	return i == len(s) || s[i] == ',' || s[i] == ' ' || s[i] == '\t'
}

func isChallengeParam(name string) bool {
	for _, p := range challengeParams {
		if strings.EqualFold(name, p) {
			return true
		}
	}
	return false
}

func isToken(s string) bool {
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

// isTchar is RFC 9110's tchar.
func isTchar(c byte) bool {
	return isAlnum(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
