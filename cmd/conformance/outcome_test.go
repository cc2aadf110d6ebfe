package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock"
)

// outcomeToken is the token every fake server of these tests accepts.
const outcomeToken = "outcome-token-0123456789"

// ranRun is one `conformance run` with every report format written.
type ranRun struct {
	code                 int
	text, stderr         string
	json                 report.Report
	jsonRaw              map[string]json.RawMessage
	markdown, junitBytes string
}

// runEveryFormat runs `conformance run` with ctx and args, writing json,
// junit and markdown to files and text to stdout.
func runEveryFormat(t *testing.T, ctx context.Context, args ...string) ranRun {
	t.Helper()
	dir := t.TempDir()
	args = append(args, "--rate", "0",
		"--format", "json", "--output", filepath.Join(dir, "r.json"),
		"--format", "junit", "--output", filepath.Join(dir, "r.xml"),
		"--format", "markdown", "--output", filepath.Join(dir, "r.md"),
		"--format", "text")
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return map[string]string{"WEBEX_TOKEN": outcomeToken}[k] }}
	r := ranRun{code: cmdRun(ctx, e, args), text: out.String(), stderr: errb.String()}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, "%s\n%s", name, r.stderr)
		return b
	}
	js := read("r.json")
	require.NoError(t, json.Unmarshal(js, &r.json))
	require.NoError(t, json.Unmarshal(js, &r.jsonRaw))
	r.markdown = string(read("r.md"))
	r.junitBytes = string(read("r.xml"))
	return r
}

// assertOutcome checks the exit code and that every format shows outcome,
// and shows a pass only for conformant.
func assertOutcome(t *testing.T, r ranRun, want report.Outcome, reasonPart string) {
	t.Helper()
	wantCode := map[report.Outcome]int{report.Conformant: 0, report.Nonconformant: 1, report.Untested: 3, report.Interrupted: 3}[want]
	assert.Equal(t, wantCode, r.code, "exit code; stderr:\n%s", r.stderr)

	assert.Equal(t, want, r.json.Outcome, "json outcome")
	assert.Contains(t, r.json.Reason, reasonPart, "json reason")
	assert.JSONEq(t, `"`+string(want)+`"`, string(r.jsonRaw["outcome"]))

	heading, _, _ := strings.Cut(r.markdown, "\n")
	assert.Equal(t, want == report.Conformant, strings.Contains(r.markdown, "✅"), "markdown shows a check mark for conformant only: %s", heading)
	assert.Contains(t, heading, string(want))

	var doc struct {
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	require.NoError(t, xml.Unmarshal([]byte(r.junitBytes), &doc))
	switch want {
	case report.Conformant:
		assert.Zero(t, doc.Failures+doc.Errors, "junit")
	case report.Nonconformant:
		assert.Positive(t, doc.Failures, "junit")
	default:
		assert.Positive(t, doc.Errors, "junit: an untested or interrupted run is an error testcase")
	}
	assert.Contains(t, r.junitBytes, reasonPart)

	lines := strings.Split(strings.TrimRight(r.text, "\n"), "\n")
	last := lines[len(lines)-1]
	assert.True(t, strings.HasPrefix(last, "outcome: "+string(want)+": "), "text's last line: %q", last)
	assert.Contains(t, last, reasonPart)
	assert.NotContains(t, r.text+r.stderr+r.markdown+r.junitBytes, outcomeToken)
}

// seededMock is the mock holding n webhooks of someone else's.
func seededMock(t *testing.T, n int) (*mock.Server, *httptest.Server) {
	t.Helper()
	m := mock.New(mock.WithTokens(outcomeToken))
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	for i := 0; i < n; i++ {
		req, err := http.NewRequest(http.MethodPost, srv.URL+mock.BasePath+"/webhooks",
			strings.NewReader(`{"name":"customer hook","targetUrl":"https://example.com/h","resource":"messages","event":"created"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+outcomeToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	return m, srv
}

// names lists the names of the webhooks the mock holds.
func names(m *mock.Server) []string {
	var out []string
	for _, w := range m.Webhooks() {
		out = append(out, w.Name)
	}
	return out
}

func TestRunServerErrorEverywhereIsUntested(t *testing.T) {
	t.Parallel()
	var writes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writes.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_500")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"Something went wrong","errors":[{"description":"Something went wrong"}],"trackingId":"ROUTER_500"}`))
	}))
	t.Cleanup(srv.Close)
	r := runEveryFormat(t, context.Background(), "--target", srv.URL+"/v1", "--allow-writes")
	assertOutcome(t, r, report.Untested, "listWebhooks answered 500")
	assert.Zero(t, r.json.Summary().Passed, "a 500 passes nothing")
	assert.Zero(t, writes.Load(), "nothing is written to a target whose list fails")
}

