package har

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

func TestReplaySample(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New()
	require.NoError(t, err)
	rep := &report.Report{}
	require.NoError(t, Replay(eng, bytes.NewReader(readHARFile(t, "sample.har")), "sample.har", rep))
	require.Len(t, rep.Cases, 8, "one case per entry, none dropped")

	verdicts := make([]report.Verdict, len(rep.Cases))
	for i, c := range rep.Cases {
		verdicts[i] = c.Verdict
		assert.Contains(t, c.Name, "(sample.har #")
	}
	assert.Equal(t, []report.Verdict{
		report.VerdictPass, // get, the seed example
		report.VerdictPass, // list with a Link header
		report.VerdictFail, // base64 body with an unknown enum value and property
		report.VerdictFail, // created is a number, on another host
		report.VerdictPass, // delete, 204 without a body
		report.VerdictSkip, // GET /v1/people/me is not in the spec
		report.VerdictSkip, // no response recorded
		report.VerdictSkip, // body not saved
	}, verdicts, "%+v", rep.Cases)

	get := rep.Cases[0]
	assert.Equal(t, "getWebhookDetails", get.Operation)
	assert.Equal(t, "/webhooks/{webhookId}", get.Path)
	assert.Equal(t, 200, get.Status)
	assert.InDelta(t, 42.5, get.DurationMS, 1e-9)

	assert.ElementsMatch(t, []string{"body.enum", "body.undocumented"}, harRules(rep.Cases[2].Findings))
	assert.Equal(t, []string{"body.type"}, harRules(rep.Cases[3].Findings))
	for _, f := range rep.Cases[2].Findings {
		assert.Equal(t, conformance.SeverityDrift, f.Severity)
	}

	assert.Equal(t, "listWebhooks", rep.Cases[1].Operation)
	assert.Equal(t, "deleteWebhook", rep.Cases[4].Operation)
	assert.Contains(t, rep.Cases[5].Reason, "no operation of the spec matches GET /v1/people/me")
	assert.Contains(t, rep.Cases[6].Reason, "no response was recorded")
	assert.Contains(t, rep.Cases[7].Reason, "not recorded")

	assert.Equal(t, report.Summary{Cases: 8, Passed: 3, Failed: 2, Skipped: 3, Errors: 1, Drift: 2}, rep.Summary())
	assert.True(t, rep.Fails(conformance.SeverityDrift))
}

func harRules(fs []conformance.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Rule
	}
	return out
}

func TestReplayKeepsCasesBeforeAnError(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New()
	require.NoError(t, err)
	rep := &report.Report{}
	err = Replay(eng, bytes.NewReader(readHARFile(t, "truncated.har")), "t.har", rep)
	var he *SyntaxError
	require.ErrorAs(t, err, &he)
	assert.Len(t, rep.Cases, he.Entry, "every entry before the broken one is a case")
}

func TestReplayRedactsNames(t *testing.T) {
	t.Parallel()
	const token = "ZmFrZS10b2tlbi1mb3ItdGVzdHM"
	eng, err := conformance.New(conformance.WithRedactions(token))
	require.NoError(t, err)
	doc := `{"log":{"entries":[{"request":{"method":"GET","url":"https://webexapis.com/v1/other/` + token + `"},"response":{"status":200}}]}}`
	rep := &report.Report{}
	require.NoError(t, Replay(eng, strings.NewReader(doc), "r.har", rep))
	require.Len(t, rep.Cases, 1)
	assert.NotContains(t, rep.Cases[0].Name, token)
	assert.NotContains(t, rep.Cases[0].Path, token)
	assert.NotContains(t, rep.Cases[0].Reason, token)
}

// TestReplayMatchesDecoder checks that the replay's shortcuts (a body
// that aliases the reader's buffer, request headers cut to Authorization)
// judge every entry exactly as the plain reader's full copies do.
func TestReplayMatchesDecoder(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New()
	require.NoError(t, err)
	data := readHARFile(t, "sample.har")
	var want []report.Case
	entries, err := collectHAR(bytes.NewReader(data))
	require.NoError(t, err)
	for _, h := range entries {
		want = append(want, entryCase(eng, h, "s.har"))
	}
	rep := &report.Report{}
	require.NoError(t, Replay(eng, bytes.NewReader(data), "s.har", rep))
	require.Len(t, rep.Cases, len(want))
	for i := range want {
		if want[i].Findings == nil {
			want[i].Findings = []conformance.Finding{}
		}
		if want[i].Verdict == "" {
			want[i].Verdict = rep.Cases[i].Verdict
		}
		assert.Equal(t, want[i], rep.Cases[i], "entry %d", i)
	}
}
