package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/gen"
)

// Defaults of notification delivery, as Webex behaves.
const (
	DefaultDeliveryTimeout     = 5 * time.Second
	DefaultDeactivateAfter     = 100             // failed deliveries ...
	DefaultDeactivateWindow    = 5 * time.Minute // ... within this window
	DefaultDeliveryConcurrency = 16              // deliveries in flight per Emit
)

// EventsPath is where the server takes events to deliver, outside BasePath
// so that it can never clash with the API.
const EventsPath = "/_mock/events"

// Event is something that happened to a Webex object, to be delivered to
// the webhooks watching it.
type Event struct {
	// Resource and Event say what happened (messages, created). Both must be
	// values the spec knows, and neither may be `all`: a webhook watches
	// all, an event happens to one resource.
	Resource gen.WebhookResource `json:"resource"`
	Event    gen.WebhookEvent    `json:"event"`
	// ActorID is who caused the event; empty means the webhook's creator.
	ActorID string `json:"actorId,omitempty"`
	// Data is the notification's data: the object's id and whatever other
	// ids it has (roomId, personId, ...). Filters are matched against it.
	// Without an "id", the server makes up a Webex-like one.
	Data map[string]any `json:"data,omitempty"`
}

// Delivery is the outcome of one POST to a webhook's targetUrl.
type Delivery struct {
	WebhookID string
	TargetURL string
	// Status is the target's answer, 0 when there was none.
	Status int
	// Err is why the delivery failed: the target could not be reached or
	// timed out, or it answered other than 2xx.
	Err      error
	Duration time.Duration
	// Deactivated tells that this failure was the one that set the
	// webhook's status to inactive.
	Deactivated bool
}

// Delivered reports whether the target took the notification: a 2xx answer.
func (d Delivery) Delivered() bool { return d.Err == nil }

type deliveryJSON struct {
	WebhookID   string  `json:"webhookId"`
	TargetURL   string  `json:"targetUrl"`
	Delivered   bool    `json:"delivered"`
	Status      int     `json:"status,omitempty"`
	Error       string  `json:"error,omitempty"`
	DurationMS  float64 `json:"durationMs"`
	Deactivated bool    `json:"deactivated,omitempty"`
}

// MarshalJSON gives a delivery as POST /_mock/events answers it: a failure
// says the policy refused it, what the target answered, or only that the
// target could not be reached (see publicError).
func (d Delivery) MarshalJSON() ([]byte, error) {
	j := deliveryJSON{
		WebhookID: d.WebhookID, TargetURL: d.TargetURL, Delivered: d.Delivered(), Status: d.Status,
		DurationMS: float64(d.Duration.Microseconds()) / 1000, Deactivated: d.Deactivated,
	}
	j.Error = publicError(d.Err)
	return json.Marshal(j)
}

// The resources and events a firehose webhook (`all`) covers, as the Webex
// webhooks guide lists them.
var (
	firehoseResources = map[gen.WebhookResource]bool{
		gen.WebhookResourceMemberships: true, gen.WebhookResourceMessages: true, gen.WebhookResourceRooms: true,
	}
	firehoseEvents = map[gen.WebhookEvent]bool{
		gen.WebhookEventCreated: true, gen.WebhookEventUpdated: true, gen.WebhookEventDeleted: true,
	}
)

func (ev *Event) validate() error {
	if !ev.Resource.Valid() || ev.Resource == gen.WebhookResourceAll {
		return fmt.Errorf("event resource %q is not one of the spec's resources (all excepted)", ev.Resource)
	}
	if !ev.Event.Valid() || ev.Event == gen.WebhookEventAll {
		return fmt.Errorf("event %q is not one of the spec's events (all excepted)", ev.Event)
	}
	if id, ok := ev.Data["id"]; ok {
		if s, isString := id.(string); !isString || s == "" {
			return errors.New("event data id must be a non-empty string")
		}
	}
	return nil
}

