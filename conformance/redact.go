package conformance

import "github.com/webex-conformance/webhooks/internal/redact"

// Redact replaces, in any text meant for output, the registered tokens,
// every Bearer or Basic credential and the value of every secret-like JSON
// property with [redacted].
func (e *Engine) Redact(s string) string {
	return redact.Text(s, e.redactions...)
}
