package report

import (
	"net/http"
	"sort"
	"strings"
)

// DefaultCredential is the Authorization value a curl command carries in
// place of the credential when its producer names none: a shell variable
// the reader sets, never the credential itself.
const DefaultCredential = "Bearer $TOKEN"

// Curl renders a command that repeats a request, for a failing case's
// Case.Curl: curl -sS -i, -X unless GET, the credential as the
// Authorization header, every other header (sorted), the body as
// --data-raw with contentType ("application/json" when empty), and the
// URL last. Everything is single-quoted for a POSIX shell, except a
// credential holding a shell variable ("Bearer $TOKEN", DefaultCredential),
// which is double-quoted so that the shell fills it in; an empty
// credential sends none. The caller redacts the header values, the body
// and the URL: Curl writes what it is given.
func Curl(method, rawURL string, header http.Header, contentType string, body []byte, credential string) string {
	var b strings.Builder
	b.WriteString("curl -sS -i")
	if method != "" && method != http.MethodGet {
		b.WriteString(" -X " + method)
	}
	switch {
	case credential == "":
	case strings.Contains(credential, "$") && !strings.ContainsAny(credential, "\"\\`\n"):
		b.WriteString(` -H "Authorization: ` + credential + `"`)
	default:
		b.WriteString(" -H " + shellQuote("Authorization: "+credential))
	}
	keys := make([]string, 0, len(header))
	for k := range header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range header[k] {
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if body != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		b.WriteString(" -H " + shellQuote("Content-Type: "+contentType))
		b.WriteString(" --data-raw " + shellQuote(string(body)))
	}
	b.WriteString(" " + shellQuote(rawURL))
	return b.String()
}

// shellQuote wraps s in single quotes for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
