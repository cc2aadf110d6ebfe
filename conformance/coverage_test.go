package conformance

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// judgeAll validates the request and the response of each exchange into
// one collector.
func judgeAll(e *Engine, xs ...*Exchange) *CoverageReport {
	cov := e.NewCoverage()
	for _, x := range xs {
		x.Coverage = cov
		e.ValidateExchange(x)
	}
	return cov.Report()
}

func TestCoverageOnFixedTraffic(t *testing.T) {
	e := testEngine(t)
	r := judgeAll(e,
		getDetails(200, seedWebhook, jsonCT, tracking),
		getDetails(404, `{"message":"not found","trackingId":"x"}`, jsonCT, tracking),
		exchange("GET", "/v1/webhooks?max=2&ownedBy=org", 200, `{"items":[`+seedWebhook+`]}`, jsonCT, tracking),
		exchange("GET", "/v2/nothing", 200, `{}`, jsonCT),
	)
	_, err := json.Marshal(r)
	require.NoError(t, err)

	get, ok := r.Operation("getWebhookDetails")
	require.True(t, ok)
	assert.Equal(t, 2, get.Exchanges)
	assert.Equal(t, []string{"200", "404"}, get.Statuses.Judged)
	assert.Contains(t, get.Statuses.Documented, "200")
	assert.Equal(t, map[string]int{"200": 1, "404": 1}, get.Statuses.Exchanges)
	for _, resp := range get.Responses {
		want := map[string]int{"200": 1, "404": 1}[resp.Status]
		assert.Equal(t, want, resp.Exchanges, resp.Status)
		if resp.Status == "200" {
			assert.Equal(t, []string{"TrackingID"}, resp.Headers.Seen)
			assert.Equal(t, []string{"#/components/schemas/Webhook"}, resp.Body)
		}
	}

	create, ok := r.Operation("createWebhook")
	require.True(t, ok)
	assert.Zero(t, create.Exchanges)
	assert.Empty(t, create.Statuses.Judged)

	list, _ := r.Operation("listWebhooks")
	for _, p := range list.Parameters {
		switch p.Name {
		case "max", "ownedBy":
			assert.True(t, p.Exercised, p.Name)
		default:
			assert.False(t, p.Exercised, p.Name)
		}
		if p.Name == "ownedBy" {
			require.NotNil(t, p.Enum)
			assert.Equal(t, []string{"org"}, p.Enum.Seen)
		}
	}
	assert.Equal(t, 1, r.Unmatched)
	assert.Equal(t, 5, r.Totals.Operations.Documented)
	assert.Equal(t, 2, r.Totals.Operations.Judged)

	var webhook *SchemaCoverage
	for i := range r.Schemas {
		if r.Schemas[i].Schema == "#/components/schemas/Webhook" {
			webhook = &r.Schemas[i]
		}
	}
	require.NotNil(t, webhook, "the Webhook schema is listed by its component's pointer")
	assert.Contains(t, webhook.Properties.Seen, "targetUrl")
	assert.Equal(t, []string{"appId", "createdBy", "orgId"}, webhook.Properties.Unseen)
	assert.Equal(t, r.Totals.Properties.Documented, r.Totals.Properties.Judged+countUnseen(r, func(s SchemaCoverage) *Seen { return s.Properties }))
	assert.Equal(t, r.Totals.EnumValues.Documented, r.Totals.EnumValues.Judged+countUnseen(r, func(s SchemaCoverage) *Seen { return s.Enum }))
}

func countUnseen(r *CoverageReport, part func(SchemaCoverage) *Seen) int {
	n := 0
	for _, s := range r.Schemas {
		if p := part(s); p != nil {
			n += len(p.Unseen)
		}
	}
	return n
}

// Schemas the single pass leaves to the judge of whole values are covered
// too: the branch of a oneOf a value matched is marked, the other is not.
func TestCoverageSlowPath(t *testing.T) {
	e := testPetEngine(t)
	r := judgeAll(e, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","toy":{"radius":2.5}}`, jsonCT))
	props := map[string]*Seen{}
	for _, s := range r.Schemas {
		if s.Properties != nil {
			props[s.Schema] = s.Properties
		}
	}
	require.Contains(t, props, "#/components/schemas/Ball")
	assert.Equal(t, []string{"radius"}, props["#/components/schemas/Ball"].Seen)
	assert.Equal(t, []string{"length"}, props["#/components/schemas/Bone"].Unseen)
	assert.Subset(t, props["#/components/schemas/Pet"].Seen, []string{"id", "name", "toy"})
}

func TestCoverageMergeOfCollectorsAndReports(t *testing.T) {
	e := testEngine(t)
	a := getDetails(200, seedWebhook, jsonCT, tracking)
	b := exchange("GET", "/v1/webhooks?ownedBy=org", 200, `{"items":[]}`, jsonCT, tracking)
	whole := judgeAll(e, getDetails(200, seedWebhook, jsonCT, tracking), exchange("GET", "/v1/webhooks?ownedBy=org", 200, `{"items":[]}`, jsonCT, tracking))

	ca, cb := e.NewCoverage(), e.NewCoverage()
	a.Coverage, b.Coverage = ca, cb
	e.ValidateExchange(a)
	e.ValidateExchange(b)
	ra, rb := ca.Report(), cb.Report()
	ca.Merge(cb)
	assert.Equal(t, whole, ca.Report(), "collectors merge")
	ra.Merge(rb)
	assert.Equal(t, whole, ra, "reports merge")
}

func TestRequirements(t *testing.T) {
	e := testEngine(t)
	r := judgeAll(e, getDetails(404, `{"message":"not found","trackingId":"x"}`, jsonCT, tracking), getDetails(404, `{"message":"not found","trackingId":"x"}`, jsonCT, tracking))
	for _, tc := range []struct {
		in      string
		judged  bool
		missing string
	}{
		{"getWebhookDetails:200", false, "getWebhookDetails 200 was never judged (getWebhookDetails answered 404 (2 times))"},
		{"getWebhookDetails:4xx", true, ""},
		{"getWebhookDetails:2XX", false, "getWebhookDetails 2XX was never judged (getWebhookDetails answered 404 (2 times))"},
		{"getWebhookDetails", true, ""},
		{"createWebhook", false, "createWebhook was never judged (createWebhook was not reached)"},
	} {
		q, err := ParseRequirement(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.judged, r.Judged(q), tc.in)
		missing := r.Missing([]Requirement{q})
		if tc.missing == "" {
			assert.Empty(t, missing, tc.in)
		} else {
			assert.Equal(t, []string{tc.missing}, missing, tc.in)
		}
	}
	for _, bad := range []string{"", ":200", "op:20", "op:600", "op:6XX", "op:abc"} {
		_, err := ParseRequirement(bad)
		assert.Error(t, err, bad)
	}
	assert.ErrorIs(t, r.Check([]Requirement{{Operation: "nope"}}), ErrNoOperation)
}
