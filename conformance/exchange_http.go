package conformance

import "net/http"

// FromHTTP is the exchange of a net/http request and its response, with
// the bodies as the caller read them: the adapter every front end that
// sees net/http values uses (a client's transport, a proxy, a suite).
//
// It reads nothing: req.Body and resp.Body are left as they are, and
// reqBody and respBody are judged as given (nil or empty: none). A caller
// that cannot hold a whole body reads at most the engine's MaxBodyBytes
// plus one byte, so that a longer body is judged too large (body.limit)
// instead of cut into broken JSON. The request is judged as sent
// (CredentialsAsSent): its credential headers are the ones in req.Header.
// Header maps and the URL are shared with req and resp, not copied. A nil
// resp is an exchange with no response, which is not judged.
func FromHTTP(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) Exchange {
	return Exchange{Request: RequestFromHTTP(req, reqBody), Response: ResponseFromHTTP(resp, respBody)}
}

// RequestFromHTTP is the Request of req, with body as the caller read it:
// a request a client sent, or one a server received (a webhook delivery).
// See FromHTTP. A nil req is an empty Request, which is not judged.
func RequestFromHTTP(req *http.Request, body []byte) Request {
	if req == nil {
		return Request{}
	}
	return Request{Method: req.Method, URL: req.URL, Header: req.Header, Body: body}
}

// ResponseFromHTTP is the Response of resp, with body as the caller read
// it. See FromHTTP. A nil resp is a response that never came: it says so
// in Unjudged.
func ResponseFromHTTP(resp *http.Response, body []byte) Response {
	if resp == nil {
		return Response{Unjudged: "no response"}
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}
