package mock_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
	"github.com/webex-conformance/webhooks/mock"
)

const deliveryToken = "delivery-token"

// apiServer is a mock with a typed client for its API.
type apiServer struct {
	*mock.Server
	url    string
	client *gen.ClientWithResponses
}

func newAPIServer(t *testing.T, opts ...mock.Option) *apiServer {
	t.Helper()
	s := mock.New(append(opts, mock.WithTokens(deliveryToken))...)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	c, err := gen.NewClientWithResponses(hs.URL+mock.BasePath, gen.WithBearerToken(deliveryToken))
	require.NoError(t, err)
	return &apiServer{Server: s, url: hs.URL, client: c}
}

func (a *apiServer) create(t *testing.T, req gen.CreateWebhookRequest) gen.Webhook {
	t.Helper()
	if req.Name == "" {
		req.Name = "hook"
	}
	resp, err := gen.Check(a.client.CreateWebhookWithResponse(context.Background(), req))
	require.NoError(t, err)
	return *resp.JSON200
}

func (a *apiServer) status(t *testing.T, id string) gen.WebhookStatus {
	t.Helper()
	resp, err := gen.Check(a.client.GetWebhookDetailsWithResponse(context.Background(), id))
	require.NoError(t, err)
	return resp.JSON200.Status
}

func (a *apiServer) reactivate(t *testing.T, h gen.Webhook) {
	t.Helper()
	active := gen.UpdateWebhookRequestStatusActive
	_, err := gen.Check(a.client.UpdateWebhookWithResponse(context.Background(), h.ID,
		gen.UpdateWebhookRequest{Name: h.Name, TargetURL: h.TargetURL, Status: &active}))
	require.NoError(t, err)
}

func ptr[T any](v T) *T { return &v }

// statusTarget answers every delivery with status.
func statusTarget(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	t.Cleanup(srv.Close)
	return srv.URL
}

var messageCreated = mock.Event{Resource: gen.WebhookResourceMessages, Event: gen.WebhookEventCreated,
	ActorID: "actor-1", Data: map[string]any{"id": "msg-1", "roomId": "room-1", "personEmail": "ann@example.com"}}

func TestEmitDeliversSignedTypedNotification(t *testing.T) {
	t.Parallel()
	const secret = "the-secret"
	got := make(chan *gen.WebhookNotification, 1)
	var signature string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signature = r.Header.Get(gen.SignatureHeader)
		gen.NotificationHandler(secret, func(_ context.Context, n *gen.WebhookNotification) error {
			got <- n
			return nil
		}).ServeHTTP(w, r)
	}))
	defer target.Close()
	api := newAPIServer(t)
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL + "/hook", Resource: gen.WebhookResourceMessages,
		Event: gen.WebhookEventCreated, Filter: ptr("roomId=room-1"), Secret: ptr(secret)})

	ds, err := api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, h.ID, ds[0].WebhookID)
	assert.Equal(t, http.StatusNoContent, ds[0].Status)
	assert.NoError(t, ds[0].Err)
	assert.True(t, ds[0].Delivered())
	assert.Len(t, signature, 40)

	n := <-got
	assert.Equal(t, h.ID, n.ID)
	assert.Equal(t, h.Name, n.Name)
	assert.Equal(t, h.TargetURL, n.TargetURL)
	assert.Equal(t, gen.WebhookResourceMessages, n.Resource)
	assert.Equal(t, gen.WebhookEventCreated, n.Event)
	assert.Equal(t, "roomId=room-1", *n.Filter)
	assert.Equal(t, *h.OrgID, n.OrgID)
	assert.Equal(t, *h.CreatedBy, n.CreatedBy)
	assert.Equal(t, *h.AppID, n.AppID)
	assert.Equal(t, "creator", n.OwnedBy)
	assert.Equal(t, gen.WebhookStatusActive, n.Status)
	assert.True(t, h.Created.Equal(n.Created))
	assert.Equal(t, "actor-1", n.ActorID)
	assert.Equal(t, "msg-1", n.Data.ID)
	assert.Equal(t, "room-1", n.Data.AdditionalProperties["roomId"])
}

func TestEmitWithoutSecretSendsNoSignature(t *testing.T) {
	t.Parallel()
	headers := make(chan http.Header, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers <- r.Header.Clone()
		w.WriteHeader(http.StatusOK)
	}))
	defer target.Close()
	api := newAPIServer(t)
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: gen.WebhookResourceRooms, Event: gen.WebhookEventUpdated})

	ds, err := api.Emit(context.Background(), mock.Event{Resource: gen.WebhookResourceRooms, Event: gen.WebhookEventUpdated})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Delivered())
	hdr := <-headers
	assert.Empty(t, hdr.Get(gen.SignatureHeader))
	assert.Equal(t, "application/json", hdr.Get("Content-Type"))
	_ = h
}

