package runner

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/webex"
)

// statusRewriter answers with another status than the handler chose.
type statusRewriter struct {
	http.ResponseWriter
	rewrite func(int) int
}

func (w *statusRewriter) WriteHeader(code int) { w.ResponseWriter.WriteHeader(w.rewrite(code)) }

// TestUndocumentedSuccessIsOneRule: a create answered 201 and a delete
// answered 200 did what was asked; each is status.undocumented, once, and
// neither is called a failed create or delete.
func TestUndocumentedSuccessIsOneRule(t *testing.T) {
	t.Parallel()
	m, tok := newMock(t)
	target := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &statusRewriter{ResponseWriter: w, rewrite: func(code int) int {
			switch {
			case r.Method == http.MethodPost && code == http.StatusOK:
				return http.StatusCreated
			case r.Method == http.MethodDelete && code == http.StatusNoContent:
				return http.StatusOK
			}
			return code
		}}
		m.ServeHTTP(rw, r)
	}))
	rep, err := Run(context.Background(), engine(t, tok), target, WithToken(tok), WithWrites(true))
	require.NoError(t, err)
	creates, deletes := 0, 0
	for _, c := range rep.Cases {
		for _, f := range c.Findings {
			assert.NotEqual(t, webex.RuleBehaviorCreateFailed, f.Rule, "%s: a 201 made the webhook", c.Name)
			assert.NotEqual(t, webex.RuleBehaviorDeleteFailed, f.Rule, "%s: a 200 deleted the webhook", c.Name)
			assert.NotEqual(t, webex.RuleBehaviorLeftBehind, f.Rule, c.Name)
		}
		switch {
		case c.Method == http.MethodPost && c.Status == http.StatusCreated:
			creates++
			assert.Equal(t, []string{conformance.RuleStatusUndocumented.ID()}, ruleIDs(c.Findings), c.Name)
		case c.Method == http.MethodDelete && c.Status == http.StatusOK:
			deletes++
			assert.Equal(t, []string{conformance.RuleStatusUndocumented.ID()}, ruleIDs(c.Findings), c.Name)
		}
	}
	assert.Equal(t, 3, creates, "the webhook and two pagination fixtures")
	assert.GreaterOrEqual(t, deletes, 3)
	assert.Empty(t, m.Webhooks(), "nothing left behind")
}

func ruleIDs(fs []conformance.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule.ID())
	}
	return out
}

// TestReportListsTheRunsProbes: the values the bad creates send on
// purpose as invalid are in the report, JSON included, so that follow
// can tell them from the API's vocabulary.
func TestReportListsTheRunsProbes(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	f.acceptBad = true
	rep, err := runFake(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"conformanceNoSuchResource", "conformanceNoSuchEvent", "not a url"}, rep.Probes)
	var b strings.Builder
	require.NoError(t, report.Write(&b, report.JSON, rep))
	back, err := report.ReadJSON([]byte(b.String()))
	require.NoError(t, err)
	assert.Equal(t, rep.Probes, back.Probes)

	readOnly, err := runFake(t, newFake(testToken), WithWrites(false))
	require.NoError(t, err)
	assert.Empty(t, readOnly.Probes, "a read-only run sends none")
}
