package mock

import (
	"bytes"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/gen"
)

// BasePath is the path under which the server answers, as the spec's server
// URL https://webexapis.com/v1 has it.
const BasePath = "/v1"

const (
	collectionPath = BasePath + "/webhooks"
	itemPrefix     = collectionPath + "/"
)

// Server is a stateful, in-memory fake of the Webex webhooks API: an
// http.Handler serving the spec's five operations under /v1. It is safe for
// concurrent use.
type Server struct {
	cfg      config
	src      *source
	tracking *trackingIDs
	store    *store
	failures *failureLog
	faults   []Fault // status faults, in order
	delays   []Fault // latency faults
	tokens   map[string]string
	orgID    string
	appID    string
	// inFlight holds a slot per delivery in flight, across all emits.
	inFlight chan struct{}
}

// New returns a Server configured by opts. It panics on a fault that
// ParseFault would reject, as such a fault is a mistake in the calling code.
func New(opts ...Option) *Server {
	cfg := newConfig(opts)
	seed := uint64(cfg.seed)
	if !cfg.seeded {
		var b [8]byte
		_, _ = crand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	if cfg.deliveryClient == nil {
		cfg.deliveryClient = newDeliveryClient(&cfg.policy)
	}
	s := &Server{cfg: cfg, src: newSource(seed), store: newStore(), failures: newFailureLog(cfg.deactivateAfter, cfg.deactivateWindow),
		inFlight: make(chan struct{}, cfg.maxInFlight)}
	s.tracking = newTrackingIDs(s.src)
	s.orgID = webexID("ORGANIZATION", s.src.uuid())
	s.appID = webexID("APPLICATION", s.src.uuid())
	for _, f := range cfg.faults {
		if err := f.validate(); err != nil {
			panic("mock: fault " + f.String() + ": " + err.Error())
		}
		if f.Status == 0 {
			s.delays = append(s.delays, f)
		} else {
			s.faults = append(s.faults, f)
		}
	}
	if len(cfg.tokens) > 0 {
		s.tokens = make(map[string]string, len(cfg.tokens))
		for _, t := range cfg.tokens {
			s.tokens[t] = personID(t)
		}
	}
	return s
}

// Tokens returns the bearer tokens the server accepts, in the order
// WithTokens gave them; nil means it accepts any non-empty token.
func (s *Server) Tokens() []string { return slices.Clone(s.cfg.tokens) }

// Shared header values: assigned, never appended to.
var (
	jsonContentType = []string{"application/json"}
	allowCollection = []string{"GET, POST"}
	allowItem       = []string{"GET, PUT, DELETE"}
)

type operation int

const (
	opNone operation = iota
	opList
	opCreate
	opGet
	opUpdate
	opDelete
)

// route finds the operation of a request; the status is 404 or 405 when
// there is none.
func route(method, path string) (op operation, id string, status int) {
	if path == collectionPath {
		switch method {
		case http.MethodGet:
			return opList, "", 0
		case http.MethodPost:
			return opCreate, "", 0
		}
		return opNone, "", http.StatusMethodNotAllowed
	}
	id, ok := strings.CutPrefix(path, itemPrefix)
	if !ok || id == "" || strings.IndexByte(id, '/') >= 0 {
		return opNone, "", http.StatusNotFound
	}
	switch method {
	case http.MethodGet:
		return opGet, id, 0
	case http.MethodPut:
		return opUpdate, id, 0
	case http.MethodDelete:
		return opDelete, id, 0
	}
	return opNone, id, http.StatusMethodNotAllowed
}

// ServeHTTP answers one request as Webex would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tid := r.Header.Get("TrackingID")
	if !clientTrackingID(tid) {
		tid = s.tracking.next()
	}
	w.Header()["Trackingid"] = []string{tid}

	if r.URL.Path == EventsPath {
		// The mock's own control endpoint: no faults, no latency.
		s.serveEvents(w, r, tid)
		return
	}
	if !s.delay(r) {
		return
	}
	op, id, status := route(r.Method, r.URL.Path)
	switch status {
	case http.StatusNotFound:
		s.writeError(w, tid, http.StatusNotFound, "The requested resource could not be found.")
		return
	case http.StatusMethodNotAllowed:
		if id == "" {
			w.Header()["Allow"] = allowCollection
		} else {
			w.Header()["Allow"] = allowItem
		}
		s.writeError(w, tid, http.StatusMethodNotAllowed, "The method "+r.Method+" is not allowed on "+r.URL.Path+".")
		return
	}
	if s.fault(w, tid) {
		return
	}
	person, ok := s.authenticate(r)
	if !ok {
		s.writeError(w, tid, http.StatusUnauthorized, "The request requires a valid access token set in the Authorization request header.")
		return
	}
	if op == opList || op == opGet || op == opDelete {
		if hasBody(r) {
			s.writeError(w, tid, http.StatusBadRequest, r.Method+" takes no request body.",
				"A request body is sent to an operation that documents none.")
			return
		}
		// Get and delete need no backstop: the route admits only a
		// non-empty id, authenticate a bearer token, and the spec gives
		// them no other parameter (FuzzRequests holds the mock to it).
		// List judges its query itself first, then asks the engine.
	}
	switch op {
	case opList:
		s.list(w, r, tid, person)
	case opCreate:
		s.create(w, r, tid, person)
	case opGet:
		s.getDetails(w, tid, person, id)
	case opUpdate:
		s.update(w, r, tid, person, id)
	case opDelete:
		s.delete(w, tid, person, id)
	}
}

