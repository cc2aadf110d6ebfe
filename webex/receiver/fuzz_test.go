package receiver_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/webex"
	"github.com/webex-conformance/webhooks/webex/receiver"
)

// FuzzJudge: whatever a sender POSTs, judging it never fails, never shows
// the secret, and reports notification.signature exactly when the
// signature does not verify.
func FuzzJudge(f *testing.F) {
	f.Add([]byte(envelope), gen.Sign(secret, []byte(envelope)), "application/json")
	f.Add([]byte(envelope), "", "application/json")
	f.Add([]byte(`{"id":"`+secret+`","data":[]}`), secret, "application/json; charset=utf-8")
	f.Add([]byte("\xff\xfe"), "0000000000000000000000000000000000000000", "text/plain")
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(secret))
	if err != nil {
		f.Fatal(err)
	}
	rcv, err := receiver.New(eng, receiver.WithSecret(secret))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, signature, contentType string) {
		req := httptest.NewRequest(http.MethodPost, "/hook", nil)
		req.Header.Set("Content-Type", contentType)
		if signature != "" {
			req.Header.Set(gen.SignatureHeader, signature)
		}
		signed := false
		for _, fd := range rcv.Judge(req, body) {
			if fd.Rule == conformance.RuleEngineInternal {
				t.Fatalf("engine failure: %s", fd.Message)
			}
			if strings.Contains(fd.Message+fd.Actual+fd.Expected, secret) {
				t.Fatalf("secret shown in %+v", fd)
			}
			signed = signed || fd.Rule == webex.RuleNotificationSignature
		}
		if want := gen.VerifySignature(secret, body, signature) != nil; signed != want {
			t.Fatalf("notification.signature reported %v, want %v (signature %q)", signed, want, signature)
		}
	})
}
