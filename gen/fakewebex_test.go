package gen_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/webex-conformance/webhooks/gen"
)

// fakeWebex is a small in-memory Webex webhooks API under /v1, enough for
// a client's create/get/list/update/delete round trip. Every throttleEvery-th
// request (when > 0) is refused with 429, cycling through retryAfter values.
type fakeWebex struct {
	token         string
	throttleEvery int
	retryAfter    []string

	mu        sync.Mutex
	requests  int
	throttled int
	nextID    int
	hooks     map[string]gen.Webhook
	order     []string
}

func newFakeWebex(token string, throttleEvery int, retryAfter ...string) (*fakeWebex, *httptest.Server) {
	f := &fakeWebex{token: token, throttleEvery: throttleEvery, retryAfter: retryAfter, hooks: map[string]gen.Webhook{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/webhooks", f.list)
	mux.HandleFunc("POST /v1/webhooks", f.create)
	mux.HandleFunc("GET /v1/webhooks/{id}", f.get)
	mux.HandleFunc("PUT /v1/webhooks/{id}", f.update)
	mux.HandleFunc("DELETE /v1/webhooks/{id}", f.delete)
	return f, httptest.NewServer(f.gate(mux))
}

func (f *fakeWebex) counts() (requests, throttled int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.throttled
}

func (f *fakeWebex) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests++
		n := f.requests
		throttle := f.throttleEvery > 0 && n%f.throttleEvery == 0
		var retryAfter string
		if throttle {
			if len(f.retryAfter) > 0 {
				retryAfter = f.retryAfter[f.throttled%len(f.retryAfter)]
			}
			f.throttled++
		}
		f.mu.Unlock()
		w.Header().Set("TrackingID", "ROUTER_FAKE-"+strconv.Itoa(n))
		switch {
		case r.Header.Get("Authorization") != "Bearer "+f.token:
			writeError(w, http.StatusUnauthorized, "The request requires a valid access token set in the Authorization request header.")
		case throttle:
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeError(w, http.StatusTooManyRequests, "Too Many Requests")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{
		"message":    message,
		"errors":     []map[string]string{{"description": message}},
		"trackingId": w.Header().Get("TrackingID"),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeWebex) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 100
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "max must be a positive integer")
			return
		}
		limit = n
	}
	start, _ := strconv.Atoi(q.Get("cursor"))
	f.mu.Lock()
	ids := slices.Clone(f.order)
	items := make([]gen.Webhook, 0, limit)
	for _, id := range ids[min(start, len(ids)):min(start+limit, len(ids))] {
		items = append(items, f.hooks[id])
	}
	f.mu.Unlock()
	if start+limit < len(ids) {
		next := fmt.Sprintf("http://%s/v1/webhooks?max=%d&cursor=%d", r.Host, limit, start+limit)
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	writeJSON(w, http.StatusOK, gen.WebhookCollection{Items: items})
}

func (f *fakeWebex) create(w http.ResponseWriter, r *http.Request) {
	var body gen.CreateWebhookRequest
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" || body.TargetURL == "" || body.Resource == "" || body.Event == "" {
		writeError(w, http.StatusBadRequest, "name, targetUrl, resource and event are required")
		return
	}
	f.mu.Lock()
	f.nextID++
	h := gen.Webhook{
		ID: "wh-" + strconv.Itoa(f.nextID), Name: body.Name, TargetURL: body.TargetURL,
		Resource: body.Resource, Event: body.Event, Filter: body.Filter, Secret: body.Secret,
		Status:  gen.WebhookStatusActive,
		Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(f.nextID) * time.Second),
	}
	f.hooks[h.ID] = h
	f.order = append(f.order, h.ID)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, h)
}

func (f *fakeWebex) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	h, ok := f.hooks[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "The requested resource could not be found.")
		return
	}
	writeJSON(w, http.StatusOK, h)
}

func (f *fakeWebex) update(w http.ResponseWriter, r *http.Request) {
	var body gen.UpdateWebhookRequest
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" || body.TargetURL == "" {
		writeError(w, http.StatusBadRequest, "name and targetUrl are required")
		return
	}
	f.mu.Lock()
	h, ok := f.hooks[r.PathValue("id")]
	if ok {
		h.Name, h.TargetURL = body.Name, body.TargetURL
		if body.Secret != nil {
			h.Secret = body.Secret
		}
		if body.Status != nil {
			h.Status = gen.WebhookStatus(*body.Status)
		}
		f.hooks[h.ID] = h
	}
	f.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "The requested resource could not be found.")
		return
	}
	writeJSON(w, http.StatusOK, h)
}

func (f *fakeWebex) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	_, ok := f.hooks[id]
	delete(f.hooks, id)
	f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == id })
	f.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "The requested resource could not be found.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