func TestRunBaseURLWithoutV1IsUntested(t *testing.T) {
	t.Parallel()
	m, srv := seededMock(t, 2)
	r := runEveryFormat(t, context.Background(), "--target", srv.URL, "--allow-writes")
	assertOutcome(t, r, report.Untested, "does not look like the Webex webhooks API at "+srv.URL+" (did you mean "+srv.URL+"/v1?)")
	assert.Equal(t, []string{"customer hook", "customer hook"}, names(m))
}

func TestRunCreateAnswering201IsNonconformantAndCleanedUp(t *testing.T) {
	t.Parallel()
	m, _ := seededMock(t, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			m.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if rec.Code == http.StatusOK {
			rec.Code = http.StatusCreated
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	r := runEveryFormat(t, context.Background(), "--target", srv.URL+"/v1", "--allow-writes")
	assertOutcome(t, r, report.Nonconformant, "at or above drift")
	var undocumented bool
	for _, c := range r.json.Cases {
		if c.Name == "update the webhook" {
			assert.Equal(t, report.VerdictPass, c.Verdict, "the lifecycle goes on after a 201 with a webhook")
		}
		for _, f := range c.Findings {
			undocumented = undocumented || (f.Rule == conformance.RuleStatusUndocumented && f.Status == http.StatusCreated)
		}
	}
	assert.True(t, undocumented, "the 201 is judged")
	assert.Equal(t, []string{"customer hook"}, names(m), "every webhook the run made is gone")
}

func TestRunThreeWebhookAccountFollowsNextLink(t *testing.T) {
	t.Parallel()
	m, srv := seededMock(t, 3)
	r := runEveryFormat(t, context.Background(), "--target", srv.URL+"/v1")
	assertOutcome(t, r, report.Conformant, "passed, no finding at or above drift")
	pages := map[string]int{}
	for _, c := range r.json.Cases {
		if strings.HasPrefix(c.Name, "list webhooks, 1 per page, page ") {
			pages[c.Name] = c.Status
		}
	}
	assert.Equal(t, map[string]int{"list webhooks, 1 per page, page 1": 200, "list webhooks, 1 per page, page 2": 200,
		"list webhooks, 1 per page, page 3": 200}, pages, "the next link is followed")
	assert.Len(t, m.Webhooks(), 3, "a read-only run changes nothing")
}

func TestRunInterruptedCleansUpAndSaysSo(t *testing.T) {
	t.Parallel()
	m, _ := seededMock(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var creates atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.ServeHTTP(w, r)
		if r.Method == http.MethodPost && creates.Add(1) == 2 {
			cancel() // SIGINT, as the signal context does
		}
	}))
	t.Cleanup(srv.Close)
	r := runEveryFormat(t, ctx, "--target", srv.URL+"/v1", "--allow-writes")
	assertOutcome(t, r, report.Interrupted, "interrupted before the suite ended; every webhook the run made was deleted")
	assert.Equal(t, []string{"customer hook"}, names(m), "the interrupted run deleted what it made")
}

func TestRunThatCannotStartIsUntestedInEveryFormat(t *testing.T) {
	t.Parallel()
	ln := httptest.NewServer(http.NotFoundHandler())
	unreachable := ln.URL + "/v1"
	ln.Close()
	m := mock.New(mock.WithTokens("another-token"))
	rejecting := httptest.NewServer(m)
	t.Cleanup(rejecting.Close)
	for name, tc := range map[string]struct{ target, reason string }{
		"unreachable":    {unreachable, "GET " + unreachable + "/webhooks failed"},
		"token rejected": {rejecting.URL + "/v1", "the target rejected the token (401 on list webhooks)"},
	} {
		r := runEveryFormat(t, context.Background(), "--target", tc.target, "--allow-writes")
		t.Run(name, func(t *testing.T) { assertOutcome(t, r, report.Untested, tc.reason) })
	}
}
