package generate

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

func petsEngine(t testing.TB) *conformance.Engine {
	t.Helper()
	doc, err := os.ReadFile("testdata/pets.yaml")
	require.NoError(t, err)
	eng, err := conformance.New(doc)
	require.NoError(t, err)
	require.Empty(t, eng.SpecNotes())
	return eng
}

func draw(t testing.TB, eng *conformance.Engine, n int, opts ...Option) []*Request {
	t.Helper()
	g, err := New(eng, opts...)
	require.NoError(t, err)
	var out []*Request
	for range n {
		r := g.Next()
		require.NotNil(t, r)
		out = append(out, r)
	}
	return out
}

// The engine is the oracle: every valid request passes it, every invalid
// one breaks it with an error, and the defects span every kind of
// constraint the spec has.
func TestRequestsKeepOrBreakTheContract(t *testing.T) {
	t.Parallel()
	eng := petsEngine(t)
	g, err := New(eng, WithSeed(5), WithWrites(true))
	require.NoError(t, err)
	kinds := map[string]bool{}
	valid := map[string]int{}
	for range 2000 {
		r := g.Next()
		require.NotNil(t, r)
		fs := g.judged(r)
		if r.Valid {
			assert.Empty(t, fs, "%s: %s %s?%s %s", r.Name(), r.Method, r.Path, r.Query.Encode(), r.Body)
			valid[r.Operation]++
			continue
		}
		assert.True(t, g.refuses(r), r.Name())
		k := r.Defect[strings.LastIndex(r.Defect, "(")+1:]
		k = strings.TrimSuffix(strings.Fields(k)[0], ")")
		kinds[k] = true
	}
	for _, op := range []string{"listPets", "createPet", "getPet", "updatePet", "deletePet"} {
		assert.Positive(t, valid[op], op)
	}
	for _, k := range []string{"not", "required", "below", "above", "shorter", "longer", "does", "more", "fewer", "additionalProperties:", "malformed", "a", "null", "the"} {
		assert.True(t, kinds[k], "no defect of kind %q among %v", k, kinds)
	}
}

func TestEveryDocumentedLocationIsBroken(t *testing.T) {
	t.Parallel()
	rs := draw(t, petsEngine(t), 3000, WithSeed(9), WithWrites(true))
	where := map[string]bool{}
	for _, r := range rs {
		if !r.Valid {
			where[r.Operation+" "+r.Where] = true
		}
	}
	for _, w := range []string{
		"listPets query:limit", "listPets query:kind", "listPets query:tag", "listPets query:since", "listPets header:X-Request-Id",
		"createPet /name", "createPet /kind", "createPet /age", "createPet /weight", "createPet /born", "createPet /tags",
		"createPet /tags/0", "createPet /vaccinated", "createPet /owner", "createPet /owner/email", "createPet /owner/phone",
		"createPet /unexpectedProperty", "createPet body", "createPet header:Content-Type",
		"updatePet /name", "updatePet header:Content-Type",
	} {
		assert.True(t, where[w], "never broken: %s", w)
	}
}

func TestSameSeedSameRequests(t *testing.T) {
	t.Parallel()
	eng := petsEngine(t)
	text := func(rs []*Request) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name()+" "+r.Method+" "+r.Path+"?"+r.Query.Encode()+" "+string(r.Body)+" "+r.Header.Get("Content-Type"))
		}
		return out
	}
	a := text(draw(t, eng, 300, WithSeed(42), WithWrites(true)))
	b := text(draw(t, eng, 300, WithSeed(42), WithWrites(true)))
	c := text(draw(t, eng, 300, WithSeed(43), WithWrites(true)))
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
}

func TestReadOnlyDrawsOnlyReads(t *testing.T) {
	t.Parallel()
	for _, r := range draw(t, petsEngine(t), 200, WithSeed(3)) {
		assert.Equal(t, "GET", r.Method, r.Name())
	}
}

func TestKnownIDsFillPaths(t *testing.T) {
	t.Parallel()
	g, err := New(petsEngine(t), WithSeed(1), WithWrites(true))
	require.NoError(t, err)
	sawKnown := false
	for range 200 {
		r := g.Next()
		switch {
		case r.Operation == "createPet" && r.Valid:
			g.Observe(r, 201, []byte(`{"id":"pet-1","name":"a","kind":"cat"}`))
		case r.Operation == "updatePet" && r.Valid && !r.MadeUpID:
			assert.Equal(t, "/pets/pet-1", r.Path)
			sawKnown = true
		case r.Operation == "getPet" && !r.Valid:
			t.Fatalf("getPet has no invalid request: %s", r.Name())
		}
	}
	assert.True(t, sawKnown)
}

func TestValuesHook(t *testing.T) {
	t.Parallel()
	fill := func(op, where string) (any, bool) {
		switch where {
		case "/name":
			return "run-1-pet", true
		case "/owner":
			return Omit, true
		}
		return nil, false
	}
	for _, r := range draw(t, petsEngine(t), 300, WithSeed(2), WithWrites(true), WithValues(fill)) {
		if r.Valid && r.Body != nil {
			assert.Contains(t, string(r.Body), `"name":"run-1-pet"`)
			assert.NotContains(t, string(r.Body), `"owner"`)
		}
	}
}

func TestJudge(t *testing.T) {
	t.Parallel()
	g, err := New(petsEngine(t), WithSeed(1), WithWrites(true))
	require.NoError(t, err)
	var valid, invalid *Request
	for valid == nil || invalid == nil {
		r := g.Next()
		if r.Operation == "listPets" && r.Valid && valid == nil {
			valid = r
		}
		if r.Operation == "createPet" && !r.Valid && invalid == nil {
			invalid = r
		}
	}
	for _, tc := range []struct {
		r      *Request
		status int
		want   Verdict
		rule   conformance.Rule
	}{
		{valid, 200, Kept, conformance.Rule{}},
		{valid, 403, Kept, conformance.Rule{}},
		{valid, 400, Broken, RuleValidRefused},
		{valid, 422, Broken, RuleValidRefused},
		{valid, 503, NotJudged, conformance.RuleBehaviorNotJudged},
		{invalid, 400, Kept, conformance.Rule{}},
		{invalid, 404, Kept, conformance.Rule{}},
		{invalid, 201, Broken, RuleInvalidAccepted},
		{invalid, 429, NotJudged, conformance.RuleBehaviorNotJudged},
	} {
		v, f := Judge(tc.r, tc.status)
		assert.Equal(t, tc.want, v, "%s %d", tc.r.Name(), tc.status)
		if tc.rule == (conformance.Rule{}) {
			assert.Nil(t, f)
			continue
		}
		require.NotNil(t, f)
		assert.Equal(t, tc.rule, f.Rule)
		if tc.rule == RuleInvalidAccepted {
			assert.Equal(t, invalid.Where, f.Pointer)
			assert.Contains(t, f.Message, invalid.Defect)
		}
	}
}

func TestFoundDefectIsNotDrawnAgain(t *testing.T) {
	t.Parallel()
	g, err := New(petsEngine(t), WithSeed(4), WithWrites(true))
	require.NoError(t, err)
	var found *Request
	for found == nil {
		if r := g.Next(); !r.Valid && r.Where == "query:limit" {
			found = r
		}
	}
	g.Found(found)
	for range 1000 {
		r := g.Next()
		assert.False(t, r.Operation == found.Operation && r.Defect == found.Defect, r.Name())
	}
}
