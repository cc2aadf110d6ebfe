package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// The run's cases come from judgement.Case: every engine finding in the
// report is one the judgement made of an exchange the run sent, and every
// finding the judgement made is in the report. The target is the mock with
// an undocumented property added to every webhook it answers, so that
// there is something to find; the run's deliberate bad requests give no
// request finding, since the run judges responses.
func TestRunCasesComeFromTheJudgement(t *testing.T) {
	t.Parallel()
	ts := mocktest.NewServer(t)
	up, err := url.Parse(ts.URL)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: up.Scheme, Host: up.Host})
	rp.ModifyResponse = func(resp *http.Response) error {
		var b bytes.Buffer
		_, err := b.ReadFrom(resp.Body)
		resp.Body.Close()
		body := bytes.Replace(b.Bytes(), []byte(`"id":`), []byte(`"sparkle":1,"id":`), -1)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return err
	}
	sloppy := httptest.NewServer(rp)
	t.Cleanup(sloppy.Close)

	eng, err := conformance.New(api.Spec, conformance.WithRedactions(ts.Token))
	require.NoError(t, err)
	var mu sync.Mutex
	judged := map[string]bool{}
	exchanges := 0
	j := judgement.New(eng, judgement.WithSides(conformance.JudgeResponses),
		judgement.WithObserver(judgement.ObserverFunc(func(x conformance.Exchange, _ conformance.Operation, _ bool, c report.Case) {
			mu.Lock()
			defer mu.Unlock()
			exchanges++
			for _, f := range c.Findings {
				judged[key(f)] = true
			}
		})))
	rep, err := Run(context.Background(), j, sloppy.URL+up.Path, WithToken(ts.Token), WithWrites(true), WithPageSize(2))
	require.NoError(t, err)

	inReport := map[string]bool{}
	for _, c := range rep.Cases {
		for _, f := range c.Findings {
			if o := f.Rule.Origin(); o == conformance.OriginResponse || o == conformance.OriginRequest {
				inReport[key(f)] = true
			}
		}
	}
	assert.GreaterOrEqual(t, exchanges, len(rep.Cases)-1, "every case but a skipped one comes from judged exchanges")
	assert.NotEmpty(t, judged, "the added property is found")
	assert.Equal(t, sorted(judged), sorted(inReport))
	for k := range judged {
		assert.Contains(t, k, "side=response", "the run judges responses only")
	}
}

func key(f conformance.Finding) string {
	return fmt.Sprintf("%s side=%s %s op=%s status=%d at %s", f.Rule, f.Side, f.Severity, f.Operation, f.Status, f.Pointer)
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The run judges responses: a judge of requests too is refused, since the
// suite's bad requests are deliberate.
func TestRunNeedsAJudgeOfResponses(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	for _, s := range []conformance.Sides{conformance.JudgeBoth, conformance.JudgeRequests} {
		_, err := Run(context.Background(), judgement.New(eng, judgement.WithSides(s)), "http://127.0.0.1:1/v1")
		assert.ErrorContains(t, err, "must judge responses only", "%v", s)
	}
}
