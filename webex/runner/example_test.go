package runner_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/webex"
	"github.com/webex-conformance/webhooks/webex/runner"
)

// The suite against the mock; against the live API the target is
// https://webexapis.com/v1 and the token an access token.
func ExampleRun() {
	const token = "example-token"
	srv := httptest.NewServer(mock.New(mock.WithTokens(token)))
	defer srv.Close()

	eng, err := webex.NewEngine(conformance.WithRedactions(token))
	if err != nil {
		panic(err)
	}
	j := judgement.New(eng, judgement.WithSides(conformance.JudgeResponses))
	rep, err := runner.Run(context.Background(), j, srv.URL+mock.BasePath, runner.WithToken(token), runner.WithWrites(true))
	if err != nil {
		panic(err)
	}
	rep.Conclude(conformance.SeverityDrift)
	outcome, _ := rep.Result()
	fmt.Println(outcome, rep.Summary().Failed, "failed")
	// Output:
	// conformant 0 failed
}
