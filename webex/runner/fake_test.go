package runner

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// fakeAPI is a small, correct webhooks API whose knobs each break one
// expectation of the suite. It records every request it sees.
type fakeAPI struct {
	token string

	unknownIDOK    bool // an unknown id answers 200
	pageOverflow   bool // pages hold one more item than max
	dropMax        bool // next links lose max
	dropOwnedBy    bool // next links lose ownedBy
	loop           bool // the next link of page 2 points back at page 1
	otherHost      string
	deleteNoop     bool // delete answers 204 but keeps the webhook
	updateNoop     bool // update answers 200 with the old webhook
	secretMangled  bool // the echoed secret differs
	acceptBad      bool // invalid creates are accepted
	tokenIgnored   bool // no token needed
	reflectToken   bool // error messages quote the Authorization header
	patchOK        bool // PATCH on the collection answers 200
	hideCreated    bool // the list leaves out what the suite created
	renameOnCreate bool // the stored name differs from the one sent
	deleteRefused  bool // the second delete is refused with 403 and deletes nothing
	deletes        int
	wrongID        bool // get answers with another webhook's id
	getListed404   bool // listed webhooks cannot be fetched
	pathChange     bool // next links point at another path
	create201      bool // create answers 201 (undocumented) with the webhook
	noLink         bool // full pages carry no next link
	storeRefused   bool // invalid creates are refused with 400 but stored anyway
	create500      bool // creates are stored, then answered 500
	deleteFails    bool // delete answers 500 and keeps the webhook
	refuseCreate   bool // valid creates are answered 409
	hideNew        bool // webhooks the suite created cannot be fetched
	refuseUpdate   bool // updates are answered 409
	blockCreateAt  int  // when > 0, the n-th create blocks until the request is cancelled
	onCreate       func(n int)
	mu             sync.Mutex
	hooks          map[string]map[string]any
	seq            int
	creates        int
	methods        []string
	authorizations []string
}

func newFake(token string) *fakeAPI {
	return &fakeAPI{token: token, hooks: map[string]map[string]any{}}
}

func (f *fakeAPI) start(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.hooks)
}

func (f *fakeAPI) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, h := range f.hooks {
		name, _ := h["name"].(string)
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func (f *fakeAPI) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.methods...)
}

func (f *fakeAPI) errorJSON(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if f.reflectToken {
		msg += " (you sent " + r.Header.Get("Authorization") + ")"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("TrackingID", "ROUTER_FAKE")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "trackingId": "ROUTER_FAKE", "errors": []map[string]string{{"description": msg}}})
}

func (f *fakeAPI) writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("TrackingID", "ROUTER_FAKE")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.methods = append(f.methods, r.Method)
	f.authorizations = append(f.authorizations, r.Header.Get("Authorization"))
	f.mu.Unlock()
	if !f.tokenIgnored && r.Header.Get("Authorization") != "Bearer "+f.token {
		f.errorJSON(w, r, http.StatusUnauthorized, "The request requires a valid access token.")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/webhooks")
	if !ok {
		f.errorJSON(w, r, http.StatusNotFound, "no such path")
		return
	}
	id := strings.TrimPrefix(rest, "/")
	switch {
	case id == "" && r.Method == http.MethodGet:
		f.list(w, r)
	case id == "" && r.Method == http.MethodPost:
		f.create(w, r)
	case id == "" && r.Method == http.MethodPatch && f.patchOK:
		f.writeJSON(w, map[string]any{"items": []any{}})
	case id == "":
		f.errorJSON(w, r, http.StatusMethodNotAllowed, "method not allowed")
	default:
		f.item(w, r, id)
	}
}

func (f *fakeAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	max := 100
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			f.errorJSON(w, r, http.StatusBadRequest, "bad max")
			return
		}
		max = n
	}
	start, _ := strconv.Atoi(q.Get("start"))
	f.mu.Lock()
	ids := make([]string, 0, len(f.hooks))
	for id := range f.hooks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var items []map[string]any
	n := max
	if f.pageOverflow {
		n++
	}
	for i := start; i < len(ids) && i < start+n; i++ {
		if q.Get("ownedBy") == "org" && f.hooks[ids[i]]["ownedBy"] != "org" {
			continue
		}
		if name, _ := f.hooks[ids[i]]["name"].(string); f.hideCreated && strings.HasPrefix(name, "conformance-") {
			continue
		}
		items = append(items, f.hooks[ids[i]])
	}
	more := start+max < len(ids)
	f.mu.Unlock()
	if items == nil {
		items = []map[string]any{}
	}
	if (more || (f.loop && start > 0)) && !f.noLink {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("start", strconv.Itoa(start+max))
		if f.loop && start > 0 {
			nq.Set("start", "0")
		}
		if f.dropMax {
			nq.Del("max")
		}
		if f.dropOwnedBy {
			nq.Del("ownedBy")
		}
		host := "http://" + r.Host
		if f.otherHost != "" {
			host = f.otherHost
		}
		path := "/v1/webhooks"
		if f.pathChange {
			path = "/v1/webhooks/"
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, host, path, nq.Encode()))
	}
	f.writeJSON(w, map[string]any{"items": items})
}