func TestEmitMakesUpTheDataIDAndTheActor(t *testing.T) {
	t.Parallel()
	got := make(chan *gen.WebhookNotification, 1)
	target := httptest.NewServer(gen.NotificationHandler("", func(_ context.Context, n *gen.WebhookNotification) error {
		got <- n
		return nil
	}))
	defer target.Close()
	api := newAPIServer(t)
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: gen.WebhookResourceMemberships, Event: gen.WebhookEventDeleted})
	data := map[string]any{"roomId": "r"}
	_, err := api.Emit(context.Background(), mock.Event{Resource: gen.WebhookResourceMemberships, Event: gen.WebhookEventDeleted, Data: data})
	require.NoError(t, err)
	n := <-got
	assert.NotEmpty(t, n.Data.ID)
	assert.Equal(t, *h.CreatedBy, n.ActorID)
	assert.NotContains(t, data, "id", "the caller's map is left alone")
}

func TestEmitMatching(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		resource gen.WebhookResource
		event    gen.WebhookEvent
		filter   string
		ev       mock.Event
		want     bool
	}{
		{"exact", "messages", "created", "", messageCreated, true},
		{"other resource", "rooms", "created", "", messageCreated, false},
		{"other event", "messages", "deleted", "", messageCreated, false},
		{"firehose", "all", "all", "", messageCreated, true},
		{"all resources, one event", "all", "created", "", messageCreated, true},
		{"one resource, all events", "messages", "all", "", mock.Event{Resource: "messages", Event: "deleted"}, true},
		{"firehose covers memberships", "all", "all", "", mock.Event{Resource: "memberships", Event: "updated"}, true},
		{"firehose covers rooms", "all", "all", "", mock.Event{Resource: "rooms", Event: "created"}, true},
		{"firehose skips meetings", "all", "all", "", mock.Event{Resource: "meetings", Event: "created"}, false},
		{"event all skips started", "meetings", "all", "", mock.Event{Resource: "meetings", Event: "started"}, false},
		{"meetings started exactly", "meetings", "started", "", mock.Event{Resource: "meetings", Event: "started"}, true},
		{"filter matches", "messages", "created", "roomId=room-1", messageCreated, true},
		{"filter differs", "messages", "created", "roomId=room-2", messageCreated, false},
		{"filter, two pairs", "messages", "created", "roomId=room-1&personEmail=ann@example.com", messageCreated, true},
		{"filter, second pair differs", "messages", "created", "roomId=room-1&personEmail=bob@example.com", messageCreated, false},
		{"filter, url-encoded value", "messages", "created", "personEmail=ann%40example.com", messageCreated, true},
		{"filter, key absent from data", "messages", "created", "mentionedPeople=me", messageCreated, false},
		{"filter on firehose", "all", "all", "roomId=room-1", messageCreated, true},
		{"filter, number in data", "messages", "created", "count=2",
			mock.Event{Resource: "messages", Event: "created", Data: map[string]any{"count": 2}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			api := newAPIServer(t)
			req := gen.CreateWebhookRequest{TargetURL: statusTarget(t, http.StatusOK), Resource: c.resource, Event: c.event}
			if c.filter != "" {
				req.Filter = &c.filter
			}
			h := api.create(t, req)
			ds, err := api.Emit(context.Background(), c.ev)
			require.NoError(t, err)
			if !c.want {
				assert.Empty(t, ds)
				return
			}
			require.Len(t, ds, 1)
			assert.Equal(t, h.ID, ds[0].WebhookID)
			assert.True(t, ds[0].Delivered())
		})
	}
}

func TestEmitReachesEveryMatchingWebhookInCreationOrder(t *testing.T) {
	t.Parallel()
	api := newAPIServer(t)
	target := statusTarget(t, http.StatusAccepted)
	var want []string
	for i := range 5 {
		h := api.create(t, gen.CreateWebhookRequest{TargetURL: target + "/" + string(rune('a'+i)), Resource: "messages", Event: "created"})
		want = append(want, h.ID)
		api.create(t, gen.CreateWebhookRequest{TargetURL: target, Resource: "rooms", Event: "created"})
	}
	inactive := api.create(t, gen.CreateWebhookRequest{TargetURL: target, Resource: "messages", Event: "created"})
	require.True(t, api.Deactivate(inactive.ID))

	ds, err := api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	var got []string
	for _, d := range ds {
		got = append(got, d.WebhookID)
		assert.Equal(t, http.StatusAccepted, d.Status)
	}
	assert.Equal(t, want, got, "inactive and non-matching webhooks get nothing")
}

