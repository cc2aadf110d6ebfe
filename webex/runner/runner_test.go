package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/webex"
)

const testToken = "tok-canary-8f3a1c"

func rules(rep *report.Report) map[string]int {
	out := map[string]int{}
	for _, c := range rep.Cases {
		for _, f := range c.Findings {
			if f.Severity != conformance.SeverityInfo {
				out[f.Rule.ID()]++
			}
		}
	}
	return out
}

// seed fills the fake with webhooks that are not the suite's.
func seed(f *fakeAPI, n int) {
	for i := 0; i < n; i++ {
		f.hooks[string(rune('A'+i))+"-seed"] = map[string]any{
			"id": string(rune('A'+i)) + "-seed", "name": "customer hook", "targetUrl": "https://example.com/h",
			"resource": "messages", "event": "created", "status": "active", "created": "2024-01-01T00:00:00Z", "ownedBy": "org",
		}
	}
}

func runFake(t *testing.T, f *fakeAPI, extra ...Option) (*report.Report, error) {
	t.Helper()
	srv := f.start(t)
	opts := append([]Option{WithToken(testToken), WithWrites(true), WithPageSize(2), WithMaxRetryWait(time.Millisecond)}, extra...)
	return Run(context.Background(), passValidator{}, srv.URL+"/v1", opts...)
}

func TestSuiteAgainstConformingFake(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 3)
	rep, err := runFake(t, f)
	require.NoError(t, err)
	assert.Empty(t, rules(rep), "a conforming API gives no findings")
	assert.GreaterOrEqual(t, rep.Summary().Cases, 15)
	assert.Zero(t, rep.Summary().Failed)
	ops := map[string]bool{}
	for _, c := range rep.Cases {
		ops[c.Operation] = true
		assert.Empty(t, c.Curl, "a passing case carries no curl")
		assert.Empty(t, c.Findings, "%s: not even a note (behavior.not-judged, phantom-create)", c.Name)
	}
	for _, op := range []string{opList, opCreate, opGet, opUpdate, opDelete} {
		assert.True(t, ops[op], op)
	}
	assert.Zero(t, rep.Summary().Skipped, "everything was judged")
	assert.Empty(t, rep.LeftBehind)
	assert.Empty(t, rep.Outcome, "a conforming run is left for Conclude")
	rep.Conclude(conformance.SeverityDrift)
	assert.Equal(t, report.Conformant, rep.Outcome)
	assert.Equal(t, 3, f.count(), "only the seeded webhooks remain")
}

func TestBrokenExpectationsFire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		knob  func(*fakeAPI)
		rule  string
		extra []Option
	}{
		{"unknown id answered 200", func(f *fakeAPI) { f.unknownIDOK = true }, "behavior.unknown-id", nil},
		{"pages longer than max", func(f *fakeAPI) { f.pageOverflow = true }, "pagination.max-exceeded", nil},
		{"next links drop max", func(f *fakeAPI) { f.dropMax = true }, "pagination.max-dropped", nil},
		{"next links drop ownedBy", func(f *fakeAPI) { f.dropOwnedBy = true }, "pagination.query-dropped", nil},
		{"next links loop", func(f *fakeAPI) { f.loop = true }, "pagination.loop", nil},
		{"next links leave the host", func(f *fakeAPI) { f.otherHost = "http://127.0.0.1:1" }, "pagination.host-changed", nil},
		{"a delete that does not delete", func(f *fakeAPI) { f.deleteNoop = true }, "behavior.deleted-still-found", nil},
		{"a delete that does not delete, listed", func(f *fakeAPI) { f.deleteNoop = true }, "behavior.deleted-still-listed", nil},
		{"an update that does not stick", func(f *fakeAPI) { f.updateNoop = true }, "behavior.update-not-applied", nil},
		{"a secret echoed wrong", func(f *fakeAPI) { f.secretMangled = true }, "behavior.secret-echo", nil},
		{"invalid creates accepted", func(f *fakeAPI) { f.acceptBad = true }, "behavior.bad-create-accepted", nil},
		{"no token needed", func(f *fakeAPI) { f.tokenIgnored = true }, "behavior.no-token", nil},
		{"bad token accepted", func(f *fakeAPI) { f.tokenIgnored = true }, "behavior.bad-token", nil},
		{"PATCH accepted", func(f *fakeAPI) { f.patchOK = true }, "behavior.method-not-allowed", nil},
		{"created webhooks not listed", func(f *fakeAPI) { f.hideCreated = true }, "behavior.created-not-listed", nil},
		{"create stores another name", func(f *fakeAPI) { f.renameOnCreate = true }, "behavior.create-echo", nil},
		{"delete refused", func(f *fakeAPI) { f.deleteRefused = true }, "behavior.delete-failed", nil},
		{"get answers another webhook", func(f *fakeAPI) { f.wrongID = true }, "behavior.id-mismatch", []Option{WithWrites(false)}},
		{"listed webhooks cannot be fetched", func(f *fakeAPI) { f.getListed404 = true }, "behavior.listed-not-found", nil},
		{"next links change the path", func(f *fakeAPI) { f.pathChange = true }, "pagination.path-changed", nil},
		{"created webhooks cannot be fetched", func(f *fakeAPI) { f.hideNew = true }, "behavior.created-not-found", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(testToken)
			seed(f, 3)
			tc.knob(f)
			rep, err := runFake(t, f, tc.extra...)
			require.NoError(t, err)
			got := rules(rep)
			assert.Positive(t, got[tc.rule], "rule %s fires; got %v", tc.rule, got)
			for _, c := range rep.Cases {
				if c.Verdict == report.VerdictFail {
					require.NotEmpty(t, c.Curl, c.Name)
					if !strings.Contains(c.Name, "token") {
						assert.Contains(t, c.Curl, `"Authorization: Bearer $WEBEX_TOKEN"`, c.Name)
					}
					assert.NotContains(t, c.Curl, testToken)
				}
			}
		})
	}
}

