package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/generate"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// petStore serves testdata/pets.yaml: it refuses what the engine judges an
// error in a request (400, or 415 for the media type), except what
// lenient lets through, and keeps pets in memory.
type petStore struct {
	eng     *conformance.Engine
	lenient func(f conformance.Finding) bool
	mu      sync.Mutex
	pets    map[string]map[string]any
	next    int
	writes  int
}

func newPetStore(t *testing.T, lenient func(conformance.Finding) bool) (*petStore, string) {
	t.Helper()
	doc, err := os.ReadFile("testdata/pets.yaml")
	require.NoError(t, err)
	eng, err := conformance.New(doc)
	require.NoError(t, err)
	if lenient == nil {
		lenient = func(conformance.Finding) bool { return false }
	}
	s := &petStore{eng: eng, lenient: lenient, pets: map[string]map[string]any{}}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + "/api"
}

func (s *petStore) answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *petStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	x := &conformance.Exchange{Request: conformance.Request{Method: r.Method, URL: r.URL, Header: r.Header, Body: body}}
	op, ok := s.eng.FindOperation(r.Method, r.URL.Path)
	if !ok {
		s.answer(w, http.StatusNotFound, map[string]any{"message": "no such operation"})
		return
	}
	for _, f := range s.eng.ValidateRequest(x) {
		if f.Severity != conformance.SeverityError || s.lenient(f) {
			continue
		}
		status := http.StatusBadRequest
		if f.Rule == conformance.RuleRequestContentType {
			status = http.StatusUnsupportedMediaType
		}
		s.answer(w, status, map[string]any{"message": f.Message})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := strings.TrimPrefix(r.URL.Path, "/api/pets/")
	pet := func() map[string]any {
		var p map[string]any
		_ = json.Unmarshal(body, &p)
		if p == nil {
			p = map[string]any{}
		}
		for _, k := range []string{"name", "kind"} {
			if _, ok := p[k].(string); !ok {
				p[k] = "mended"
			}
		}
		return p
	}
	switch op.ID {
	case "listPets":
		items := []any{}
		for _, p := range s.pets {
			items = append(items, p)
		}
		s.answer(w, http.StatusOK, map[string]any{"items": items})
	case "createPet":
		s.writes++
		s.next++
		p := pet()
		p["id"] = "pet-" + strconv.Itoa(s.next)
		s.pets[p["id"].(string)] = p
		s.answer(w, http.StatusCreated, p)
	case "getPet", "updatePet", "deletePet":
		if op.ID != "getPet" {
			s.writes++
		}
		if _, ok := s.pets[id]; !ok {
			s.answer(w, http.StatusNotFound, map[string]any{"message": "no such pet"})
			return
		}
		switch op.ID {
		case "getPet":
			s.answer(w, http.StatusOK, s.pets[id])
		case "updatePet":
			p := pet()
			p["id"] = id
			s.pets[id] = p
			s.answer(w, http.StatusOK, p)
		default:
			delete(s.pets, id)
			w.WriteHeader(http.StatusNoContent)
		}
	}
}

func TestRunGenerateAnotherAPI(t *testing.T) {
	t.Parallel()
	s, url := newPetStore(t, nil)
	code, out, errOut := runCLI(t, nil, false, "--spec", "testdata/pets.yaml", "--target", url, "--allow-writes", "--rate", "0",
		"--generate", "300", "--seed", "7", "--format", "json")
	require.Equal(t, exitOK, code, errOut+out)
	rep := runJSON(t, out)
	require.NotNil(t, rep.Generated)
	assert.Equal(t, uint64(7), rep.Generated.Seed)
	ops := map[string]bool{}
	generated := 0
	for _, c := range rep.Cases {
		if strings.HasPrefix(c.Name, "generated #") {
			generated++
			ops[c.Operation] = true
		}
	}
	assert.Equal(t, 300, generated)
	assert.Len(t, ops, 5)
	assert.Positive(t, s.writes)
	assert.Empty(t, s.pets, "what the run created is deleted")
}

func TestRunGenerateAnotherAPIReadOnly(t *testing.T) {
	t.Parallel()
	s, url := newPetStore(t, nil)
	s.pets["pet-0"] = map[string]any{"id": "pet-0", "name": "Rex", "kind": "dog"}
	code, out, errOut := runCLI(t, nil, false, "--spec", "testdata/pets.yaml", "--target", url, "--rate", "0",
		"--generate", "200", "--format", "json")
	require.Equal(t, exitOK, code, errOut+out)
	assert.Zero(t, s.writes, "a read-only generated run writes nothing")
	assert.Equal(t, map[string]map[string]any{"pet-0": {"id": "pet-0", "name": "Rex", "kind": "dog"}}, s.pets)
	gets := 0
	for _, c := range runJSON(t, out).Cases {
		assert.Equal(t, http.MethodGet, c.Method, c.Name)
		if c.Operation == "getPet" && c.Status == http.StatusOK {
			gets++
		}
	}
	assert.Positive(t, gets, "the listed pet is fetched")
}

func TestRunGenerateFindsLenientAnotherAPI(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		lets           func(conformance.Finding) bool
		op, pointer    string
		valueInMessage string
	}{
		"a name over maxLength": {func(f conformance.Finding) bool {
			return f.Pointer == "/name" && strings.Contains(f.Message, "maxLength")
		}, "createPet", "/name", "maxLength 20"},
		"too many tags":          {func(f conformance.Finding) bool { return f.Pointer == "/tags" && strings.Contains(f.Message, "items") }, "createPet", "/tags", "maxItems 3"},
		"an undeclared property": {func(f conformance.Finding) bool { return f.Rule == conformance.RuleRequestBodyAdditional }, "createPet", "/unexpectedProperty", "additionalProperties: false"},
		"limit above maximum":    {func(f conformance.Finding) bool { return f.Pointer == "query:limit" }, "listPets", "query:limit", "above maximum 50"},
		"a wrong media type":     {func(f conformance.Finding) bool { return f.Rule == conformance.RuleRequestContentType }, "createPet", "header:Content-Type", "text/plain"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, url := newPetStore(t, tc.lets)
			code, out, errOut := runCLI(t, nil, false, "--spec", "testdata/pets.yaml", "--target", url, "--allow-writes", "--rate", "0",
				"--generate", "400", "--format", "json")
			require.Equal(t, exitFindings, code, errOut)
			rep := runJSON(t, out)
			assert.Equal(t, report.Nonconformant, rep.Outcome)
			found := false
			for _, c := range rep.Cases {
				for _, f := range c.Findings {
					if f.Rule != generate.RuleInvalidAccepted {
						continue
					}
					if f.Pointer == tc.pointer && (f.Operation == tc.op || tc.op == "createPet" && f.Operation == "updatePet") && strings.Contains(f.Message, tc.valueInMessage) {
						found = true
						assert.NotEmpty(t, c.Curl)
					}
				}
			}
			assert.True(t, found, "no acceptance named %s %s", tc.op, tc.pointer)
			assert.Empty(t, s.pets)
		})
	}
}

func TestRunGenerateUsage(t *testing.T) {
	t.Parallel()
	assertUsageErrors(t, map[string]string{
		"run --generate -1":      "conformance run: --generate must not be negative",
		"run --seed 3":           "conformance run: --seed needs --generate",
		"run --generate 2000000": "conformance run: --generate is at most 1000000",
	})
}
