package redact

// IsSecretName says whether a property, parameter, header or cookie of this
// name holds a credential. It is the only such test; every path that
// prints a value asks it.
//
// A name is read as words, not matched against a list of spellings: it is
// split at every character that is not a letter or digit (api_key,
// x-api-key, api.key), where a lower-case letter meets an upper-case one
// (apiKey) and before the last capital of a run of capitals followed by
// lower case (HTTPAuthToken: http, auth, token). The name is secret when
//   - a word is a credential word (secret, password, passwd, pwd,
//     passphrase, passcode, token, authorization, credential(s), cookie,
//     session, csrf, xsrf, apikey, privatekey, sessionid, ...), or
//   - two neighbouring words make one (api key, private key, access key,
//     secret key, session id), or
//   - a word run together in lower case ends with one (accesstoken,
//     clientsecret, xapikey, userpassword), or
//   - the whole name is auth.
//
// So secret, clientSecret, x_api_key, apiKey, X-Api-Key, Api-Key, pwd,
// private_key, credentials, X-Session-Id, refresh_token and id_token are
// secret; name, targetUrl, tokenizer and secretary are not.
func IsSecretName[T ~string | ~[]byte](name T) bool {
	n := len(name)
	if n < 3 {
		return false
	}
	var prevStart, prevEnd int
	havePrev := false
	words := 0
	for i := 0; i < n; {
		for i < n && !isAlnum(name[i]) {
			i++
		}
		if i == n {
			break
		}
		start := i
		i = wordEnd(name, i)
		words++
		if isCredentialWord(name[start:i]) || endsWithCredential(name[start:i]) {
			return true
		}
		if havePrev && isCredentialPair(name[prevStart:prevEnd], name[start:i]) {
			return true
		}
		prevStart, prevEnd, havePrev = start, i, true
	}
	return words == 1 && havePrev && prevEnd-prevStart == 4 && equalFold(name[prevStart:prevEnd], "auth")
}

// wordEnd returns the end of the word starting at i: the next separator,
// lower-to-upper change, or the last capital of a run of capitals that a
// lower-case letter follows.
func wordEnd[T ~string | ~[]byte](s T, i int) int {
	n := len(s)
	j := i + 1
	for j < n && isAlnum(s[j]) {
		c, p := s[j], s[j-1]
		if isUpper(c) && !isUpper(p) && !isDigit(p) {
			break // apiKey
		}
		if isUpper(c) && isUpper(p) && j+1 < n && isLower(s[j+1]) {
			break // HTTPAuth: the A starts a word
		}
		j++
	}
	return j
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// credentialWords are whole words that name a credential, in lower case.
var credentialWords = [...]string{
	"secret", "secrets", "password", "passwords", "passwd", "pwd", "passphrase", "passcode",
	"token", "tokens", "authorization", "credential", "credentials", "cookie", "cookies",
	"session", "sessions", "csrf", "xsrf", "apikey", "apikeys", "privatekey", "sessionid",
	"accesskey", "secretkey", "jwt", "bearer",
}

// credentialEndings are what a word run together in lower case ends with
// when it names a credential (accesstoken, clientsecret, xapikey).
var credentialEndings = [...]string{
	"token", "tokens", "secret", "password", "passwd", "apikey", "privatekey", "sessionid", "credentials",
}

// credentialPairs are two words that together name a credential.
var credentialPairs = [...][2]string{
	{"api", "key"}, {"private", "key"}, {"access", "key"}, {"secret", "key"}, {"session", "id"},
	{"pass", "word"}, {"auth", "key"}, {"signing", "key"}, {"client", "key"},
}

func isCredentialWord[T ~string | ~[]byte](w T) bool {
	if len(w) < 3 || len(w) > 13 {
		return false
	}
	for _, c := range credentialWords {
		if len(c) == len(w) && equalFold(w, c) {
			return true
		}
	}
	return false
}

func endsWithCredential[T ~string | ~[]byte](w T) bool {
	if len(w) < 6 {
		return false
	}
	for _, c := range credentialEndings {
		if len(w) > len(c) && equalFold(w[len(w)-len(c):], c) {
			return true
		}
	}
	return false
}

func isCredentialPair[T ~string | ~[]byte](a, b T) bool {
	for _, p := range credentialPairs {
		if len(a) == len(p[0]) && len(b) == len(p[1]) && equalFold(a, p[0]) && equalFold(b, p[1]) {
			return true
		}
	}
	return false
}

// equalFold compares ASCII w with lower-case c, ignoring w's case.
func equalFold[T ~string | ~[]byte](w T, c string) bool {
	if len(w) != len(c) {
		return false
	}
	for i := 0; i < len(c); i++ {
		b := w[i]
		if isUpper(b) {
			b += 'a' - 'A'
		}
		if b != c[i] {
			return false
		}
	}
	return true
}
