package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/webex"
)

// caseNamed returns the first case whose name starts with prefix.
func caseNamed(rep *report.Report, prefix string) (report.Case, bool) {
	for _, c := range rep.Cases {
		if strings.HasPrefix(c.Name, prefix) {
			return c, true
		}
	}
	return report.Case{}, false
}

func TestServerErrorEverywhereIsUntested(t *testing.T) {
	t.Parallel()
	for _, writes := range []bool{false, true} {
		f := newFake(testToken)
		var requests int
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests++
			f.errorJSON(w, r, http.StatusInternalServerError, "something went wrong")
		}))
		t.Cleanup(srv.Close)
		rep, err := Run(context.Background(), passValidator{}, srv.URL+"/v1", WithToken(testToken), WithWrites(writes), WithMaxRetryWait(time.Millisecond))
		var ue *UntestableError
		require.ErrorAs(t, err, &ue, "writes=%v", writes)
		assert.Contains(t, ue.Reason, "listWebhooks answered 500")
		assert.Equal(t, report.Untested, rep.Outcome)
		assert.Equal(t, ue.Error(), rep.Reason)
		if writes {
			assert.Contains(t, ue.Reason, "createWebhook was not reached")
		}
		assert.Zero(t, rep.Summary().Passed, "a 500 passes nothing")
		first := rep.Cases[0]
		assert.Equal(t, report.VerdictSkip, first.Verdict)
		assert.Contains(t, first.Reason, "not judged")
		assert.Equal(t, 4, requests, "the list is asked once and retried three times, then the run stops")
	}
}

func TestBaseURLWithoutV1IsNotTheAPI(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 3)
	srv := f.start(t)
	rep, err := Run(context.Background(), passValidator{}, srv.URL, WithToken(testToken), WithWrites(true))
	var ue *UntestableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "does not look like the Webex webhooks API at "+srv.URL+" (did you mean "+srv.URL+"/v1?): GET "+srv.URL+"/webhooks answered 404 application/json", ue.Reason)
	assert.Len(t, rep.Cases, 1, "nothing after the list is tried")
	for _, m := range f.seen() {
		assert.Equal(t, http.MethodGet, m, "no write reaches a target that is not the API")
	}
	assert.Equal(t, 3, f.count())
}

func TestListThatIsNoWebexList(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]http.HandlerFunc{
		"html": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>welcome</html>"))
		},
		"no items": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"webhooks":[]}`))
		},
		"items not an array": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"items":null}`))
		},
	} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		_, err := Run(context.Background(), passValidator{}, srv.URL+"/v1", WithToken(testToken))
		var ue *UntestableError
		require.ErrorAs(t, err, &ue, name)
		assert.Contains(t, ue.Reason, "does not look like the Webex webhooks API at "+srv.URL+"/v1: GET", name)
		assert.NotContains(t, ue.Reason, "did you mean", "%s: the target already ends in /v1", name)
	}
}

func TestCreateAnswering201IsJudgedAndCleanedUp(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	f.create201 = true
	seed(f, 1)
	srv := f.start(t)
	rep, err := Run(context.Background(), engine(t, testToken), srv.URL+"/v1", WithToken(testToken), WithWrites(true), WithMaxRetryWait(time.Millisecond))
	require.NoError(t, err, "a 2xx create covers the operation; the engine judges its status")
	c, ok := caseNamed(rep, "create a webhook")
	require.True(t, ok)
	assert.Equal(t, report.VerdictFail, c.Verdict)
	assert.True(t, hasRule(c.Findings, conformance.RuleStatusUndocumented), "%+v", c.Findings)
	for _, name := range []string{"get the created webhook", "update the webhook", "delete the webhook", "get the deleted webhook"} {
		c, ok := caseNamed(rep, name)
		require.True(t, ok, name)
		assert.NotEqual(t, report.VerdictSkip, c.Verdict, "%s runs: the create made a webhook", name)
	}
	assert.Equal(t, []string{"customer hook"}, f.names(), "everything the run made is gone")
}

func TestCreateServerErrorLeavesCaseNotJudgedAndNothingBehind(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	f.create500 = true // stored, then answered 500
	rep, err := runFake(t, f)
	var ue *UntestableError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.Reason, "createWebhook 2XX was never judged (createWebhook answered 400 (5 times), 500)", "the bad creates' 400s beside the 500")
	c, _ := caseNamed(rep, "create a webhook")
	assert.Equal(t, report.VerdictSkip, c.Verdict)
	assert.Contains(t, c.Reason, "not judged")
	sw, ok := caseNamed(rep, "sweep a webhook this run was not told it made")
	require.True(t, ok, "the sweep after the failed create finds what it made")
	require.NotEmpty(t, sw.Findings)
	assert.Equal(t, webex.RuleBehaviorPhantomCreate, sw.Findings[0].Rule)
	assert.Equal(t, conformance.SeverityInfo, sw.Findings[0].Severity, "a 500 may have done the work first")
	assert.Zero(t, f.count(), "left %v", f.names())
}