// delay applies the latency faults; it reports false when the client went
// away meanwhile.
func (s *Server) delay(r *http.Request) bool {
	var d time.Duration
	for _, f := range s.delays {
		if f.Rate >= 1 || s.src.float64() < f.Rate {
			d += f.Latency
		}
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// fault answers the request with a status fault when one is drawn: one draw
// per request, the faults taking their shares in order.
func (s *Server) fault(w http.ResponseWriter, tid string) bool {
	if len(s.faults) == 0 {
		return false
	}
	x := s.src.float64()
	for _, f := range s.faults {
		if x >= f.Rate {
			x -= f.Rate
			continue
		}
		msg := faultMessage(f.Status)
		if f.Status == http.StatusTooManyRequests || f.Status == http.StatusLocked {
			ra := f.retryAfterSeconds()
			w.Header()["Retry-After"] = []string{ra}
			if f.Status == http.StatusTooManyRequests {
				msg = "Too many requests have been sent; retry after " + ra + " seconds."
			}
		}
		s.writeError(w, tid, f.Status, msg)
		return true
	}
	return false
}

func faultMessage(status int) string {
	switch status {
	case http.StatusInternalServerError:
		return "An unexpected error occurred; the request was not carried out."
	case http.StatusServiceUnavailable:
		return "The service is temporarily unavailable; retry later."
	case http.StatusBadGateway:
		return "An upstream service answered badly; retry later."
	case http.StatusGatewayTimeout:
		return "An upstream service did not answer in time; retry later."
	}
	return "The request failed: " + http.StatusText(status) + " (injected fault)."
}

// authenticate returns the person id of the caller's bearer token.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") {
		return "", false
	}
	token := strings.TrimSpace(h[7:])
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	if s.tokens != nil {
		p, ok := s.tokens[token]
		return p, ok
	}
	return personID(token), true
}

func (s *Server) getDetails(w http.ResponseWriter, tid, person, id string) {
	e := s.store.get(id)
	if e == nil || !e.visibleTo(person) {
		s.notFound(w, tid, id)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = e.clen
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.body)
}

func (s *Server) notFound(w http.ResponseWriter, tid, id string) {
	s.writeError(w, tid, http.StatusNotFound, "The requested resource could not be found.", "No webhook has the id "+strconv.Quote(id)+".")
}