func TestInvalidCreatesAcceptedAreCleanedUp(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	f.acceptBad = true
	_, err := runFake(t, f)
	require.NoError(t, err)
	assert.Zero(t, f.count(), "everything the run created is gone: %v", f.names())
}

func TestReadOnlySendsNoWrites(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 5)
	rep, err := runFake(t, f, WithWrites(false))
	require.NoError(t, err)
	for _, m := range f.seen() {
		assert.Contains(t, []string{http.MethodGet, http.MethodHead}, m)
	}
	assert.Empty(t, rules(rep))
	var gets int
	for _, c := range rep.Cases {
		if c.Operation == opGet && c.Status == 200 {
			gets++
		}
	}
	assert.Equal(t, 5, gets, "every listed webhook is fetched")
}

func TestGetsAreCappedAndWebhookIDsPicked(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 6)
	rep, err := runFake(t, f, WithWrites(false), WithMaxGets(2))
	require.NoError(t, err)
	var listed, picked int
	for _, c := range rep.Cases {
		if strings.HasPrefix(c.Name, "get webhook details (listed") {
			listed++
		}
	}
	assert.Equal(t, 2, listed)

	rep, err = runFake(t, f, WithWrites(false), WithWebhookIDs("B-seed", "nope"))
	require.NoError(t, err)
	for _, c := range rep.Cases {
		if strings.HasPrefix(c.Name, "get webhook details (--webhook-id") {
			picked++
		}
	}
	assert.Equal(t, 2, picked)
}

func TestSweepRemovesOnlyOwnLeftovers(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 2)
	for i, name := range []string{"conformance-0badc0de-lifecycle", "conformance-notarunid-x", "conformance-", "my conformance-0badc0de-x"} {
		id := "L" + string(rune('0'+i))
		f.hooks[id] = map[string]any{"id": id, "name": name, "targetUrl": "https://example.com", "resource": "rooms", "event": "created", "status": "active", "created": "2024-01-01T00:00:00Z"}
	}
	_, err := runFake(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"conformance-", "conformance-notarunid-x", "customer hook", "customer hook", "my conformance-0badc0de-x"}, f.names())
}

func TestInterruptedWriteRunLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, at := range []int{2, 3, 4} {
		f := newFake(testToken)
		ctx, cancel := context.WithCancel(context.Background())
		f.blockCreateAt = at // the run is cancelled while this create hangs
		f.onCreate = func(n int) {
			if n == at {
				go func() { time.Sleep(10 * time.Millisecond); cancel() }()
			}
		}
		srv := f.start(t)
		rep, err := Run(ctx, passValidator{}, srv.URL+"/v1", WithToken(testToken), WithWrites(true), WithPageSize(2))
		cancel()
		require.ErrorIs(t, err, context.Canceled)
		require.NotNil(t, rep)
		assert.Equal(t, report.Interrupted, rep.Outcome)
		assert.Equal(t, "interrupted before the suite ended; every webhook the run made was deleted", rep.Reason)
		assert.Zero(t, f.count(), "interrupted at create %d: left %v", at, f.names())
	}
}

func TestUnreachableTargetIsUntestable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	_, err = Run(context.Background(), passValidator{}, "http://"+addr+"/v1", WithToken(testToken))
	var ue *UntestableError
	require.ErrorAs(t, err, &ue)
	assert.NotContains(t, err.Error(), testToken)
}

func TestRejectedTokenIsUntestable(t *testing.T) {
	t.Parallel()
	f := newFake("another-token")
	rep, err := runFake(t, f)
	var ue *UntestableError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.Error(), "rejected the token")
	assert.Zero(t, f.count())
	require.NotNil(t, rep)
}

func TestTLSFailureIsUntestable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(newFake(testToken))
	t.Cleanup(srv.Close)
	_, err := Run(context.Background(), passValidator{}, srv.URL+"/v1", WithToken(testToken))
	var ue *UntestableError
	require.ErrorAs(t, err, &ue, "a self-signed certificate is refused")
}

func TestRedirectToAnotherHostDropsToken(t *testing.T) {
	t.Parallel()
	var leaked atomic.Value
	leaked.Store("")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			leaked.Store(a)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[]}`))
	}))
	t.Cleanup(other.Close)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(redirector.Close)
	_, _ = Run(context.Background(), passValidator{}, redirector.URL+"/v1", WithToken(testToken))
	assert.Empty(t, leaked.Load())
}

func TestTooManyRequestsIsRetried(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			w.Header().Set("Retry-After", "3600")
			f.errorJSON(w, r, http.StatusTooManyRequests, "slow down")
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rep, err := Run(context.Background(), passValidator{}, srv.URL+"/v1", WithToken(testToken), WithWrites(true), WithMaxRetryWait(time.Millisecond))
	require.NoError(t, err)
	for _, c := range rep.Cases {
		assert.NotEqual(t, http.StatusTooManyRequests, c.Status, c.Name)
	}
	assert.Empty(t, rules(rep))
}

func TestEngineFindingsAreRedacted(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	srv := f.start(t)
	leaky := leakyValidator{}
	rep, err := Run(context.Background(), leaky, srv.URL+"/v1", WithToken(testToken), WithWrites(true))
	require.NoError(t, err)
	require.NotEmpty(t, rep.Cases)
	for _, c := range rep.Cases {
		for _, fd := range c.Findings {
			assert.NotContains(t, fd.Actual+fd.Message+fd.Expected, testToken)
		}
	}
}

// leakyValidator quotes the request's Authorization header in a finding.
type leakyValidator struct{ passValidator }

func (leakyValidator) Case(x *conformance.Exchange) report.Case {
	c := passJudge().Case(x) // for the coverage
	c.Findings = []conformance.Finding{{Rule: conformance.RuleEngineInternal, Severity: conformance.SeverityInfo, Message: "sent " + x.Request.Header.Get("Authorization"), Actual: string(x.Response.Body)}}
	return c
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"", "ftp://x", "not a url", "http://"} {
		_, err := Run(context.Background(), passValidator{}, target)
		assert.Error(t, err, target)
	}
	_, err := Run(context.Background(), passValidator{}, "http://127.0.0.1:1", WithRunID("XYZ"))
	assert.Error(t, err)
	var ue *UntestableError
	assert.False(t, errors.As(err, &ue))
}

func TestServerErrorsAreNotBehaviorFindings(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	var deleted atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			deleted.Store(true)
		}
		if deleted.Load() && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/webhooks/") {
			f.errorJSON(w, r, http.StatusServiceUnavailable, "try later")
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rep, err := Run(context.Background(), passValidator{}, srv.URL+"/v1", WithToken(testToken), WithWrites(true), WithPageSize(2), WithMaxRetryWait(time.Millisecond))
	require.NoError(t, err)
	assert.Empty(t, rules(rep), "a 503 says nothing about the behavior")
	var notJudged int
	for _, c := range rep.Cases {
		for _, fd := range c.Findings {
			if fd.Rule == conformance.RuleBehaviorNotJudged {
				notJudged++
				assert.Equal(t, conformance.SeverityInfo, fd.Severity)
			}
		}
	}
	assert.Positive(t, notJudged)
	assert.Zero(t, f.count())
}

// TestOversizedBodyIsBodyLimit: the runner reads one byte past the
// engine's cap, so a body too large is reported as such, not as JSON cut
// in the middle.
func TestOversizedBodyIsBodyLimit(t *testing.T) {
	t.Parallel()
	big := `{"id":"` + strings.Repeat("x", 4000) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		if r.URL.Path == "/v1/webhooks" {
			_, _ = io.WriteString(w, `{"items":[]}`)
			return
		}
		_, _ = io.WriteString(w, big) // any webhook, even one that does not exist
	}))
	t.Cleanup(srv.Close)
	eng, err := conformance.New(api.Spec, conformance.WithMaxBodyBytes(1024), conformance.WithRedactions(testToken))
	require.NoError(t, err)
	rep, err := Run(context.Background(), judgement.New(eng, judgement.WithSides(conformance.JudgeResponses)), srv.URL+"/v1", WithToken(testToken), WithMaxRetryWait(time.Millisecond))
	require.NoError(t, err)
	var rules []conformance.Rule
	for _, c := range rep.Cases {
		for _, f := range c.Findings {
			rules = append(rules, f.Rule)
			if f.Rule == conformance.RuleBodyLimit {
				assert.Equal(t, "more than 1024 bytes", f.Actual, "read up to the engine's cap and one byte more")
			}
		}
	}
	assert.Contains(t, rules, conformance.RuleBodyLimit)
	assert.NotContains(t, rules, conformance.RuleBodyJSON)
}

