package conformancetest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock/mocktest"
	"github.com/webex-conformance/webhooks/webex/webextest"
)

func TestMyWebexCode(t *testing.T) {
	ts := mocktest.NewServer(t) // or any server

	// The transport fails t at the end on any finding.
	hc := &http.Client{Transport: webextest.NewTransport(t)}
	c, err := gen.NewClientWithResponses(ts.URL, gen.WithHTTPClient(hc), gen.WithBearerToken(ts.Token))
	if err != nil {
		t.Fatal(err)
	}

	// Exercise your code with c; here, one call.
	if _, err := gen.Check(c.ListWebhooksWithResponse(context.Background(), nil)); err != nil {
		t.Fatal(err)
	}
}
