package conformance_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

// TestBodyLimitSaysWhatIsKnown: a reader stops at the cap plus one byte, so
// a body of that size says only that the cap was passed; a longer body
// handed over whole has a size to report.
func TestBodyLimitSaysWhatIsKnown(t *testing.T) {
	t.Parallel()
	const limit = 1024
	eng, err := conformance.New(api.Spec, conformance.WithMaxBodyBytes(limit))
	require.NoError(t, err)
	u, err := url.Parse("https://webexapis.com/v1/webhooks/abc")
	require.NoError(t, err)
	tests := []struct {
		name   string
		size   int
		actual string
	}{
		{"cut at the cap plus one", limit + 1, "more than 1024 bytes"},
		{"handed over whole", 3 * limit, "3072 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := eng.Validate(&conformance.Exchange{
				Request:  conformance.Request{Method: http.MethodGet, URL: u},
				Response: conformance.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}, "Trackingid": {"ROUTER_1"}}, Body: []byte(strings.Repeat(" ", tc.size))},
			})
			require.Len(t, fs, 1)
			assert.Equal(t, conformance.RuleBodyLimit, fs[0].Rule)
			assert.Equal(t, tc.actual, fs[0].Actual)
			assert.Equal(t, "at most 1024 bytes", fs[0].Expected)
			assert.Equal(t, "the body is larger than the size cap of 1024 bytes and was not judged", fs[0].Message)
		})
	}
}
