package receiver_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/webex/receiver"
)

// BenchmarkJudge is the checker's cost per delivery: the envelope through
// the engine's request rules and the signature verified.
func BenchmarkJudge(b *testing.B) {
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(secret))
	if err != nil {
		b.Fatal(err)
	}
	rcv, err := receiver.New(eng, receiver.WithSecret(secret))
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(envelope)
	req := httptest.NewRequest(http.MethodPost, "/hook", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(gen.SignatureHeader, gen.Sign(secret, body))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if fs := rcv.Judge(req, body); len(fs) != 0 {
			b.Fatal(fs)
		}
	}
}

// BenchmarkJudgeBaseline is what any receiver does anyway: verify the
// signature and decode the envelope into the generated type.
func BenchmarkJudgeBaseline(b *testing.B) {
	body := []byte(envelope)
	sig := gen.Sign(secret, body)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := gen.VerifySignature(secret, body, sig); err != nil {
			b.Fatal(err)
		}
		if _, err := gen.DecodeNotification(body); err != nil {
			b.Fatal(err)
		}
	}
}