// readBody enforces the JSON media type and the size cap; it answers the
// request itself when it returns false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, tid string) ([]byte, bool) {
	if !isJSONMediaType(r.Header.Get("Content-Type")) {
		s.writeError(w, tid, http.StatusUnsupportedMediaType, "The request body must be sent as application/json.",
			"Content-Type "+strconv.Quote(r.Header.Get("Content-Type"))+" is not supported; use application/json.")
		return nil, false
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.writeError(w, tid, http.StatusBadRequest, "The request body is too large.",
				"The request body exceeds "+strconv.FormatInt(s.cfg.maxBodyBytes, 10)+" bytes.")
			return nil, false
		}
		s.writeError(w, tid, http.StatusBadRequest, "The request body could not be read.")
		return nil, false
	}
	return raw, true
}

func (s *Server) badRequest(w http.ResponseWriter, tid string, p problems) {
	s.writeError(w, tid, http.StatusBadRequest, strings.Join(p, "; "), p...)
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, tid, person string) {
	raw, ok := s.readBody(w, r, tid)
	if !ok {
		return
	}
	req, p := validateCreate(raw)
	if len(p) > 0 {
		s.badRequest(w, tid, p)
		return
	}
	if s.refused(w, r, tid, raw) {
		return
	}
	ownedBy := "creator"
	if req.OwnedBy != nil {
		ownedBy = string(*req.OwnedBy)
	}
	id := webexID("WEBHOOK", s.src.uuid())
	created := s.cfg.now()
	e, ok := s.store.add(s.cfg.maxWebhooks, func(seq uint64) *entry {
		return newEntry(seq, person, gen.Webhook{
			ID:        id,
			Name:      req.Name,
			TargetURL: req.TargetURL,
			Resource:  req.Resource,
			Event:     req.Event,
			Filter:    req.Filter,
			Secret:    req.Secret,
			Status:    gen.WebhookStatusActive,
			Created:   created,
			OwnedBy:   &ownedBy,
			OrgID:     &s.orgID,
			CreatedBy: &person,
			AppID:     &s.appID,
		})
	})
	if !ok {
		s.writeError(w, tid, http.StatusConflict, "The limit of stored webhooks is reached; delete some first.",
			"This server stores at most "+strconv.Itoa(s.cfg.maxWebhooks)+" webhooks.")
		return
	}
	writeJSON(w, http.StatusOK, e.body)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, tid, person, id string) {
	raw, ok := s.readBody(w, r, tid)
	if !ok {
		return
	}
	req, p := validateUpdate(raw)
	if len(p) > 0 {
		s.badRequest(w, tid, p)
		return
	}
	if s.refused(w, r, tid, raw) {
		return
	}
	e, ok := s.store.replace(id, func(old *entry) *entry {
		if !old.visibleTo(person) {
			return nil
		}
		h := old.hook
		h.Name, h.TargetURL = req.Name, req.TargetURL
		if req.Secret != nil {
			h.Secret = req.Secret
		}
		if req.OwnedBy != nil {
			o := string(*req.OwnedBy)
			h.OwnedBy = &o
		}
		if req.Status != nil {
			h.Status = gen.WebhookStatus(*req.Status)
		}
		return newEntry(old.seq, old.owner, h)
	})
	if !ok {
		s.notFound(w, tid, id)
		return
	}
	if req.Status != nil {
		s.failures.forget(id)
	}
	writeJSON(w, http.StatusOK, e.body)
}

