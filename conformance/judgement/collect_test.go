package judgement_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// A collector folds per operation, method and status; the methods of
// requests no operation matches fold into a bounded set; a case keeps a
// bounded number of finding kinds; what could not be judged is one skipped
// case. Exchanges come from many goroutines.
func TestCollectorFoldsAndBounds(t *testing.T) {
	t.Parallel()
	j := judgement.New(engine(t))
	col := judgement.NewCollector(j, judgement.WithMaxKinds(2))
	good := func() *conformance.Exchange {
		return exchange("GET", "/v1/webhooks", true, "", 200, `{"items":[]}`)
	}
	drifting := func(i int) *conformance.Exchange {
		return exchange("GET", "/v1/webhooks/abc", true, "", 200,
			fmt.Sprintf(`{"id":"abc","name":"n","targetUrl":"https://x.example","resource":"all","event":"all","status":"active","created":"2015-10-18T14:26:16Z","extra%d":1}`, i%4))
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, x := range []*conformance.Exchange{good(), drifting(i), exchange(fmt.Sprintf("BREW%d", i), "/v1/nowhere", true, "", 405, "")} {
				col.Add(x, j.Case(x))
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 120, col.Exchanges())
	rep := col.Report("http://upstream", nil, judgement.NotJudged{Count: 3, Why: "the body was too large"}, judgement.NotJudged{Why: "never"})
	names := []string{}
	for _, c := range rep.Cases {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{
		"(other method) (no documented operation) → 405 (40 exchanges)",
		"GET /webhooks/{webhookId} → 200 (40 exchanges)",
		"GET /webhooks → 200 (40 exchanges)",
		"exchanges not judged",
	}, names)
	drift := rep.Cases[1]
	require.Len(t, drift.Findings, 3, "two kinds kept, and the note")
	assert.Contains(t, drift.Findings[0].Message, "(in 10 of 40 exchanges)")
	assert.Equal(t, conformance.RuleProxyFindingsCapped, drift.Findings[2].Rule)
	assert.Contains(t, drift.Findings[2].Message, "20 more findings of other kinds were not kept (at most 2 per case)")
	assert.Equal(t, report.VerdictSkip, rep.Cases[3].Verdict)
	assert.Equal(t, "3 because the body was too large", rep.Cases[3].Reason, "a count of none says nothing")
	assert.Equal(t, "http://upstream", rep.Target)
}

// The first exchanges get a case each, named after their number; a
// contract's request paths fold per path, then into one case. Each
// exchange with a case of its own and each new kind of finding is logged.
func TestCollectorOwnCasesPathsAndLog(t *testing.T) {
	t.Parallel()
	eng := engine(t)
	rc, err := eng.CompileCallback("createWebhook", "notification", http.MethodPost)
	require.NoError(t, err)
	j := judgement.New(eng, judgement.WithContract(rc))
	var log bytes.Buffer
	col := judgement.NewCollector(j, judgement.WithOwnCases(2), judgement.WithNouns("delivery", "deliveries"),
		judgement.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	deliver := func(path string) {
		x := exchange("POST", path, false, `{"id":"w"}`, 204, "")
		c := j.Case(x)
		col.Add(x, c)
	}
	deliver("/hook/%1B%5B31mred")
	deliver("/hook")
	for i := range judgement.MaxFoldedPaths + 5 {
		deliver(fmt.Sprintf("/p%d", i))
	}
	rep := col.Report("", nil)
	require.Len(t, rep.Cases, 2+judgement.MaxFoldedPaths+1)
	assert.Equal(t, "delivery 1: POST /hook/%1B%5B31mred", rep.Cases[0].Name)
	assert.Equal(t, "POST /p0 → 204 (1 more delivery after the first 2)", rep.Cases[2].Name)
	assert.Equal(t, "POST (any further path, past the first 100) → 204 (5 more deliveries after the first 2)", rep.Cases[len(rep.Cases)-1].Name)
	for _, c := range rep.Cases {
		assert.Equal(t, rc.Operation(), c.Operation)
	}
	lines := log.String()
	assert.Contains(t, lines, `level=INFO msg=judged case="delivery 2" method=POST path=/hook status=204 operation=receiveWebhookNotification verdict=fail`)
	assert.Contains(t, lines, `msg=finding case="delivery 1" method=POST path=/hook/%1B%5B31mred status=204 severity=error rule=request.body.required`)
	assert.NotContains(t, lines, `msg=judged method=POST path=/p0`, "folded exchanges are Debug records")
	assert.Equal(t, len(rep.Cases[2].Findings), strings.Count(lines, "path=/p0 "), "each kind of /p0's case is logged once")
}
