package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/har"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// TestWriteMakesAJudgeableRecording checks the benchmark's input: a HAR
// the replay reads whole, with every operation present, mostly passing,
// and the same for the same seed.
func TestWriteMakesAJudgeableRecording(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	require.NoError(t, write(&a, 500, 7))
	require.NoError(t, write(&b, 500, 7))
	assert.Equal(t, a.String(), b.String(), "deterministic")

	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	rep := &report.Report{}
	require.NoError(t, har.Replay(judgement.New(eng), &a, "gen.har", rep))
	require.Equal(t, 500, rep.Summary().Cases)
	assert.Zero(t, rep.Summary().Skipped)
	assert.Greater(t, rep.Summary().Passed, 450)
	assert.Positive(t, rep.Summary().Failed, "some responses deviate on purpose")
	ops := map[string]int{}
	for _, c := range rep.Cases {
		ops[c.Operation]++
		if c.Verdict == report.VerdictFail {
			for _, f := range c.Findings {
				assert.Contains(t, []string{"body.enum", "body.undocumented", "body.type"}, f.Rule.ID(), "%+v", f)
			}
		}
	}
	for _, op := range []string{"listWebhooks", "createWebhook", "getWebhookDetails", "updateWebhook", "deleteWebhook"} {
		assert.Positive(t, ops[op], op)
	}
	assert.Greater(t, ops["getWebhookDetails"], 250, "mostly Get Webhook Details")
}