func TestEmitRefusesEventsItCannotDeliver(t *testing.T) {
	t.Parallel()
	api := newAPIServer(t)
	for name, ev := range map[string]mock.Event{
		"resource all":     {Resource: "all", Event: "created"},
		"unknown resource": {Resource: "kittens", Event: "created"},
		"no resource":      {Event: "created"},
		"event all":        {Resource: "messages", Event: "all"},
		"unknown event":    {Resource: "messages", Event: "exploded"},
		"data id a number": {Resource: "messages", Event: "created", Data: map[string]any{"id": 7}},
		"data id empty":    {Resource: "messages", Event: "created", Data: map[string]any{"id": ""}},
	} {
		_, err := api.Emit(context.Background(), ev)
		assert.Error(t, err, name)
	}
}

func TestFailedDeliveries(t *testing.T) {
	t.Parallel()
	api := newAPIServer(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	cases := map[string]string{
		"500":         statusTarget(t, http.StatusInternalServerError),
		"404":         statusTarget(t, http.StatusNotFound),
		"redirect":    statusTarget(t, http.StatusFound),
		"unreachable": closed.URL,
	}
	ids := map[string]string{}
	for name, u := range cases {
		ids[api.create(t, gen.CreateWebhookRequest{TargetURL: u, Resource: "messages", Event: "created"}).ID] = name
	}
	ds, err := api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	require.Len(t, ds, len(cases))
	for _, d := range ds {
		name := ids[d.WebhookID]
		assert.False(t, d.Delivered(), name)
		assert.Error(t, d.Err, name)
		assert.Equal(t, 1, api.FailedDeliveries(d.WebhookID), name)
		if name == "unreachable" {
			assert.Zero(t, d.Status)
		} else {
			assert.NotZero(t, d.Status, name)
		}
	}
}

func TestDeactivationAfterDefaultHundredFailuresAndReactivation(t *testing.T) {
	t.Parallel()
	api := newAPIServer(t)
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: statusTarget(t, http.StatusServiceUnavailable), Resource: "messages", Event: "created"})
	for i := 1; i < mock.DefaultDeactivateAfter; i++ {
		ds, err := api.Emit(context.Background(), messageCreated)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		require.False(t, ds[0].Deactivated, "failure %d", i)
	}
	assert.Equal(t, 99, api.FailedDeliveries(h.ID))
	assert.Equal(t, gen.WebhookStatusActive, api.status(t, h.ID))

	ds, err := api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Deactivated, "the hundredth failure deactivates")
	assert.Equal(t, gen.WebhookStatusInactive, api.status(t, h.ID))
	assert.Zero(t, api.FailedDeliveries(h.ID))

	ds, err = api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	assert.Empty(t, ds, "an inactive webhook gets nothing")

	api.reactivate(t, h)
	assert.Equal(t, gen.WebhookStatusActive, api.status(t, h.ID))
	ds, err = api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	require.Len(t, ds, 1, "delivered again once reactivated")
	assert.False(t, ds[0].Deactivated)
	assert.Equal(t, 1, api.FailedDeliveries(h.ID), "the count started afresh")
}

func TestReactivationResetsTheCount(t *testing.T) {
	t.Parallel()
	api := newAPIServer(t, mock.WithDeactivation(3, time.Hour))
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: statusTarget(t, http.StatusInternalServerError), Resource: "messages", Event: "created"})
	for range 2 {
		_, err := api.Emit(context.Background(), messageCreated)
		require.NoError(t, err)
	}
	require.Equal(t, 2, api.FailedDeliveries(h.ID))
	api.reactivate(t, h) // of an active webhook: the count still restarts
	assert.Zero(t, api.FailedDeliveries(h.ID))
	for range 2 {
		ds, err := api.Emit(context.Background(), messageCreated)
		require.NoError(t, err)
		require.False(t, ds[0].Deactivated)
	}
	ds, err := api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	assert.True(t, ds[0].Deactivated)
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestFailureWindowSlides(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	api := newAPIServer(t, mock.WithDeactivation(3, 5*time.Minute), mock.WithClock(clk.Now))
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: statusTarget(t, http.StatusInternalServerError), Resource: "messages", Event: "created"})
	emit := func() mock.Delivery {
		ds, err := api.Emit(context.Background(), messageCreated)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		return ds[0]
	}
	emit()
	emit()
	clk.Advance(5 * time.Minute) // the first two fall out of the window
	assert.Zero(t, api.FailedDeliveries(h.ID))
	assert.False(t, emit().Deactivated)
	clk.Advance(4 * time.Minute)
	assert.False(t, emit().Deactivated)
	assert.Equal(t, 2, api.FailedDeliveries(h.ID))
	clk.Advance(59 * time.Second)
	assert.True(t, emit().Deactivated, "three within five minutes")
	assert.Equal(t, gen.WebhookStatusInactive, api.status(t, h.ID))
}

func TestDeliveryTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer target.Close()
	defer close(release) // before Close, which waits for the handler
	api := newAPIServer(t, mock.WithDeliveryTimeout(50*time.Millisecond))
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: "messages", Event: "created"})
	ds, err := api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.ErrorIs(t, ds[0].Err, context.DeadlineExceeded)
	assert.Zero(t, ds[0].Status)
	assert.Equal(t, 1, api.FailedDeliveries(h.ID))
}

func TestDeliveriesDoNotBlockTheAPI(t *testing.T) {
	t.Parallel()
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		<-release
		w.WriteHeader(http.StatusOK)
	}))
	defer target.Close()
	api := newAPIServer(t)
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: "messages", Event: "created"})
	emitted := make(chan []mock.Delivery, 1)
	go func() {
		ds, _ := api.Emit(context.Background(), messageCreated)
		emitted <- ds
	}()
	<-arrived
	// With the delivery held up at the target, the API answers everything.
	assert.Equal(t, gen.WebhookStatusActive, api.status(t, h.ID))
	api.reactivate(t, h)
	other := api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: "rooms", Event: "created"})
	_, err := gen.Check(api.client.DeleteWebhookWithResponse(context.Background(), other.ID))
	require.NoError(t, err)
	close(release)
	ds := <-emitted
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Delivered())
}

func TestEmitBoundsItsConcurrency(t *testing.T) {
	t.Parallel()
	var inFlight, most atomic.Int64
	full := make(chan struct{})
	var once sync.Once
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if n == mock.DefaultDeliveryConcurrency {
			once.Do(func() { close(full) })
		}
		// Every delivery waits until the bound is reached: if Emit sent
		// fewer at once, they would all time out.
		select {
		case <-full:
		case <-r.Context().Done():
		}
	}))
	defer target.Close()
	api := newAPIServer(t, mock.WithDeliveryTimeout(10*time.Second))
	for range 3 * mock.DefaultDeliveryConcurrency {
		api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: "messages", Event: "created"})
	}
	ds, err := api.Emit(context.Background(), messageCreated)
	require.NoError(t, err)
	require.Len(t, ds, 3*mock.DefaultDeliveryConcurrency)
	for _, d := range ds {
		assert.True(t, d.Delivered(), "%v", d.Err)
	}
	assert.Equal(t, int64(mock.DefaultDeliveryConcurrency), most.Load())
}

func TestConcurrentEmits(t *testing.T) {
	t.Parallel()
	const emitters, rounds, limit = 8, 25, 50
	api := newAPIServer(t, mock.WithDeactivation(limit, time.Hour))
	good := api.create(t, gen.CreateWebhookRequest{TargetURL: statusTarget(t, http.StatusOK), Resource: "all", Event: "all", Secret: ptr("k")})
	bad := api.create(t, gen.CreateWebhookRequest{TargetURL: statusTarget(t, http.StatusInternalServerError), Resource: "messages", Event: "created"})
	var delivered, failed, deactivations atomic.Int64
	var wg sync.WaitGroup
	for range emitters {
		wg.Go(func() {
			for range rounds {
				ds, err := api.Emit(context.Background(), messageCreated)
				if !assert.NoError(t, err) {
					return
				}
				for _, d := range ds {
					switch {
					case d.WebhookID == good.ID && d.Delivered():
						delivered.Add(1)
					case d.WebhookID == bad.ID && !d.Delivered():
						failed.Add(1)
						if d.Deactivated {
							deactivations.Add(1)
						}
					default:
						t.Errorf("unexpected delivery %+v", d)
					}
				}
			}
		})
	}
	// The API keeps answering meanwhile.
	for range 20 {
		api.status(t, good.ID)
	}
	wg.Wait()
	assert.Equal(t, int64(emitters*rounds), delivered.Load())
	assert.Equal(t, int64(1), deactivations.Load(), "deactivated exactly once")
	assert.GreaterOrEqual(t, failed.Load(), int64(limit))
	assert.Equal(t, gen.WebhookStatusInactive, api.status(t, bad.ID))
}