// matches reports whether a webhook is told about ev: its resource and event
// (directly or through the firehose) and every pair of its filter.
func (ev *Event) matches(h *gen.Webhook) bool {
	if h.Status != gen.WebhookStatusActive {
		return false
	}
	if h.Resource != ev.Resource && (h.Resource != gen.WebhookResourceAll || !firehoseResources[ev.Resource]) {
		return false
	}
	if h.Event != ev.Event && (h.Event != gen.WebhookEventAll || !firehoseEvents[ev.Event]) {
		return false
	}
	return h.Filter == nil || filterMatches(*h.Filter, ev.Data)
}

// filterMatches applies a Webex filter, key=value pairs joined by &, with
// the values URL-encoded as in a query string (personEmail=a%40b.example):
// every pair must equal the data's value under that key.
func filterMatches(filter string, data map[string]any) bool {
	for pair := range strings.SplitSeq(filter, "&") {
		if pair == "" {
			continue
		}
		key, want, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if v, err := url.QueryUnescape(want); err == nil {
			want = v
		}
		got, ok := data[key]
		if !ok || dataString(got) != want {
			return false
		}
	}
	return true
}

// dataString is a data value as a filter writes it: strings as they are,
// numbers and booleans in their JSON form.
func dataString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// wireNotification is gen.WebhookNotification with `created` in
// milliseconds, as the API's own webhooks have it.
type wireNotification struct {
	gen.WebhookNotification
	Created string `json:"created"`
}

