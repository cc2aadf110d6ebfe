package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

func TestFindingsAreRedacted(t *testing.T) {
	t.Parallel()
	const token = "ZmFrZS10b2tlbi1mb3ItdGVzdHM"
	e, err := New(api.Spec, WithRedactions(token))
	require.NoError(t, err)
	cases := []struct {
		name   string
		x      *Exchange
		hidden []string
	}{
		{"secret of wrong type", getDetails(200, webhook(t, map[string]any{"secret": 86}), jsonCT, tracking), []string{"86"}},
		{"secret deep in an undocumented object", getDetails(200, webhook(t, map[string]any{"extra": map[string]any{"deeper": map[string]any{"secret": "s3cr3t-value"}}}), jsonCT, tracking), []string{"s3cr3t-value"}},
		{"secret-like keys in a list item", exchange("GET", "/v1/webhooks", 200, `{"items":[{"clientSecret":"cs-value-1","password":"pw-value-2"}]}`, jsonCT, tracking), []string{"cs-value-1", "pw-value-2"}},
		{"registered token echoed in a header", getDetails(200, seedWebhook, jsonCT, tracking, "Link: oops "+token), []string{token}},
		{"request credential echoed in a body", getDetails(200, webhook(t, map[string]any{"name": 1, "resource": "test-token-123456"}), jsonCT, tracking), []string{"test-token-123456"}},
		{"bearer credential in a value", getDetails(200, webhook(t, map[string]any{"color": "Authorization: Bearer abc.def-ghi"}), jsonCT, tracking), []string{"abc.def-ghi"}},
		{"status with secret echo", getDetails(200, webhook(t, map[string]any{"name": []any{"secret"}, "secret": nil}), jsonCT, tracking), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := e.Validate(tc.x)
			require.NotEmpty(t, fs)
			for _, f := range fs {
				text := f.Message + " " + f.Expected + " " + f.Actual
				for _, h := range tc.hidden {
					assert.NotContains(t, text, h)
				}
			}
		})
	}
}

// TestRedact: the engine's Redact is the redactor with the registered
// values; internal/redact has the cases.
func TestRedact(t *testing.T) {
	t.Parallel()
	e, err := New(api.Spec, WithRedactions("tok-123456789", ""))
	require.NoError(t, err)
	assert.Equal(t, "token [redacted], Bearer [redacted], {\"secret\":\"[redacted]\"}", e.Redact(`token tok-123456789, Bearer abc.def, {"secret":"86dacc"}`))
	assert.Equal(t, "", e.Redact(""))
}
