package mock

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/webex-conformance/webhooks/gen"
)

// entry is one stored webhook. Entries are immutable once stored: an update
// stores a new entry, so a reader may use one after releasing the lock.
type entry struct {
	seq   uint64 // creation order, for stable listing and cursors
	hook  gen.Webhook
	owner string   // person id of the creator
	org   bool     // ownedBy org
	body  []byte   // the webhook as JSON, encoded once
	clen  []string // its Content-Length header value
}

// wireWebhook is gen.Webhook with `created` always in milliseconds: the
// outer field wins over the embedded one in encoding/json, and every other
// field comes from the generated type.
type wireWebhook struct {
	gen.Webhook
	Created string `json:"created"`
}

const createdLayout = "2006-01-02T15:04:05.000Z"

func newEntry(seq uint64, owner string, h gen.Webhook) *entry {
	h.Created = h.Created.UTC().Truncate(1e6)
	body, err := json.Marshal(wireWebhook{Webhook: h, Created: h.Created.Format(createdLayout)})
	if err != nil {
		// Only strings and a time: encoding cannot fail.
		panic("mock: encoding a webhook: " + err.Error())
	}
	return &entry{
		seq: seq, hook: h, owner: owner, org: h.OwnedBy != nil && *h.OwnedBy == "org",
		body: body, clen: []string{strconv.Itoa(len(body))},
	}
}

func (e *entry) visibleTo(person string) bool { return e.owner == person || e.org }

type store struct {
	mu    sync.RWMutex
	byID  map[string]*entry
	order []*entry // by seq, ascending
	seq   uint64
}

func newStore() *store { return &store{byID: make(map[string]*entry)} }

func (s *store) get(id string) *entry {
	s.mu.RLock()
	e := s.byID[id]
	s.mu.RUnlock()
	return e
}

// add stores a new webhook made by build unless the store holds max already.
func (s *store) add(max int, build func(seq uint64) *entry) (*entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= max {
		return nil, false
	}
	s.seq++
	e := build(s.seq)
	s.byID[e.hook.ID] = e
	s.order = append(s.order, e)
	return e, true
}

func (s *store) index(seq uint64) int {
	return sort.Search(len(s.order), func(i int) bool { return s.order[i].seq >= seq })
}

// replace swaps in the new version of a webhook if change, given the current
// one, returns one; it reports the current entry when change declines.
func (s *store) replace(id string, change func(old *entry) *entry) (*entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.byID[id]
	if old == nil {
		return nil, false
	}
	e := change(old)
	if e == nil {
		return old, false
	}
	s.byID[id] = e
	s.order[s.index(old.seq)] = e
	return e, true
}

func (s *store) remove(id string, may func(*entry) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.byID[id]
	if e == nil || !may(e) {
		return false
	}
	delete(s.byID, id)
	i := s.index(e.seq)
	s.order = slices.Delete(s.order, i, i+1) // zeroes the freed slot
	return true
}

// page returns up to limit entries after cursor (a seq) that keep says to
// list, and whether more follow.
func (s *store) page(after uint64, limit int, keep func(*entry) bool) ([]*entry, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*entry
	for _, e := range s.order[s.index(after+1):] {
		if !keep(e) {
			continue
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, e)
	}
	return out, false
}

func (s *store) all() []*entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*entry(nil), s.order...)
}

func (s *store) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.byID)
	s.order = nil
}
