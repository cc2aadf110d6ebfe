// Package redact is the one place that decides what output must not show:
// literal values registered as secret (a token), the credential after
// "Bearer " or "Basic ", URL userinfo, and the value of every JSON
// property, query or form parameter, header and cookie whose name says it
// holds a credential (see IsSecretName). It also keeps lines meant for a
// person free of control characters (see Line). Findings, curl commands,
// reports, HAR recordings, logs and metrics all go through it.
//
//	line := redact.Line(redact.Text(msg, token)) // token hidden, control characters escaped
package redact
