package conformance_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

func ExampleEngine_Validate() {
	eng, err := conformance.New(api.Spec) // the embedded Webex webhooks spec
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse("https://webexapis.com/v1/webhooks/abc")
	findings := eng.Validate(&conformance.Exchange{
		Request: conformance.Request{Method: http.MethodGet, URL: u},
		Response: conformance.Response{
			Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}, "Trackingid": {"ROUTER_1"}},
			Body: []byte(`{"id":"abc","name":"n","targetUrl":"https://example.com/hook","resource":"someNewResource",
				"event":"created","status":"active","created":"2015-10-18T14:26:16","secret":42}`),
		},
	})
	for _, f := range findings {
		fmt.Printf("%s %s %s: %s (expected %s, got %s)\n", f.Severity, f.Rule, f.Pointer, f.Message, f.Expected, f.Actual)
	}
	// Output:
	// drift body.enum /resource: value is not one of the documented enum values (expected one of [attachmentActions, dataSources, memberships, messages, rooms, meetings, recordings, convergedRecordings, meetingParticipants, meetingTranscripts, telephony_calls, telephony_conference, telephony_mwi, uc_counters, uc_counter, serviceApp, adminBatchJobs, controlHubAlerts, videoMeshAlerts, messaging, all], got "someNewResource")
	// error body.format /created: not an RFC 3339 date-time with a time zone (expected date-time, got "2015-10-18T14:26:16")
	// error body.type /secret: expected string or null, got number (expected string or null, got [redacted])
}