// TestRefusedWritesFire: a write the suite needs that is refused stops the
// writes (the run says what it could not reach) and is named by its rule.
func TestRefusedWritesFire(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		knob func(*fakeAPI)
		rule conformance.Rule
	}{
		{func(f *fakeAPI) { f.refuseCreate = true }, webex.RuleBehaviorCreateFailed},
		{func(f *fakeAPI) { f.refuseUpdate = true }, webex.RuleBehaviorUpdateFailed},
	} {
		t.Run(tc.rule.ID(), func(t *testing.T) {
			t.Parallel()
			f := newFake(testToken)
			seed(f, 3)
			tc.knob(f)
			rep, err := runFake(t, f)
			require.Error(t, err, "a needed write that fails leaves the rest untested")
			require.NotNil(t, rep)
			assert.Positive(t, rules(rep)[tc.rule.ID()], "rule %s fires; got %v", tc.rule, rules(rep))
		})
	}
	f := newFake(testToken)
	seed(f, 3)
	rep, err := runFake(t, f)
	require.NoError(t, err)
	for _, r := range []conformance.Rule{webex.RuleBehaviorCreateFailed, webex.RuleBehaviorUpdateFailed, webex.RuleBehaviorCreatedNotFound} {
		assert.Zero(t, rules(rep)[r.ID()], "quiet against a conforming API: %s", r)
	}
}

// TestEveryRunRuleIsFiredByATest: each rule the catalogue gives the run is
// named by a test of this package, by its id or by its variable.
func TestEveryRunRuleIsFiredByATest(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		all.Write(b)
	}
	src := all.String()
	lower := strings.ToLower(src)
	for _, r := range conformance.Rules() {
		if r.Origin() != conformance.OriginRun {
			continue
		}
		name := ""
		for _, w := range strings.FieldsFunc(r.ID(), func(c rune) bool { return c == '.' || c == '-' }) {
			name += w
		}
		// By its id, or by its variable in the package that declares it
		// (webex.RuleBehaviorNoToken, generate.RuleInvalidAccepted).
		named := strings.Contains(src, `"`+r.ID()+`"`)
		for _, v := range []string{"conformance.rule" + name, "webex.rule" + name, "generate.rule" + strings.TrimPrefix(name, "behavior")} {
			named = named || strings.Contains(lower, v)
		}
		assert.True(t, named, "no test of the runner names %s", r)
	}
}
