package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock"
)

// handlerTransport serves requests with a handler in the same goroutine:
// no sockets, so the exchange can run inside a synctest bubble.
type handlerTransport struct {
	h     http.Handler
	delay time.Duration // how long each answer takes
}

func (tr handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	time.Sleep(tr.delay)
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// TestCaseDurationIsTheExchangeOnly: a case's duration is the time its
// exchange took, not the wait --rate imposed before it. In a synctest
// bubble the clock moves only when everything waits, so an answer that
// takes 3 ms takes exactly 3 ms, and the 200 ms of pacing between
// requests would show if they were counted.
func TestCaseDurationIsTheExchangeOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const tok = "duration-token"
		tr := handlerTransport{h: mock.New(mock.WithTokens(tok)), delay: 3 * time.Millisecond}
		start := time.Now()
		rep, err := Run(context.Background(), engine(t, tok), "http://mock.test"+mock.BasePath, WithToken(tok), WithRate(5), WithTransport(tr))
		require.NoError(t, err)
		require.NotEmpty(t, rep.Cases)
		assert.GreaterOrEqual(t, time.Since(start), time.Duration(len(rep.Cases)-1)*200*time.Millisecond, "the run was paced")
		for _, c := range rep.Cases {
			assert.Equal(t, 3.0, c.DurationMS, "%s: the exchange only", c.Name)
		}
		var junit strings.Builder
		require.NoError(t, report.Write(&junit, report.JUnit, rep))
		assert.Len(t, regexp.MustCompile(`<testcase [^>]*time="0.003"`).FindAllString(junit.String(), -1), len(rep.Cases), "JUnit's time is the exchange's too")
	})
}
