package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

func TestExchangeLabels(t *testing.T) {
	t.Parallel()
	m := New(Upstream)
	m.Exchange("listWebhooks", 200, 2*time.Millisecond, []conformance.Finding{
		{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Operation: "listWebhooks"},
		{Rule: conformance.RuleRequestSecurity, Severity: conformance.SeverityError}, // no operation of its own: the exchange's
	})
	m.Exchange("", 404, time.Millisecond, []conformance.Finding{{Rule: conformance.RuleOperationUnknown, Severity: conformance.SeverityError}})

	assert.Equal(t, 1.0, testutil.ToFloat64(m.exchanges.WithLabelValues("listWebhooks", "200")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.exchanges.WithLabelValues(UnknownOperation, "404")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.findings.WithLabelValues("body.enum", "drift", "listWebhooks")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.findings.WithLabelValues("request.security", "error", "listWebhooks")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.findings.WithLabelValues("operation.unknown", "error", UnknownOperation)))
	assert.Equal(t, 2, testutil.CollectAndCount(m.latency, Upstream.Name))

	rec := httptest.NewRecorder()
	m.Mux().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `conformance_upstream_duration_seconds_bucket{operation="listWebhooks",le="0.0025"} 1`)
	assert.True(t, strings.Contains(rec.Body.String(), "process_") || strings.Contains(rec.Body.String(), "go_goroutines"))

	rec = httptest.NewRecorder()
	m.Mux().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/metrics", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}