func (s *Server) delete(w http.ResponseWriter, tid, person, id string) {
	if !s.store.remove(id, func(e *entry) bool { return e.visibleTo(person) }) {
		s.notFound(w, tid, id)
		return
	}
	s.failures.forget(id)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, tid, person string) {
	q := r.URL.Query()
	var p problems
	for _, name := range []string{"max", "ownedBy", "cursor"} {
		if len(q[name]) > 1 {
			p.addf("%s is given more than once", name)
		}
	}
	limit := s.cfg.pageLimit
	if v, ok := q["max"]; ok {
		n, err := strconv.Atoi(v[0])
		if errors.Is(err, strconv.ErrRange) && n > 0 {
			n, err = limit, nil // beyond int: above any page limit
		}
		switch {
		case err != nil || n < 1:
			p.addf("max %q is not a whole number of 1 or more", v[0])
		case n < limit:
			limit = n
		}
	}
	orgOnly := false
	if v, ok := q["ownedBy"]; ok {
		if gen.OwnedByOrg(v[0]).Valid() {
			orgOnly = true
		} else {
			p.addf("ownedBy %q is not accepted; the only value is org", v[0])
		}
	}
	var after uint64
	if v, ok := q["cursor"]; ok {
		c, err := decodeCursor(v[0])
		if err != nil {
			p.addf("cursor %q is not one this server handed out", v[0])
		}
		after = c
	}
	if len(p) > 0 {
		s.badRequest(w, tid, p)
		return
	}
	if s.refused(w, r, tid, nil) {
		return
	}
	keep := func(e *entry) bool { return e.owner == person }
	if orgOnly {
		keep = func(e *entry) bool { return e.org }
	}
	items, more := s.store.page(after, limit, keep)
	n := len(`{"items":[]}`)
	for _, e := range items {
		n += len(e.body) + 1
	}
	body := make([]byte, 0, n)
	body = append(body, `{"items":[`...)
	for i, e := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, e.body...)
	}
	body = append(body, "]}"...)
	if more {
		q.Set("cursor", encodeCursor(items[len(items)-1].seq))
		next := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
		if r.TLS != nil {
			next.Scheme = "https"
		}
		w.Header()["Link"] = []string{"<" + next.String() + `>; rel="next"`}
	}
	writeJSON(w, http.StatusOK, body)
}

// Cursors are opaque to clients: the creation sequence number of the last
// webhook of the previous page.
func encodeCursor(seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.FormatUint(seq, 10)))
}

func decodeCursor(c string) (uint64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, err
	}
	n, ok := bytes.CutPrefix(b, []byte("after:"))
	if !ok {
		return 0, errors.New("bad cursor")
	}
	return strconv.ParseUint(string(n), 10, 64)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with a Webex error body: a message, one description per
// problem (the message itself when none is given) and the tracking id.
func (s *Server) writeError(w http.ResponseWriter, tid string, status int, message string, details ...string) {
	if len(details) == 0 {
		details = []string{message}
	}
	errs := make([]gen.ErrorDetail, len(details))
	for i, d := range details {
		errs[i] = gen.ErrorDetail{Description: d}
	}
	body, err := json.Marshal(gen.Error{Message: message, Errors: &errs, TrackingID: tid})
	if err != nil {
		panic("mock: encoding an error body: " + err.Error())
	}
	writeJSON(w, status, body)
}

// Webhooks returns a snapshot of every stored webhook, of all callers, in
// creation order, for assertions in tests.
func (s *Server) Webhooks() []gen.Webhook {
	all := s.store.all()
	out := make([]gen.Webhook, len(all))
	for i, e := range all {
		out[i] = cloneWebhook(e.hook)
	}
	return out
}

// cloneWebhook copies the pointed-to fields too, so that a caller cannot
// change a stored webhook through a snapshot.
func cloneWebhook(h gen.Webhook) gen.Webhook {
	for _, p := range []**string{&h.AppID, &h.CreatedBy, &h.Filter, &h.OrgID, &h.OwnedBy, &h.Secret} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	return h
}

// Reset forgets every stored webhook, for a server shared by several tests.
// Cursors handed out before stay valid: they point past the old webhooks.
func (s *Server) Reset() {
	s.store.reset()
	s.failures.reset()
}

// Deactivate sets a webhook's status to inactive, as Webex does after
// repeated delivery failures, so that a test can exercise reactivation (an
// update with status active) without failing deliveries first. It reports
// whether the webhook exists.
func (s *Server) Deactivate(id string) bool {
	s.deactivate(id)
	return s.store.get(id) != nil
}
