package conformance

import (
	"net/http"
	"net/url"
	"time"
)

// Exchange is one request and its response: what every front end (run,
// validate, proxy, receive, the test transport) builds from what it saw,
// and what the engine and the judgement take.
type Exchange struct {
	Request  Request
	Response Response
	// Operation is the operationId when the caller already knows it
	// (validate --operation); empty means: find it from method and path.
	Operation string
	// Start is when the request was sent (zero: unknown), Duration how
	// long the exchange took (zero: unknown).
	Start    time.Time
	Duration time.Duration
	// Coverage, when set, is marked with what judging this exchange
	// reached of the spec (see Coverage).
	Coverage *Coverage
}

// Request is what the client sent: what the engine needs to judge the
// request (ValidateRequest) and to find the operation of its response.
type Request struct {
	Method string
	URL    *url.URL
	Header http.Header
	// Body is the request body as sent; nil or empty: none.
	Body []byte
	// Unjudged, when set, says why the request's body cannot be judged
	// (a recording that did not save it, a proxy that could not keep it
	// whole): the request gets a request.unjudged note instead.
	Unjudged string
	// Credentials says whether the record of the request holds the
	// credentials it was sent with.
	Credentials Credentials
}

// Credentials says what the record of a request tells of its credentials.
type Credentials uint8

const (
	// CredentialsAsSent: the request is as the client sent it, credential
	// headers included (their values may be redacted): the proxy, the
	// test transport, a recording this project wrote. A missing
	// credential is the client's request.security finding.
	CredentialsAsSent Credentials = iota
	// CredentialsMayBeDropped: a recording whose recorder may have dropped
	// credential headers, as browsers' sanitized HAR exports do. A missing
	// credential on a request the server accepted (a status below 400) is
	// a note that the security requirement was not judged.
	CredentialsMayBeDropped
	// CredentialsNotGiven: no credential could be given (validate
	// --operation takes none): the security requirement is not judged.
	CredentialsNotGiven
)

// Response is what the server answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Unjudged, when set, says why the response cannot be judged (no
	// response came, its body was not recorded or could not be read).
	Unjudged string
}
