package mock

import (
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

// The mock's own checks answer with Webex's messages; the engine's request
// rules are the backstop that keeps every 400 following from the spec:
// whatever the engine judges an error in a request (a value nested too
// deep, a property given twice deeper down, ...) is refused too, so a client
// tested against the mock meets no request the API would refuse that the
// mock let through.
var requestEngine = sync.OnceValues(func() (*conformance.Engine, error) { return conformance.New(api.Spec) })

// refused judges the request (with its body, read already) by the spec and
// answers 400 naming each error when the engine finds one.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, tid string, body []byte) bool {
	eng, err := requestEngine()
	if err != nil {
		panic("mock: the embedded spec does not compile: " + err.Error())
	}
	findings := eng.ValidateRequest(&conformance.Exchange{Request: conformance.RequestFromHTTP(r, body)})
	var p problems
	for _, f := range findings {
		if f.Severity != conformance.SeverityError {
			continue
		}
		msg := f.Message
		if strings.HasPrefix(f.Pointer, "/") && !strings.Contains(msg, `"`) {
			msg = strings.TrimPrefix(f.Pointer, "/") + ": " + msg
		}
		p = append(p, msg)
	}
	if len(p) == 0 {
		return false
	}
	s.badRequest(w, tid, p)
	return true
}

// hasBody says whether a request carries a body, reading at most one byte
// of one of unknown length.
func hasBody(r *http.Request) bool {
	switch {
	case r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0:
		return false
	case r.ContentLength > 0:
		return true
	}
	var b [1]byte
	n, _ := io.ReadFull(r.Body, b[:])
	return n > 0
}
