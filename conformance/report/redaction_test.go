package report_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// leakSpec has kin-openapi judge accessToken and clientSecret: a pattern
// keeps the fast path away.
const leakSpec = `
openapi: 3.0.3
info: {title: Leak, version: 1.0.0}
servers: [{url: /}]
paths:
  /grant:
    get:
      operationId: grant
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Grant'}}}}
components:
  schemas:
    Grant:
      type: object
      properties:
        accessToken: {type: string, pattern: '^tok-[a-z]+$'}
        nested:
          type: object
          properties:
            clientSecret: {type: string, pattern: '^cs-[a-z]+$'}
`

// TestSecretsRedactedInEveryFormat plants secrets where the engine hands
// the judging to kin-openapi (a value that breaks its pattern under
// accessToken and under clientSecret) and in the request body of a curl
// command, and reads every output format for them.
func TestSecretsRedactedInEveryFormat(t *testing.T) {
	t.Parallel()
	const (
		tokenValue  = "LEAKED-access-token-0001"
		clientValue = "LEAKED-client-secret-0002"
		curlValue   = "LEAKED-webhook-secret-0003"
	)
	eng, err := conformance.New([]byte(leakSpec))
	require.NoError(t, err)
	u, err := url.Parse("https://api.example.com/grant")
	require.NoError(t, err)
	fs := eng.Validate(&conformance.Exchange{
		Request: conformance.Request{Method: http.MethodGet, URL: u},
		Response: conformance.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"accessToken":"` + tokenValue + `","nested":{"clientSecret":"` + clientValue + `"}}`)},
	})
	require.Len(t, fs, 2, "both patterns are broken: %+v", fs)
	for _, f := range fs {
		assert.Equal(t, "[redacted]", f.Actual, "%s at %s", f.Rule, f.Pointer)
	}

	rep := &report.Report{Tool: "conformance", Spec: eng.SpecInfo()}
	rep.Add(report.Case{Name: "GET /grant", Operation: "grant", Status: 200, Findings: fs,
		Curl: `curl -sS -X POST -H "Authorization: Bearer $WEBEX_TOKEN" --data-raw '{"name":"n","secret":"` + curlValue + `"}' 'https://api.example.com/grant'`})
	for _, f := range report.Formats {
		for _, opts := range [][]report.Option{nil, {report.WithRedact(eng.Redact), report.WithVerbose(true)}} {
			var buf bytes.Buffer
			require.NoError(t, report.Write(&buf, f, rep, opts...))
			out := buf.String()
			for _, v := range []string{tokenValue, clientValue, curlValue} {
				assert.NotContains(t, out, v, "format %s", f)
			}
			assert.Contains(t, out, "[redacted]", "format %s", f)
			assert.Contains(t, out, "/accessToken", "format %s names where the secret was", f)
		}
	}
}