func (f *fakeAPI) create(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.creates++
	n := f.creates
	f.mu.Unlock()
	if f.onCreate != nil {
		f.onCreate(n)
	}
	var in map[string]any
	err := json.NewDecoder(r.Body).Decode(&in)
	if f.blockCreateAt > 0 && n == f.blockCreateAt {
		// The body is read, so the server notices the client going away.
		<-r.Context().Done()
		return
	}
	if err != nil {
		f.errorJSON(w, r, http.StatusBadRequest, "bad JSON")
		return
	}
	if !f.acceptBad {
		if msg := invalidCreate(in); msg != "" {
			if f.storeRefused {
				f.store(in)
			}
			f.errorJSON(w, r, http.StatusBadRequest, msg)
			return
		}
	}
	if f.refuseCreate {
		f.errorJSON(w, r, http.StatusConflict, "no more webhooks")
		return
	}
	h := f.store(in)
	if f.create500 {
		f.errorJSON(w, r, http.StatusInternalServerError, "something went wrong")
		return
	}
	if f.create201 {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_FAKE")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(h)
		return
	}
	f.writeJSON(w, h)
}

// invalidCreate says why a create body is refused, or "".
func invalidCreate(in map[string]any) string {
	for _, k := range []string{"name", "targetUrl", "resource", "event"} {
		if s, _ := in[k].(string); s == "" {
			return k + " is required"
		}
	}
	if u, err := url.Parse(in["targetUrl"].(string)); err != nil || u.Scheme == "" || u.Host == "" {
		return "targetUrl is not a URL"
	}
	if strings.HasPrefix(in["resource"].(string), "conformance") || strings.HasPrefix(in["event"].(string), "conformance") {
		return "unknown resource or event"
	}
	return ""
}

func (f *fakeAPI) store(in map[string]any) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	id := fmt.Sprintf("WH%04d", f.seq)
	h := map[string]any{"id": id, "status": "active", "created": time.Now().UTC().Format(time.RFC3339), "ownedBy": "creator"}
	for k, v := range in {
		h[k] = v
	}
	if f.renameOnCreate {
		h["name"] = h["name"].(string) + "-renamed"
	}
	if f.secretMangled && h["secret"] != nil {
		h["secret"] = "mangled"
	}
	f.hooks[id] = h
	return h
}

func (f *fakeAPI) item(w http.ResponseWriter, r *http.Request, id string) {
	f.mu.Lock()
	h, ok := f.hooks[id]
	f.mu.Unlock()
	if !ok && !(f.unknownIDOK && r.Method == http.MethodGet) {
		f.errorJSON(w, r, http.StatusNotFound, "The requested resource could not be found.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		if f.hideNew && !strings.HasSuffix(id, "-seed") {
			f.errorJSON(w, r, http.StatusNotFound, "The requested resource could not be found.")
			return
		}
		if f.getListed404 && strings.HasSuffix(id, "-seed") {
			f.errorJSON(w, r, http.StatusNotFound, "gone")
			return
		}
		if f.wrongID {
			h = map[string]any{"id": "other", "name": "n", "targetUrl": "https://example.com/", "resource": "rooms", "event": "created", "status": "active", "created": "2020-01-01T00:00:00Z"}
		}
		if !ok {
			h = map[string]any{"id": id, "name": "ghost", "targetUrl": "https://example.com/", "resource": "rooms", "event": "created", "status": "active", "created": "2020-01-01T00:00:00Z"}
		}
		f.writeJSON(w, h)
	case http.MethodPut:
		if f.refuseUpdate {
			f.errorJSON(w, r, http.StatusConflict, "not now")
			return
		}
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			f.errorJSON(w, r, http.StatusBadRequest, "bad JSON")
			return
		}
		f.mu.Lock()
		if !f.updateNoop {
			for k, v := range in {
				h[k] = v
			}
		}
		f.mu.Unlock()
		f.writeJSON(w, h)
	case http.MethodDelete:
		if f.deleteFails {
			f.errorJSON(w, r, http.StatusInternalServerError, "something went wrong")
			return
		}
		f.mu.Lock()
		f.deletes++
		refuse := f.deleteRefused && f.deletes == 2
		f.mu.Unlock()
		if refuse {
			f.errorJSON(w, r, http.StatusForbidden, "not allowed")
			return
		}
		if !f.deleteNoop {
			f.mu.Lock()
			delete(f.hooks, id)
			f.mu.Unlock()
		}
		w.Header().Set("TrackingID", "ROUTER_FAKE")
		w.WriteHeader(http.StatusNoContent)
	default:
		f.errorJSON(w, r, http.StatusMethodNotAllowed, "method not allowed")
	}
}

// passValidator finds nothing: it isolates the runner's own rules. It
// judges all the same, with the embedded spec, for the run's coverage.
type passValidator struct{}

var (
	specEngineOnce sync.Once
	specEngine     *conformance.Engine
)

func engineOfSpec() *conformance.Engine {
	specEngineOnce.Do(func() {
		var err error
		if specEngine, err = conformance.New(api.Spec); err != nil {
			panic(err)
		}
	})
	return specEngine
}

// passJudge judges responses as the run does, and a check drops every
// finding.
var passJudge = sync.OnceValue(func() *judgement.Judge {
	return judgement.New(engineOfSpec(), judgement.WithSides(conformance.JudgeResponses),
		judgement.WithCheck(func(conformance.Exchange, conformance.Operation, bool, []conformance.Finding) []conformance.Finding {
			return nil
		}))
})

func (passValidator) Case(x *conformance.Exchange) report.Case { return passJudge().Case(x) }
func (passValidator) Engine() *conformance.Engine              { return engineOfSpec() }
