package conformance

import "github.com/webex-conformance/webhooks/internal/redact"

// RequestSecrets returns the values of the secret-like properties of a
// JSON request body (secret, password, token, ...: the names the engine
// never prints), for outputs of an exchange that the engine does not make
// itself, such as a recording or a curl command, to hide wherever they
// reappear under any name.
func RequestSecrets(body []byte) []string { return redact.SecretValues(body) }
