package runner

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// failValidator finds fault with every response and redacts nothing, so
// that every case carries a curl command and only the runner's own
// redaction stands between a secret and the report.
type failValidator struct{ passValidator }

func (failValidator) Case(x *conformance.Exchange) report.Case {
	c := passJudge().Case(x) // for the coverage
	c.Findings = []conformance.Finding{{Rule: conformance.RuleBodyType, Severity: conformance.SeverityError, Message: "judged wrong for the test"}}
	return c
}

// bodyRecorder remembers the secret of every request body it forwards.
type bodyRecorder struct {
	mu      sync.Mutex
	secrets []string
	bodies  map[string]int // method -> requests with a body
}

func (b *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		raw, _ := io.ReadAll(rc)
		var in map[string]any
		_ = json.Unmarshal(raw, &in)
		b.mu.Lock()
		b.bodies[req.Method]++
		if s, ok := in["secret"].(string); ok {
			b.secrets = append(b.secrets, s)
		}
		b.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestCurlRedactsEveryBody runs every scenario with every case failing and
// checks each case's curl command: the token is $WEBEX_TOKEN, no secret sent
// in any create or update body comes out, and the body is still there.
func TestCurlRedactsEveryBody(t *testing.T) {
	t.Parallel()
	f := newFake(testToken)
	seed(f, 3)
	srv := f.start(t)
	rec := &bodyRecorder{bodies: map[string]int{}}
	rep, err := Run(context.Background(), failValidator{}, srv.URL+"/v1", WithToken(testToken), WithWrites(true), WithPageSize(2), WithMaxRetryWait(time.Millisecond), WithTransport(rec))
	require.NoError(t, err)
	require.Len(t, rec.secrets, 2, "the create and the update send a secret")
	require.Positive(t, rec.bodies[http.MethodPost])
	require.Positive(t, rec.bodies[http.MethodPut])

	withBody := map[string]int{}
	for _, c := range rep.Cases {
		if c.Verdict == report.VerdictSkip {
			continue
		}
		require.NotEmpty(t, c.Curl, c.Name)
		assert.NotContains(t, c.Curl, testToken, c.Name)
		for _, s := range rec.secrets {
			assert.NotContains(t, c.Curl, s, c.Name)
		}
		if strings.Contains(c.Curl, "--data-raw") {
			withBody[c.Method]++
		}
		switch {
		case strings.Contains(c.Name, "without a token"):
			assert.NotContains(t, c.Curl, "Authorization", c.Name)
		case strings.Contains(c.Name, "invalid token"):
			assert.Contains(t, c.Curl, `'Authorization: Bearer [invalid]'`, c.Name)
			assert.NotContains(t, c.Curl, badToken, c.Name)
		default:
			assert.Contains(t, c.Curl, `-H "Authorization: Bearer $WEBEX_TOKEN"`, c.Name)
		}
		if c.Name == "create a webhook" || c.Name == "update the webhook" {
			assert.Contains(t, c.Curl, `"secret":"[redacted]"`, c.Name)
		}
	}
	assert.Equal(t, rec.bodies[http.MethodPost], withBody[http.MethodPost], "every create's curl carries its body")
	assert.Equal(t, rec.bodies[http.MethodPut], withBody[http.MethodPut], "every update's curl carries its body")
}
