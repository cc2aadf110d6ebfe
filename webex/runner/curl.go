package runner

import (
	"net/http"
	"net/url"

	"github.com/webex-conformance/webhooks/conformance/report"
)

// curlCredential is the Authorization a failing case's curl command
// carries: the variable the CLI takes the token from, for the shell to
// fill in.
const curlCredential = "Bearer $WEBEX_TOKEN"

// curl renders a command that repeats c (report.Curl). The token is
// written as $WEBEX_TOKEN; generated secrets and any secret-like property
// of the body are redacted. A probe with an invalid token sends
// curlBadToken: any real-looking credential after "Bearer" would be
// redacted on its way into a report, and an invalid one is all the probe
// needs.
func (r *runner) curl(c call, u *url.URL) string {
	credential := ""
	switch c.auth {
	case authToken:
		if r.cfg.Token != "" {
			credential = curlCredential
		}
	case authBad:
		credential = "Bearer " + curlBadToken
	}
	var header http.Header
	if len(c.header) > 0 {
		header = make(http.Header, len(c.header))
		for k, vs := range c.header {
			for _, v := range vs {
				header[k] = append(header[k], r.redact(v))
			}
		}
	}
	var body []byte
	if c.body != nil {
		body = []byte(r.redact(string(c.body)))
	}
	return report.Curl(c.method, r.redact(u.String()), header, c.contentType, body, credential)
}

// curlBadToken stands for the invalid token in a curl command. Its
// brackets keep every redactor from taking it for a credential.
const curlBadToken = "[invalid]"
