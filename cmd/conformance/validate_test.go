package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

const validateSampleHAR = "../../conformance/har/testdata/sample.har"

// validateRun runs `conformance validate args...` with stdin and the
// environment given, and returns the exit code, stdout and stderr.
func validateRun(t *testing.T, stdin string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return vars[k] },
	}
	code := cmdValidate(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

// validateWriteHAR writes a HAR holding the given entries to a temp file.
func validateWriteHAR(t *testing.T, entries ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.har")
	doc := `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
	return path
}

const validateWebhook = `{"id":"Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMy","name":"My Awesome Webhook","targetUrl":"https://example.com/mywebhook","resource":"messages","event":"created","status":"active","created":"2015-10-18T14:26:16+00:00"}`

// validateEntry is a getWebhookDetails entry answering body.
func validateEntry(body string) string {
	b, _ := json.Marshal(body)
	return `{"request":{"method":"GET","url":"https://webexapis.com/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMy","headers":[]},` +
		`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"TrackingID","value":"ROUTER_1"}],"content":{"mimeType":"application/json","text":` + string(b) + `}}}`
}

func TestValidateHARText(t *testing.T) {
	t.Parallel()
	code, out, errOut := validateRun(t, "", nil, "--har", validateSampleHAR)
	assert.Equal(t, exitFindings, code)
	assert.Empty(t, errOut)
	assert.Contains(t, out, "FAIL GET /v1/webhooks/")
	assert.Contains(t, out, "(sample.har #3)")
	assert.Contains(t, out, "body.type")
	assert.Contains(t, out, "FAIL GET /v1/people/me (sample.har #5)", "an undocumented path is the client's finding")
	assert.Contains(t, out, "8 cases: 3 passed, 3 failed, 2 skipped; 2 errors, 2 drift (requests: 1 error, 0 drift; responses: 1 error, 2 drift)")
	assert.NotContains(t, out, "\x1b[", "no colour into a buffer")
	assert.NotContains(t, out, "NjQ1ZTQ2YzQtYjY0Ny00ZGVhLWE4ZTUtMDAxMTIyMzM0NDU1", "the recorded token")
}

func TestValidateFailOn(t *testing.T) {
	t.Parallel()
	drift := strings.Replace(validateWebhook, `"messages"`, `"someNewResource"`, 1)
	broken := strings.Replace(validateWebhook, `"2015-10-18T14:26:16+00:00"`, `12`, 1)
	for _, tc := range []struct {
		name, body, failOn string
		want               int
	}{
		{"conforming", validateWebhook, "drift", exitOK},
		{"drift fails by default", drift, "", exitFindings},
		{"drift passes --fail-on error", drift, "error", exitOK},
		{"error fails --fail-on error", broken, "error", exitFindings},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"--har", validateWriteHAR(t, validateEntry(tc.body))}
			if tc.failOn != "" {
				args = append(args, "--fail-on", tc.failOn)
			}
			code, out, errOut := validateRun(t, "", nil, args...)
			assert.Equal(t, tc.want, code, out)
			assert.Empty(t, errOut)
		})
	}
}

func TestValidateSeveralHARs(t *testing.T) {
	t.Parallel()
	other := validateWriteHAR(t, validateEntry(validateWebhook), validateEntry(validateWebhook))
	for _, args := range [][]string{
		{"--har", validateSampleHAR, "--har", other, "--format", "json"},
		{"--har", validateSampleHAR, other, "--format", "json"},
		{"--format", "json", "--har", validateSampleHAR, other},
	} {
		code, out, errOut := validateRun(t, "", nil, args...)
		assert.Equal(t, exitFindings, code, "%v: %s", args, errOut)
		var rep report.Report
		require.NoError(t, json.Unmarshal([]byte(out), &rep), args)
		assert.Equal(t, 10, rep.Summary().Cases, args)
		assert.Contains(t, rep.Cases[9].Name, "(rec.har #1)")
	}
}

func TestValidateHARFromStdin(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(validateSampleHAR)
	require.NoError(t, err)
	code, out, errOut := validateRun(t, string(data), nil, "--har", "-")
	assert.Equal(t, exitFindings, code, errOut)
	assert.Contains(t, out, "(stdin #3)")
	assert.Contains(t, out, "8 cases")

	code, _, errOut = validateRun(t, `{"log":{"entries":[{"request":`, nil, "--har", "-")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "stdin: entry 0")
}

func TestValidateFormats(t *testing.T) {
	t.Parallel()
	code, out, _ := validateRun(t, "", nil, "--har", validateSampleHAR, "--format", "json")
	require.Equal(t, exitFindings, code)
	var rep report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "conformance", rep.Tool)
	assert.Equal(t, conformance.Version, rep.Version)
	assert.Equal(t, "Webex Webhooks API", rep.Spec.Title)
	assert.Len(t, rep.Spec.SHA256, 64)
	assert.Equal(t, report.Summary{Cases: 8, Passed: 3, Failed: 3, Skipped: 2, Errors: 2, Drift: 2, New: 4,
		Request: report.SideSummary{Errors: 1}, Response: report.SideSummary{Errors: 1, Drift: 2}}, rep.Summary())

	_, out, _ = validateRun(t, "", nil, "--har", validateSampleHAR, "--format", "junit")
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &suites))
	assert.Equal(t, 8, suites.Tests)
	assert.Equal(t, 3, suites.Failures)
	assert.Equal(t, 2, suites.Skipped)

	_, out, _ = validateRun(t, "", nil, "--har", validateSampleHAR, "--format", "markdown")
	assert.Contains(t, out, "| 8 | 3 | 3 | 2 | 2 | 2 |")
}

func TestValidateOutputFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := validateRun(t, "", nil, "--har", validateSampleHAR, "--format", "json", "--output", path)
	assert.Equal(t, exitFindings, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "wrote "+path)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, json.Valid(data))
}

func TestValidateSingleResponse(t *testing.T) {
	t.Parallel()
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	require.NoError(t, os.WriteFile(bodyFile, []byte(validateWebhook), 0o644))
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  int
		rules []string
	}{
		{"conforming from a file", "", []string{"--operation", "getWebhookDetails", "--status", "200",
			"--header", "Content-Type: application/json; charset=utf-8", "--header", "TrackingID: ROUTER_1", "--body", bodyFile}, exitOK, nil},
		{"conforming from stdin", validateWebhook, []string{"--operation", "getWebhookDetails", "--status", "200",
			"--header", "content-type:application/json", "--header", "TrackingID: ROUTER_1", "--body", "-"}, exitOK, nil},
		{"204 without a body", "", []string{"--operation", "deleteWebhook", "--status", "204", "--header", "TrackingID: x"}, exitOK, nil},
		{"204 with a body", "{}", []string{"--operation", "deleteWebhook", "--status", "204", "--header", "TrackingID: x",
			"--header", "Content-Type: application/json", "--body", "-"}, exitFindings, []string{"body.empty"}},
		{"undocumented status", "", []string{"--operation", "getWebhookDetails", "--status", "418", "--header", "TrackingID: x"},
			exitFindings, []string{"status.undocumented"}},
		{"malformed Retry-After", `{"message":"slow down","trackingId":"ROUTER_1"}`, []string{"--operation", "listWebhooks", "--status", "429",
			"--header", "Content-Type: application/json", "--header", "TrackingID: x", "--header", "Retry-After: rand(30),add(30)", "--body", "-"},
			exitFindings, []string{"header.format"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := validateRun(t, tc.stdin, nil, append(tc.args, "--format", "json")...)
			assert.Empty(t, errOut)
			var rep report.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
			require.Len(t, rep.Cases, 1)
			var got []string
			for _, f := range rep.Cases[0].Findings {
				got = append(got, f.Rule.ID())
			}
			assert.Equal(t, tc.rules, got, out)
			assert.Equal(t, tc.want, code)
		})
	}
}

// --query, --request-header and --request-body describe the request: its
// findings sit beside the response's in the one case, the security
// requirement is a note (no credential is taken), and the client's secret
// appears in no report format.
func TestValidateSingleRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	errBody := write("err.json", `{"message":"bad","trackingId":"ROUTER_1"}`)
	bad := write("bad.json", `{"name":"n","resource":"bogus","event":"created","secret":"s3cr3t-of-the-client-1"}`)
	good := write("good.json", `{"name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created","secret":"s3cr3t-of-the-client-1"}`)
	resp := []string{"--status", "400", "--header", "Content-Type: application/json", "--header", "TrackingID: x", "--body", errBody}
	for _, tc := range []struct {
		name     string
		args     []string
		want     int
		rules    []string
		pointers []string
	}{
		{"bad query", append([]string{"--operation", "listWebhooks", "--query", "max=0&ownedBy=everyone"}, resp...), exitFindings,
			[]string{"request.parameter", "request.parameter", "request.unjudged"}, []string{"query:max", "query:ownedBy", ""}},
		{"good query", append([]string{"--operation", "listWebhooks", "--query", "?max=10&ownedBy=org"}, resp...), exitOK,
			[]string{"request.unjudged"}, []string{""}},
		{"bad body", append([]string{"--operation", "createWebhook", "--request-body", bad}, resp...), exitFindings,
			[]string{"request.body.enum", "request.body.required", "request.unjudged"}, []string{"/resource", "/targetUrl", ""}},
		{"good body", append([]string{"--operation", "createWebhook", "--request-body", good}, resp...), exitOK,
			[]string{"request.unjudged"}, []string{""}},
		{"text/plain", append([]string{"--operation", "createWebhook", "--request-body", good, "--request-header", "Content-Type: text/plain"}, resp...), exitFindings,
			[]string{"request.content-type", "request.unjudged"}, []string{"header:Content-Type", ""}},
		{"no body", append([]string{"--operation", "createWebhook", "--request-header", "Content-Type: application/json"}, resp...), exitFindings,
			[]string{"request.body.missing", "request.unjudged"}, []string{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, format := range []string{"text", "junit", "markdown"} {
				_, out, _ := validateRun(t, "", nil, append(tc.args, "--format", format)...)
				assert.NotContains(t, out, "s3cr3t-of-the-client-1", format)
			}
			code, out, errOut := validateRun(t, "", nil, append(tc.args, "--format", "json")...)
			assert.Empty(t, errOut)
			assert.NotContains(t, out, "s3cr3t-of-the-client-1")
			var rep report.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
			require.Len(t, rep.Cases, 1)
			var rules, pointers []string
			for _, f := range rep.Cases[0].Findings {
				rules, pointers = append(rules, f.Rule.ID()), append(pointers, f.Pointer)
			}
			assert.Equal(t, tc.rules, rules, out)
			assert.Equal(t, tc.pointers, pointers, out)
			assert.Equal(t, tc.want, code)
		})
	}
	code, _, errOut := validateRun(t, "", nil, "--operation", "listWebhooks", "--status", "200", "--query", "max=1#frag")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--query")
	code, _, errOut = validateRun(t, "", nil, "--operation", "createWebhook", "--status", "200", "--body", "-", "--request-body", "-")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "cannot both read stdin")
	code, _, errOut = validateRun(t, "", nil, "--har", "x.har", "--query", "max=1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "cannot be combined")
}

func TestValidateSingleResponseText(t *testing.T) {
	t.Parallel()
	code, out, _ := validateRun(t, validateWebhook, nil, "--operation", "getWebhookDetails", "--status", "200",
		"--header", "Content-Type: application/json", "--header", "TrackingID: ROUTER_1", "--body", "-")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "PASS getWebhookDetails 200", "a single case is listed even when it passes")
}

func TestValidateUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	brokenSpec := filepath.Join(dir, "spec.yaml")
	require.NoError(t, os.WriteFile(brokenSpec, []byte("openapi: 3.0.3\ninfo: [\n  broken"), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"nothing to validate", nil, "give --har"},
		{"both modes", []string{"--har", validateSampleHAR, "--operation", "listWebhooks", "--status", "200"}, "cannot be combined"},
		{"unknown operation", []string{"--operation", "getWebhook", "--status", "200"}, `no operation "getWebhook"`},
		{"status not a number", []string{"--operation", "listWebhooks", "--status", "ok"}, `--status "ok"`},
		{"status out of range", []string{"--operation", "listWebhooks", "--status", "99"}, `--status "99"`},
		{"status missing", []string{"--operation", "listWebhooks"}, "needs --status"},
		{"status without operation", []string{"--status", "200"}, "need --operation"},
		{"header without colon", []string{"--operation", "listWebhooks", "--status", "200", "--header", "TrackingID x"}, `--header "TrackingID x"`},
		{"header with a bad name", []string{"--operation", "listWebhooks", "--status", "200", "--header", "Tracking ID: x"}, "--header"},
		{"unreadable body", []string{"--operation", "listWebhooks", "--status", "200", "--body", filepath.Join(dir, "missing.json")}, "--body"},
		{"unreadable HAR", []string{"--har", filepath.Join(dir, "missing.har")}, "missing.har"},
		{"HAR is a directory", []string{"--har", dir}, "is a directory"},
		{"truncated HAR", []string{"--har", "../../conformance/har/testdata/truncated.har"}, "truncated.har: entry 3"},
		{"not a HAR", []string{"--har", "../../conformance/har/testdata/not-json.har"}, "not-json.har"},
		{"broken spec", []string{"--spec", brokenSpec, "--har", validateSampleHAR}, "--spec " + brokenSpec},
		{"missing spec", []string{"--spec", filepath.Join(dir, "none.yaml"), "--har", validateSampleHAR}, "--spec"},
		{"bad format", []string{"--har", validateSampleHAR, "--format", "xml"}, "--format"},
		{"bad fail-on", []string{"--har", validateSampleHAR, "--fail-on", "warning"}, "--fail-on"},
		{"unwritable output", []string{"--har", validateSampleHAR, "--output", filepath.Join(dir, "no", "such", "dir.txt")}, "writing the report"},
		{"stray argument", []string{"extra"}, "unexpected argument"},
		{"unknown flag", []string{"--target", "x"}, "-target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := validateRun(t, "", nil, tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.msg)
			assert.NotContains(t, errOut, "goroutine")
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		})
	}
}

func TestValidateRedactsTheToken(t *testing.T) {
	t.Parallel()
	const token = "ZmFrZS13ZWJleC10b2tlbi1jYW5hcnk"
	entry := strings.Replace(validateEntry(`{"message":"no"}`), "/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMy", "/v1/webhooks/"+token, 1)
	path := validateWriteHAR(t, entry)
	for _, f := range []string{"text", "json", "junit", "markdown"} {
		code, out, errOut := validateRun(t, "", map[string]string{"WEBEX_TOKEN": token}, "--har", path, "--format", f)
		assert.Equal(t, exitFindings, code, errOut)
		assert.NotContains(t, out, token, f)
		assert.Contains(t, out, "redacted", f)
	}
}

// TestOneCaseIsOneCase: a count of one reads as one ("1 case", not
// "1 cases") in what a person reads.
func TestOneCaseIsOneCase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "one.json")
	code, _, errOut := validateRun(t, "", nil, "--operation", "deleteWebhook", "--status", "204", "--header", "TrackingID: x", "--output", path)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "conformance: wrote "+path+" (json): conformant; 1 case, 1 passed, 0 failed, 0 skipped\n")
	code, out, _ := validateRun(t, "", nil, "--operation", "deleteWebhook", "--status", "204", "--header", "TrackingID: x")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "1 case: 1 passed, 0 failed, 0 skipped")
	assert.Contains(t, out, "outcome: conformant: 1 case passed,")
	assert.NotContains(t, out+errOut, "1 cases")
}

// listEntry is a listWebhooks entry answering an empty list.
const listEntry = `{"request":{"method":"GET","url":"https://webexapis.com/v1/webhooks?max=10","headers":[]},` +
	`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"TrackingID","value":"ROUTER_1"}],"content":{"mimeType":"application/json","text":"{\"items\":[]}"}}}`

func TestValidateHARCoverageAndRequire(t *testing.T) {
	t.Parallel()
	har := validateWriteHAR(t, listEntry, listEntry)
	code, out, errOut := validateRun(t, "", nil, "--har", har, "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	rep := runJSON(t, out)
	require.NotNil(t, rep.Coverage)
	list, _ := rep.Coverage.Operation("listWebhooks")
	assert.Equal(t, 2, list.Exchanges)
	assert.Equal(t, []string{"200"}, list.Statuses.Judged)
	get, _ := rep.Coverage.Operation("getWebhookDetails")
	assert.Zero(t, get.Exchanges, "list-only traffic judges no Get Webhook Details")
	assert.Equal(t, 1, rep.Coverage.Totals.Operations.Judged)

	code, out, errOut = validateRun(t, "", nil, "--har", har, "--require", "getWebhookDetails:200", "--require", "listWebhooks")
	assert.Equal(t, exitUntestable, code, errOut)
	assert.Contains(t, out, "outcome: untested: required response not judged: getWebhookDetails 200 was never judged (getWebhookDetails was not reached)")
	assert.Contains(t, out, "2 cases: 2 clean", "no pass beside an untested outcome")
	assert.NotContains(t, out, "passed")
	assert.Contains(t, out, "coverage: operations 1/5")

	code, _, errOut = validateRun(t, "", nil, "--har", har, "--require", "listWebhooks:2XX")
	assert.Equal(t, exitOK, code, errOut)

	code, _, errOut = validateRun(t, "", nil, "--har", har, "--require", "getWebhook:200")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "conformance validate: --require getWebhook:200: the spec has no operation \"getWebhook\"\n", errOut)
	code, _, errOut = validateRun(t, "", nil, "--har", har, "--require", "getWebhookDetails:20")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--require \"getWebhookDetails:20\": the status is a code")
}

// validate --spec judges by an OpenAPI 3.1 document: its const and type
// lists hold.
func TestValidate31Document(t *testing.T) {
	t.Parallel()
	spec := writeSpec(t, `openapi: 3.1.0
info: {title: x, version: '1'}
paths:
  /webhooks:
    post:
      operationId: createWebhook
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                ownedBy: {const: org}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [ownedBy]
                properties:
                  ownedBy: {const: org}
                  filter: {type: [string, "null"]}
`)
	for _, tc := range []struct {
		body  string
		want  int
		rules []string
	}{
		{`{"ownedBy": "org", "filter": null}`, exitOK, nil},
		{`{"ownedBy": "creator", "filter": 1}`, exitFindings, []string{"body.constraint", "body.type"}},
	} {
		code, out, errOut := validateRun(t, tc.body, nil, "--spec", spec, "--operation", "createWebhook", "--status", "200",
			"--header", "Content-Type: application/json", "--body", "-", "--format", "json")
		var rep report.Report
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out+errOut)
		require.Len(t, rep.Cases, 1)
		var got []string
		for _, f := range rep.Cases[0].Findings {
			got = append(got, f.Rule.ID())
		}
		assert.Equal(t, tc.rules, got, out)
		assert.Equal(t, tc.want, code, errOut)
	}
}
