package har

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

func TestReplaySample(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	rep := &report.Report{}
	require.NoError(t, Replay(judgement.New(eng), bytes.NewReader(readHARFile(t, "sample.har")), "sample.har", rep))
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
		report.VerdictFail, // GET /v1/people/me is not in the spec: the client's operation.unknown
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
	assert.Equal(t, []string{"operation.unknown"}, harRules(rep.Cases[5].Findings))
	assert.Equal(t, conformance.SideRequest, rep.Cases[5].Findings[0].Side)
	assert.Contains(t, rep.Cases[6].Reason, "no response was recorded")
	assert.Contains(t, rep.Cases[7].Reason, "not recorded")

	assert.Equal(t, report.Summary{Cases: 8, Passed: 3, Failed: 3, Skipped: 2, Errors: 2, Drift: 2, New: 4,
		Request: report.SideSummary{Errors: 1}, Response: report.SideSummary{Errors: 1, Drift: 2}}, rep.Summary())
	assert.True(t, rep.Fails(conformance.SeverityDrift))
}

func harRules(fs []conformance.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Rule.ID()
	}
	return out
}

func TestReplayKeepsCasesBeforeAnError(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	rep := &report.Report{}
	err = Replay(judgement.New(eng), bytes.NewReader(readHARFile(t, "truncated.har")), "t.har", rep)
	var he *SyntaxError
	require.ErrorAs(t, err, &he)
	assert.Len(t, rep.Cases, he.Entry, "every entry before the broken one is a case")
}

func TestReplayRedactsNames(t *testing.T) {
	t.Parallel()
	const token = "ZmFrZS10b2tlbi1mb3ItdGVzdHM"
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(token))
	require.NoError(t, err)
	doc := `{"log":{"entries":[{"request":{"method":"GET","url":"https://webexapis.com/v1/other/` + token + `"},"response":{"status":200}}]}}`
	rep := &report.Report{}
	require.NoError(t, Replay(judgement.New(eng), strings.NewReader(doc), "r.har", rep))
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
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	data := readHARFile(t, "sample.har")
	var want []report.Case
	entries, err := collectHAR(bytes.NewReader(data))
	require.NoError(t, err)
	for _, h := range entries {
		want = append(want, entryCase(judgement.New(eng), h, "s.har"))
	}
	rep := &report.Report{}
	require.NoError(t, Replay(judgement.New(eng), bytes.NewReader(data), "s.har", rep))
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

// Each entry's request is judged beside its response, in the same case:
// postData as text, as base64 and as params; a body the recording did not
// save is a note, not a false alarm; no secret the client sent appears in
// the report, wherever it comes back.
func TestReplayJudgesRequests(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	rep := &report.Report{}
	require.NoError(t, Replay(judgement.New(eng), bytes.NewReader(readHARFile(t, "requests.har")), "requests.har", rep))
	require.Len(t, rep.Cases, 7)
	rules := make([][]string, len(rep.Cases))
	for i, c := range rep.Cases {
		rules[i] = harRules(c.Findings)
	}
	assert.Empty(t, rules[0], "a correct create")
	assert.ElementsMatch(t, []string{"request.security", "request.body.enum"}, rules[1])
	assert.Equal(t, []string{"request.body.required"}, rules[2], "base64 postData")
	assert.Equal(t, []string{"request.parameter"}, rules[3])
	assert.Equal(t, "query:max", rep.Cases[3].Findings[0].Pointer)
	assert.Equal(t, []string{"request.unjudged"}, rules[4])
	assert.Equal(t, report.VerdictPass, rep.Cases[4].Verdict, "a note does not fail")
	assert.Equal(t, []string{"request.content-type"}, rules[5], "params-only postData")
	assert.ElementsMatch(t, []string{"body.enum", "body.undocumented"}, rules[6])
	assert.Equal(t, report.VerdictFail, rep.Cases[1].Verdict)

	var buf bytes.Buffer
	for _, format := range report.Formats {
		buf.Reset()
		require.NoError(t, report.Write(&buf, format, rep, report.WithVerbose(true), report.WithRedact(eng.Redact)))
		assert.NotContains(t, buf.String(), "s3cr3t-signing-key-1", format)
		assert.NotContains(t, buf.String(), "har-token-0123456789abcdef", format)
		assert.Contains(t, buf.String(), "request.body.enum", format)
	}
}

func TestDecoderRequestBodies(t *testing.T) {
	t.Parallel()
	got, err := collectHAR(bytes.NewReader(readHARFile(t, "requests.har")))
	require.NoError(t, err)
	require.Len(t, got, 7)
	assert.Contains(t, string(got[0].Request.Body), `"resource": "messages"`)
	assert.Equal(t, `{"name": "n", "resource": "messages", "event": "created"}`, string(got[2].Request.Body), "base64 decoded")
	assert.Empty(t, got[3].Request.Body)
	assert.Empty(t, got[3].Request.BodySkip)
	assert.Contains(t, got[4].Request.BodySkip, "bodySize 120")
	assert.Equal(t, "name=n&targetUrl=https%3A%2F%2Fexample.com%2Fh", string(got[5].Request.Body))

	// With no request headers recorded, postData.mimeType is the media type.
	doc := `{"log":{"entries":[{"request":{"method":"POST","url":"https://x/v1/webhooks","postData":{"mimeType":"application/json","text":"{}"}},"response":{"status":200}}]}}`
	got, err = collectHAR(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, "application/json", got[0].Request.Header.Get("Content-Type"))
	assert.Equal(t, "{}", string(got[0].Request.Body))

	doc = `{"log":{"entries":[{"request":{"method":"POST","url":"https://x/v1/webhooks","postData":{"text":"!!","encoding":"base64"}},"response":{"status":200}},` +
		`{"request":{"method":"POST","url":"https://x/v1/webhooks","postData":{"text":"x","encoding":"gzip"}},"response":{"status":200}}]}}`
	got, err = collectHAR(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Contains(t, got[0].Request.BodySkip, "not valid base64")
	assert.Contains(t, got[1].Request.BodySkip, `"gzip" is not supported`)
}

// A recording without the credential whose server still said 200 was
// sanitized on export: a note, not a request.security error; with a 401
// the missing credential is the client's.
func TestReplayCredentialDroppedByTheRecorder(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	entry := func(status int, body string) string {
		b, _ := json.Marshal(body)
		return fmt.Sprintf(`{"request":{"method":"GET","url":"https://webexapis.com/v1/webhooks","headers":[]},"response":{"status":%d,`+
			`"headers":[{"name":"Content-Type","value":"application/json"},{"name":"TrackingID","value":"R"}],"content":{"text":%s}}}`, status, b)
	}
	doc := `{"log":{"entries":[` + entry(200, `{"items":[]}`) + `,` + entry(401, `{"message":"no","trackingId":"R"}`) + `]}}`
	rep := &report.Report{}
	require.NoError(t, Replay(judgement.New(eng), strings.NewReader(doc), "", rep))
	require.Len(t, rep.Cases, 2)
	assert.Equal(t, []string{"request.unjudged"}, harRules(rep.Cases[0].Findings))
	assert.Equal(t, report.VerdictPass, rep.Cases[0].Verdict)
	assert.Equal(t, []string{"request.security"}, harRules(rep.Cases[1].Findings))
	assert.Equal(t, report.VerdictFail, rep.Cases[1].Verdict)
}