func TestEventsEndpoint(t *testing.T) {
	t.Parallel()
	api := newAPIServer(t)
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: statusTarget(t, http.StatusNoContent), Resource: "messages", Event: "created"})
	post := func(method, body, contentType, token string) (int, http.Header, []byte) {
		req, err := http.NewRequest(method, api.url+mock.EventsPath, strings.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var raw json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&raw)
		return resp.StatusCode, resp.Header, raw
	}

	status, hdr, body := post(http.MethodPost, `{"resource":"messages","event":"created","actorId":"a","data":{"id":"m","roomId":"r"}}`, "application/json", deliveryToken)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.NotEmpty(t, hdr.Get("TrackingID"))
	var got struct {
		Deliveries []struct {
			WebhookID  string   `json:"webhookId"`
			TargetURL  string   `json:"targetUrl"`
			Delivered  bool     `json:"delivered"`
			Status     int      `json:"status"`
			Error      *string  `json:"error"`
			DurationMS *float64 `json:"durationMs"`
		} `json:"deliveries"`
	}
	require.NoError(t, json.Unmarshal(body, &got))
	require.Len(t, got.Deliveries, 1)
	d := got.Deliveries[0]
	assert.Equal(t, h.ID, d.WebhookID)
	assert.Equal(t, h.TargetURL, d.TargetURL)
	assert.True(t, d.Delivered)
	assert.Equal(t, http.StatusNoContent, d.Status)
	assert.Nil(t, d.Error)
	assert.NotNil(t, d.DurationMS)

	status, _, body = post(http.MethodPost, `{"resource":"rooms","event":"created"}`, "application/json", deliveryToken)
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"deliveries":[]}`, string(body))

	for name, c := range map[string]struct {
		method, body, contentType, token string
		want                             int
	}{
		"no token":         {http.MethodPost, `{"resource":"messages","event":"created"}`, "application/json", "", http.StatusUnauthorized},
		"wrong token":      {http.MethodPost, `{"resource":"messages","event":"created"}`, "application/json", "nope", http.StatusUnauthorized},
		"GET":              {http.MethodGet, "", "", deliveryToken, http.StatusMethodNotAllowed},
		"text body":        {http.MethodPost, `{"resource":"messages","event":"created"}`, "text/plain", deliveryToken, http.StatusUnsupportedMediaType},
		"broken json":      {http.MethodPost, `{"resource":`, "application/json", deliveryToken, http.StatusBadRequest},
		"unknown field":    {http.MethodPost, `{"resource":"messages","event":"created","colour":"red"}`, "application/json", deliveryToken, http.StatusBadRequest},
		"unknown resource": {http.MethodPost, `{"resource":"kittens","event":"created"}`, "application/json", deliveryToken, http.StatusBadRequest},
		"firehose event":   {http.MethodPost, `{"resource":"all","event":"all"}`, "application/json", deliveryToken, http.StatusBadRequest},
		"second value":     {http.MethodPost, `{"resource":"messages","event":"created"} {"resource":"rooms","event":"created"}`, "application/json", deliveryToken, http.StatusBadRequest},
		"trailing garbage": {http.MethodPost, `{"resource":"messages","event":"created"}]`, "application/json", deliveryToken, http.StatusBadRequest},
	} {
		status, _, body := post(c.method, c.body, c.contentType, c.token)
		assert.Equal(t, c.want, status, "%s: %s", name, body)
		var e gen.Error
		if assert.NoError(t, json.Unmarshal(body, &e), name) {
			assert.NotEmpty(t, e.Message, name)
		}
	}
}

// A caller that gives up does not count against the webhook: its
// deliveries fail with the caller's error, and the target is not blamed.
func TestCancelledEmitCountsNoFailure(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read to the end first: net/http notices the client going away
		// only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer target.Close()
	api := newAPIServer(t, mock.WithDeactivation(1, time.Hour))
	h := api.create(t, gen.CreateWebhookRequest{TargetURL: target.URL, Resource: "messages", Event: "created"})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	ds, err := api.Emit(ctx, messageCreated)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.ErrorIs(t, ds[0].Err, context.Canceled)
	assert.False(t, ds[0].Deactivated)
	assert.Zero(t, api.FailedDeliveries(h.ID))
	assert.Equal(t, gen.WebhookStatusActive, api.status(t, h.ID))
}
