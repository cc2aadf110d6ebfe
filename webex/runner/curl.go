package runner

import (
	"net/url"
	"sort"
	"strings"
)

// curl renders a command that repeats c. The token is written as
// $WEBEX_TOKEN for the shell to fill in; generated secrets and any
// secret-like property of the body are redacted. A probe with an invalid
// token sends curlBadToken: any real-looking credential after "Bearer"
// would be redacted on its way into a report, and an invalid one is all
// the probe needs.
func (r *runner) curl(c call, u *url.URL) string {
	var b strings.Builder
	b.WriteString("curl -sS -i")
	if c.method != "GET" {
		b.WriteString(" -X " + c.method)
	}
	switch c.auth {
	case authToken:
		if r.cfg.Token != "" {
			b.WriteString(` -H "Authorization: Bearer $WEBEX_TOKEN"`)
		}
	case authBad:
		b.WriteString(" -H " + shellQuote("Authorization: Bearer "+curlBadToken))
	}
	keys := make([]string, 0, len(c.header))
	for k := range c.header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range c.header[k] {
			b.WriteString(" -H " + shellQuote(k+": "+r.redact(v)))
		}
	}
	if c.body != nil {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		b.WriteString(" -H " + shellQuote("Content-Type: "+ct))
		b.WriteString(" --data-raw " + shellQuote(r.redact(string(c.body))))
	}
	b.WriteString(" " + shellQuote(r.redact(u.String())))
	return b.String()
}

// curlBadToken stands for the invalid token in a curl command. Its
// brackets keep every redactor from taking it for a credential.
const curlBadToken = "[invalid]"

// shellQuote wraps s in single quotes for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