func (s *Server) envelope(h *gen.Webhook, ev *Event, data map[string]any) ([]byte, error) {
	actor := ev.ActorID
	if actor == "" && h.CreatedBy != nil {
		actor = *h.CreatedBy
	}
	d := gen.WebhookNotificationData{AdditionalProperties: make(map[string]any, len(data))}
	for k, v := range data {
		if k == "id" {
			d.ID, _ = v.(string)
			continue
		}
		d.AdditionalProperties[k] = v
	}
	return json.Marshal(wireNotification{
		WebhookNotification: gen.WebhookNotification{
			ID: h.ID, Name: h.Name, TargetURL: h.TargetURL,
			Resource: ev.Resource, Event: ev.Event, Filter: h.Filter,
			OrgID: deref(h.OrgID), CreatedBy: deref(h.CreatedBy), AppID: deref(h.AppID), OwnedBy: deref(h.OwnedBy),
			Status: gen.WebhookStatusActive, ActorID: actor, Data: d,
		},
		Created: h.Created.UTC().Format(createdLayout),
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Emit delivers ev to every active webhook it matches, of every caller:
// the resource and event equal the webhook's or fall under its firehose
// (`all` covers memberships, messages and rooms, and created, updated and
// deleted), and each key=value pair of the webhook's filter equals the
// value under that key in ev.Data. Each delivery is a POST of the signed
// envelope (X-Spark-Signature when the webhook has a secret), at most
// DefaultDeliveryConcurrency at once per emit and the server's bound
// (WithMaxDeliveriesInFlight) across emits, each bounded by the delivery
// timeout. The server's own client connects only where the delivery
// policy allows (never to link-local, unspecified or multicast addresses;
// see WithDeliverTo): a refused delivery fails with a
// *DeliveryRefusedError.
// Emit returns when every delivery has ended, with one Delivery per webhook
// in creation order. When ctx ends first, the deliveries still to make or
// in flight fail with its error and count against no webhook.
//
// A failed delivery counts against its webhook; the one that reaches the
// deactivation threshold within its window sets the webhook's status to
// inactive (see WithDeactivation). The error is for an event that cannot be
// delivered at all: an unknown resource or event, or a data id that is not
// a string.
func (s *Server) Emit(ctx context.Context, ev Event) ([]Delivery, error) {
	if err := ev.validate(); err != nil {
		return nil, err
	}
	data := ev.Data
	if _, ok := data["id"]; !ok {
		data = make(map[string]any, len(ev.Data)+1)
		for k, v := range ev.Data {
			data[k] = v
		}
		data["id"] = webexID(strings.ToUpper(strings.TrimSuffix(string(ev.Resource), "s")), s.src.uuid())
	}
	var targets []*entry
	for _, e := range s.store.all() {
		if ev.matches(&e.hook) {
			targets = append(targets, e)
		}
	}
	out := make([]Delivery, len(targets))
	sem := make(chan struct{}, DefaultDeliveryConcurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, e := range targets {
		body, err := s.envelope(&e.hook, &ev, data)
		if err != nil {
			return nil, fmt.Errorf("mock: encoding a notification: %w", err)
		}
		// A slot of this emit's and one of the server's: an emit waits
		// for both, or for its caller to give up.
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() == nil {
			select {
			case s.inFlight <- struct{}{}:
			case <-ctx.Done():
				<-sem
			}
		}
		if err := ctx.Err(); err != nil {
			for j := i; j < len(targets); j++ {
				out[j] = Delivery{WebhookID: targets[j].hook.ID, TargetURL: targets[j].hook.TargetURL, Err: err}
			}
			break
		}
		wg.Go(func() {
			defer func() { <-s.inFlight; <-sem }()
			out[i] = s.deliver(ctx, e, body)
		})
	}
	wg.Wait()
	return out, nil
}

// deliver POSTs one notification and counts a failure: the target's, not
// one of the caller giving up (its context done).
func (s *Server) deliver(parent context.Context, e *entry, body []byte) Delivery {
	d := Delivery{WebhookID: e.hook.ID, TargetURL: e.hook.TargetURL}
	ctx, cancel := context.WithTimeout(parent, s.cfg.deliveryTimeout)
	defer cancel()
	start := time.Now()
	d.Status, d.Err = s.post(ctx, &e.hook, body)
	d.Duration = time.Since(start)
	if d.Err != nil && parent.Err() == nil {
		d.Deactivated = s.failures.fail(e.hook.ID, s.cfg.now(), func() bool { return s.deactivate(e.hook.ID) })
	}
	return d
}

func (s *Server) post(ctx context.Context, h *gen.Webhook, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.TargetURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header["Content-Type"] = jsonContentType
	req.Header["User-Agent"] = deliveryUserAgent
	if h.Secret != nil && *h.Secret != "" {
		req.Header[gen.SignatureHeader] = []string{gen.Sign(*h.Secret, body)}
	}
	resp, err := s.cfg.deliveryClient.Do(req)
	if err != nil {
		if refused, ok := errors.AsType[*DeliveryRefusedError](err); ok {
			return 0, refused // the policy's word, unwrapped: "refused: link-local address"
		}
		return 0, err
	}
	// Read a little of the answer so that the connection can be reused; a
	// receiver's body means nothing to Webex.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, &statusError{resp.StatusCode}
	}
	return resp.StatusCode, nil
}

var deliveryUserAgent = []string{"webex-conformance-mock"}

// deactivate sets an active webhook's status to inactive; it reports false
// when the webhook is gone or inactive already.
func (s *Server) deactivate(id string) bool {
	_, changed := s.store.replace(id, func(old *entry) *entry {
		if old.hook.Status != gen.WebhookStatusActive {
			return nil
		}
		h := old.hook
		h.Status = gen.WebhookStatusInactive
		return newEntry(old.seq, old.owner, h)
	})
	return changed
}

// newDeliveryClient is a client of its own for deliveries: no proxy from the
// environment (targets are often on loopback), no redirects (a 3xx is not a
// 2xx, so a failed delivery), bounded dialing and idle connections, and
// every connection checked by the policy once the name is resolved.
func newDeliveryClient(policy *deliveryPolicy) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         policy.dialContext(&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}),
			TLSHandshakeTimeout: 5 * time.Second,
			MaxIdleConns:        64,
			MaxIdleConnsPerHost: DefaultDeliveryConcurrency,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// failureLog counts failed deliveries per webhook over a sliding window.
type failureLog struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	times  map[string][]time.Time // failure times per webhook, oldest first, at most limit
}

func newFailureLog(limit int, window time.Duration) *failureLog {
	return &failureLog{limit: limit, window: window, times: make(map[string][]time.Time)}
}

// fail records a failure at now; when it makes limit failures within the
// window it calls deactivate and forgets the webhook's failures. It reports
// whether deactivate did deactivate.
func (f *failureLog) fail(id string, now time.Time, deactivate func() bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	ts := f.times[id]
	cut := 0
	for cut < len(ts) && now.Sub(ts[cut]) >= f.window {
		cut++
	}
	ts = append(ts[cut:], now)
	if len(ts) < f.limit {
		f.times[id] = ts
		return false
	}
	delete(f.times, id)
	// Deactivating under the lock keeps a concurrent failure from counting
	// toward a fresh window before the status is inactive.
	return deactivate()
}

// count reports how many failures of a webhook lie within the window.
func (f *failureLog) count(id string, now time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, t := range f.times[id] {
		if now.Sub(t) < f.window {
			n++
		}
	}
	return n
}

func (f *failureLog) forget(id string) {
	f.mu.Lock()
	delete(f.times, id)
	f.mu.Unlock()
}

func (f *failureLog) reset() {
	f.mu.Lock()
	clear(f.times)
	f.mu.Unlock()
}

// FailedDeliveries reports how many failed deliveries of a webhook count
// toward its deactivation now: those within the window since it was last
// created, reactivated or deactivated.
func (s *Server) FailedDeliveries(id string) int { return s.failures.count(id, s.cfg.now()) }

// serveEvents answers POST /_mock/events: the event in the body delivered
// as Emit does it, the deliveries in the answer.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, tid string) {
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = allowEvents
		s.writeError(w, tid, http.StatusMethodNotAllowed, "The method "+r.Method+" is not allowed on "+EventsPath+".")
		return
	}
	if _, ok := s.authenticate(r); !ok {
		s.writeError(w, tid, http.StatusUnauthorized, "The request requires a valid access token set in the Authorization request header.")
		return
	}
	raw, ok := s.readBody(w, r, tid)
	if !ok {
		return
	}
	var ev Event
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		s.writeError(w, tid, http.StatusBadRequest, "The event is not a JSON object {resource, event, actorId, data}.",
			strings.TrimPrefix(err.Error(), "json: "))
		return
	}
	// One event, one value: anything after it but white space makes the
	// body something else than the event it starts with.
	if _, err := dec.Token(); err != io.EOF {
		s.writeError(w, tid, http.StatusBadRequest, "The event is not a JSON object {resource, event, actorId, data}.",
			"the body goes on after the event")
		return
	}
	// Deliveries are the caller's: when it goes away, those still to make
	// are not made and those in flight are cut, so that no client can
	// leave work behind.
	deliveries, err := s.Emit(r.Context(), ev)
	if err != nil {
		s.writeError(w, tid, http.StatusBadRequest, err.Error())
		return
	}
	if deliveries == nil {
		deliveries = []Delivery{}
	}
	body, err := json.Marshal(struct {
		Deliveries []Delivery `json:"deliveries"`
	}{deliveries})
	if err != nil {
		s.writeError(w, tid, http.StatusInternalServerError, "The deliveries could not be encoded.")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

var allowEvents = []string{http.MethodPost}

// ParseDeactivation reads a deactivation threshold written N/WINDOW, as
// 100/5m: N failed deliveries within WINDOW deactivate a webhook.
func ParseDeactivation(spec string) (n int, window time.Duration, err error) {
	ns, ws, ok := strings.Cut(spec, "/")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not N/WINDOW (for example 100/5m)", spec)
	}
	n, err = strconv.Atoi(ns)
	if err != nil || n < 1 {
		return 0, 0, fmt.Errorf("%q: N must be a whole number of 1 or more", spec)
	}
	window, err = time.ParseDuration(ws)
	if err != nil || window <= 0 {
		return 0, 0, fmt.Errorf("%q: WINDOW must be a positive duration such as 5m", spec)
	}
	return n, window, nil
}