func TestRefusedCreateThatStoresIsPhantom(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	f.storeRefused = true
	rep, err := runFake(t, f)
	require.NoError(t, err)
	assert.Positive(t, rules(rep)["behavior.phantom-create"])
	assert.Zero(t, f.count(), "left %v", f.names())

	quiet := newFake(testToken)
	rep, err = runFake(t, quiet)
	require.NoError(t, err)
	_, swept := caseNamed(rep, "sweep a webhook")
	assert.False(t, swept, "a conforming API leaves nothing to sweep")
}

func TestWebhooksThatCannotBeDeletedAreListedAndFail(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	f.deleteFails = true
	rep, err := runFake(t, f)
	var ue *UntestableError
	require.ErrorAs(t, err, &ue, "no delete answered 2xx")
	var left []string
	for _, c := range rep.Cases {
		for _, fd := range c.Findings {
			if fd.Rule == webex.RuleBehaviorLeftBehind {
				left = append(left, fd.Actual)
				assert.Equal(t, report.VerdictFail, c.Verdict)
				assert.Contains(t, c.Curl, "-X DELETE")
				assert.Contains(t, c.Curl, fd.Actual)
			}
		}
	}
	assert.Len(t, left, f.count(), "every webhook still there is listed")
	assert.Equal(t, 3, f.count())
	require.Len(t, rep.LeftBehind, 3)
	rep.Conclude(conformance.SeverityDrift)
	assert.Equal(t, report.Untested, rep.Outcome)
	assert.Contains(t, rep.Reason, "3 webhooks the run made are left on the target: "+rep.LeftBehind[0].ID)
}

func TestDeleteThatKeepsTheWebhookIsLeftBehind(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	f.deleteNoop = true
	rep, err := runFake(t, f)
	require.NoError(t, err)
	assert.Equal(t, f.count(), rules(rep)["behavior.left-behind"], "204 is not gone: the final list says what is")
	assert.Len(t, rep.LeftBehind, f.count())
	rep.Conclude(conformance.SeverityDrift)
	assert.Equal(t, report.Nonconformant, rep.Outcome)
}

func TestReadOnlyFollowsNextLinkOnSmallAccount(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 3)
	rep, err := runFake(t, f, WithWrites(false), WithPageSize(0))
	require.NoError(t, err)
	assert.Empty(t, rules(rep))
	for _, page := range []string{"list webhooks, page 1", "list webhooks, 1 per page, page 1", "list webhooks, 1 per page, page 2", "list webhooks, 1 per page, page 3"} {
		c, ok := caseNamed(rep, page)
		require.True(t, ok, page)
		assert.Equal(t, 200, c.Status, page)
	}
	_, ok := caseNamed(rep, "list webhooks, 1 per page, page 4")
	assert.False(t, ok, "the small walk is bounded")
}

func TestFullPageWithoutNextLink(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 3)
	f.noLink = true
	rep, err := runFake(t, f, WithWrites(false), WithPageSize(0))
	require.NoError(t, err)
	assert.Equal(t, 1, rules(rep)["pagination.next-missing"], "%v", rules(rep))

	// Writes: the run's own three webhooks need two pages of two.
	f = newFake(testToken)
	f.noLink = true
	rep, err = runFake(t, f)
	require.NoError(t, err)
	assert.Positive(t, rules(rep)["pagination.next-missing"])
}

func TestNotJudgedCaseIsNoPass(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/webhooks/") {
			f.errorJSON(w, r, http.StatusBadGateway, "upstream down")
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rep, err := Run(context.Background(), passValidator{}, srv.URL+"/v1", WithToken(testToken), WithMaxRetryWait(time.Millisecond))
	var ue *UntestableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "required response not judged: getWebhookDetails 2XX was never judged (getWebhookDetails answered 502 (8 times))", ue.Reason)
	c, _ := caseNamed(rep, "get webhook details (listed #1)")
	assert.Equal(t, report.VerdictSkip, c.Verdict)
}

func TestCleanupThatCannotBeCheckedIsUntested(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	var patched atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch {
			patched.Store(true) // the suite's last call: the list breaks from here on
		}
		if patched.Load() && r.Method == http.MethodGet && r.URL.Path == "/v1/webhooks" {
			f.errorJSON(w, r, http.StatusServiceUnavailable, "try later")
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rep, err := Run(context.Background(), passValidator{}, srv.URL+"/v1", WithToken(testToken), WithWrites(true), WithPageSize(2), WithMaxRetryWait(time.Millisecond))
	var ue *UntestableError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.Reason, "the list could not be had at the end")
	assert.Equal(t, report.Untested, rep.Outcome)
	c, ok := caseNamed(rep, "check that the run left nothing behind")
	require.True(t, ok)
	assert.Equal(t, report.VerdictSkip, c.Verdict)
	assert.Zero(t, f.count(), "what the run tracked was still deleted")
}
