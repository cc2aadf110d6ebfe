package conformance

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Conforming responses must give no finding at all.
func TestConformingResponsesGiveNoFinding(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	list := func(items ...string) string { return `{"items":[` + strings.Join(items, ",") + `]}` }
	requiredOnly := webhook(t, map[string]any{"filter": deleteField, "secret": deleteField, "ownedBy": deleteField})
	cases := map[string]*Exchange{
		"seed example":                     getDetails(200, seedWebhook, jsonCT, tracking),
		"required only":                    getDetails(200, requiredOnly, jsonCT, tracking),
		"fractional seconds with Z":        getDetails(200, webhook(t, map[string]any{"created": "2024-03-05T09:08:07.123456Z"}), jsonCT, tracking),
		"negative offset":                  getDetails(200, webhook(t, map[string]any{"created": "2024-03-05T09:08:07-07:00"}), jsonCT, tracking),
		"filter and secret null":           getDetails(200, webhook(t, map[string]any{"filter": nil, "secret": nil}), jsonCT, tracking),
		"firehose all/all":                 getDetails(200, webhook(t, map[string]any{"resource": "all", "event": "all"}), jsonCT, tracking),
		"ownedBy creator, extra known ids": getDetails(200, webhook(t, map[string]any{"ownedBy": "creator", "orgId": "o", "createdBy": "c", "appId": "a"}), jsonCT, tracking),
		"charset utf-8":                    getDetails(200, seedWebhook, "Content-Type: application/json; charset=utf-8", tracking),
		"create answers 200":               exchange(http.MethodPost, "/v1/webhooks", 200, seedWebhook, jsonCT, tracking),
		"update answers 200":               exchange(http.MethodPut, "/v1/webhooks/abc", 200, seedWebhook, jsonCT, tracking),
		"delete 204 without body":          exchange(http.MethodDelete, "/v1/webhooks/abc", 204, "", tracking),
		"empty list":                       exchange(http.MethodGet, "/v1/webhooks", 200, `{"items":[]}`, jsonCT, tracking),
		"list with Link next": exchange(http.MethodGet, "/v1/webhooks?max=2", 200, list(seedWebhook, requiredOnly), jsonCT, tracking,
			`Link: <https://webexapis.com/v1/webhooks?max=2&cursor=Y3Vyc29y>; rel="next"`),
		"list with first and prev": exchange(http.MethodGet, "/v1/webhooks", 200, list(seedWebhook), jsonCT, tracking,
			`Link: <https://webexapis.com/v1/webhooks?max=2>; rel="first", <https://webexapis.com/v1/webhooks?max=2&before=x>; rel="prev"`),
		"error with errorCode at top":     getDetails(404, `{"message":"The requested resource could not be found.","errorCode":4040,"trackingId":"ROUTER_1"}`, jsonCT, tracking),
		"error with errors[] errorCode":   getDetails(400, `{"message":"bad","errors":[{"description":"targetUrl is invalid","errorCode":1},{"description":"name is missing"}],"trackingId":"ROUTER_1"}`, jsonCT, tracking),
		"429 with delta-seconds":          getDetails(429, `{"message":"slow down","trackingId":"ROUTER_1"}`, jsonCT, tracking, "Retry-After: 194"),
		"429 with an HTTP-date":           getDetails(429, `{"message":"slow down","trackingId":"ROUTER_1"}`, jsonCT, tracking, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT"),
		"423 without Retry-After":         getDetails(423, `{"message":"locked","trackingId":"ROUTER_1"}`, jsonCT, tracking),
		"escaped strings":                 getDetails(200, webhook(t, map[string]any{"name": "tab\there \"quoted\" \u00e9 \U0001F600 </script>", "resource": "messages"}), jsonCT, tracking),
		"whitespace everywhere":           getDetails(200, " \n\t"+strings.ReplaceAll(seedWebhook, `": `, "\"\t :\n ")+"\r\n ", jsonCT, tracking),
		"upper-case host and header case": getDetails(200, seedWebhook, "content-type: application/json", "trackingid: x"),
	}
	resources := []string{"attachmentActions", "dataSources", "memberships", "messages", "rooms", "meetings", "recordings", "convergedRecordings", "meetingParticipants", "meetingTranscripts", "telephony_calls", "telephony_conference", "telephony_mwi", "uc_counters", "uc_counter", "serviceApp", "adminBatchJobs", "controlHubAlerts", "videoMeshAlerts", "messaging", "all"}
	events := []string{"created", "updated", "deleted", "started", "ended", "joined", "left", "migrated", "authorized", "deauthorized", "statusChanged", "all"}
	for _, r := range resources {
		cases["resource "+r] = getDetails(200, webhook(t, map[string]any{"resource": r}), jsonCT, tracking)
	}
	for _, ev := range events {
		cases["event "+ev] = getDetails(200, webhook(t, map[string]any{"event": ev}), jsonCT, tracking)
	}
	for _, st := range []string{"active", "inactive"} {
		cases["status "+st] = getDetails(200, webhook(t, map[string]any{"status": st}), jsonCT, tracking)
	}
	for _, status := range []int{400, 401, 403, 404, 405, 409, 410, 415, 428, 500, 502, 503, 504} {
		cases["error "+http.StatusText(status)] = getDetails(status, `{"message":"m","trackingId":"t"}`, jsonCT, tracking)
	}
	for name, x := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Empty(t, e.Validate(x))
		})
	}
}
