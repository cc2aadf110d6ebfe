package runner

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// engine is the judge a run is given: the Webex engine, redacting tokens,
// judging responses.
func engine(t testing.TB, tokens ...string) *judgement.Judge {
	t.Helper()
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(tokens...))
	require.NoError(t, err)
	return judgement.New(eng, judgement.WithSides(conformance.JudgeResponses))
}

func TestSuitePassesAgainstMock(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	for _, writes := range []bool{true, false} {
		rep, err := Run(context.Background(), engine(t, ts.Token), ts.URL, WithToken(ts.Token), WithWrites(writes), WithPageSize(2))
		require.NoError(t, err)
		for _, c := range rep.Cases {
			assert.Empty(t, c.Findings, "%s: %+v", c.Name, c.Findings)
		}
		assert.Zero(t, rep.Summary().Failed)
		if writes {
			assert.GreaterOrEqual(t, rep.Summary().Cases, 15)
		}
	}
}

func TestSuiteSurvivesMockFaults(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t, mock.WithFaults(mock.MustParseFault("429:0.3")), mock.WithSeed(7))
	rep, err := Run(context.Background(), engine(t, ts.Token), ts.URL, WithToken(ts.Token), WithWrites(true), WithPageSize(2), WithMaxRetryWait(time.Millisecond), WithRetries(20))
	require.NoError(t, err)
	assert.Zero(t, rep.Summary().Failed, "429s are waited out")
}
