package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The proxy's and the receiver's records become one line each, values
// redacted and control characters escaped, whatever the library did.
func TestHumanLogLines(t *testing.T) {
	t.Parallel()
	hide := func(s string) string { return strings.ReplaceAll(s, "tok-secret", "[redacted]") }
	for _, tc := range []struct {
		name string
		log  func(l *slog.Logger)
		want string
	}{
		{"finding", func(l *slog.Logger) {
			l.Info("finding", "method", "GET", "path", "/v1/webhooks", "status", 200, "severity", "error", "rule", "body.enum",
				"pointer", "/items/0/status", "message", "not one of the values", "actual", `"paused"`)
		}, `proxy: GET /v1/webhooks → 200: error body.enum /items/0/status: not one of the values (got "paused")` + "\n"},
		{"a delivery of its own", func(l *slog.Logger) {
			l.Info("judged", "case", "delivery 2", "method", "POST", "path", "/hook", "status", 204, "operation", "op", "verdict", "pass", "findings", 0, "duration_ms", 0.5)
		}, "proxy: delivery 2: POST /hook → 204: 0 findings\n"},
		{"upstream failed", func(l *slog.Logger) {
			l.Warn("upstream failed", "method", "GET", "path", "/v1/x", "error", "dial tcp: refused")
		}, "proxy: GET /v1/x: upstream failed: dial tcp: refused\n"},
		{"escaped and redacted", func(l *slog.Logger) {
			l.Info("finding", "method", "GET", "path", "/v1/\x1b]0;PWNED\x07tok-secret", "status", 404, "severity", "error", "rule", "operation.unknown",
				"message", "line\nbreak")
		}, `proxy: GET /v1/\u001b]0;PWNED\u0007[redacted] → 404: error operation.unknown: line\nbreak` + "\n"},
		{"debug is left out", func(l *slog.Logger) { l.Debug("judged", "method", "GET") }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			tc.log(newHumanLogger(&b, "proxy", hide))
			assert.Equal(t, tc.want, b.String())
		})
	}
}
