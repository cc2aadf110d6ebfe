package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/generate"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/mock"
)

// lenience makes a faithful mock accept one kind of invalid input that the
// fixed suite never sends, by mending the request before the mock sees
// it: the mock then answers as if the input were valid.
type lenience struct {
	name string
	// op and pointer are where the generated acceptance must be found.
	op, pointer string
	mend        func(r *http.Request, body map[string]any) bool
}

var leniences = []lenience{
	{"accepts max=0", opList, "query:max", func(r *http.Request, _ map[string]any) bool {
		q := r.URL.Query()
		if q.Get("max") != "0" {
			return false
		}
		q.Set("max", "1")
		r.URL.RawQuery = q.Encode()
		return true
	}},
	{"accepts an unknown ownedBy in the list's query", opList, "query:ownedBy", func(r *http.Request, _ map[string]any) bool {
		q := r.URL.Query()
		if v, ok := q["ownedBy"]; !ok || v[0] == "org" {
			return false
		}
		q.Del("ownedBy")
		r.URL.RawQuery = q.Encode()
		return true
	}},
	{"accepts an empty name", opCreate, "/name", func(r *http.Request, b map[string]any) bool {
		if r.Method != http.MethodPost || b["name"] != "" {
			return false
		}
		b["name"] = namePrefix + "mended"
		return true
	}},
	{"accepts a secret that is no string", opCreate, "/secret", func(r *http.Request, b map[string]any) bool {
		if _, isString := b["secret"].(string); r.Method != http.MethodPost || b["secret"] == nil || isString {
			return false
		}
		delete(b, "secret")
		return true
	}},
	{"accepts an unknown ownedBy on update", opUpdate, "/ownedBy", func(r *http.Request, b map[string]any) bool {
		if v, ok := b["ownedBy"]; r.Method != http.MethodPut || !ok || v == "org" {
			return false
		}
		delete(b, "ownedBy")
		return true
	}},
	{"accepts a status other than active", opUpdate, "/status", func(r *http.Request, b map[string]any) bool {
		if v, ok := b["status"]; r.Method != http.MethodPut || !ok || v == "active" {
			return false
		}
		delete(b, "status")
		return true
	}},
}

// lenientHandler serves m, mending requests as l says.
func lenientHandler(m http.Handler, l lenience) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		if body == nil {
			body = map[string]any{}
		}
		if l.mend(r, body) && len(raw) > 0 {
			raw, _ = json.Marshal(body)
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r.ContentLength = int64(len(raw))
		m.ServeHTTP(w, r)
	})
}

func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL + mock.BasePath
}

func newMock(t *testing.T, opts ...mock.Option) (*mock.Server, string) {
	t.Helper()
	tok := mock.NewToken()
	return mock.New(append(opts, mock.WithTokens(tok))...), tok
}

func generatedCases(rep *report.Report) []report.Case {
	var out []report.Case
	for _, c := range rep.Cases {
		if strings.HasPrefix(c.Name, "generated #") {
			out = append(out, c)
		}
	}
	return out
}

func TestGeneratedAgainstMockStaysConformant(t *testing.T) {
	t.Parallel()
	m, tok := newMock(t)
	url := serve(t, m)
	rep, err := Run(context.Background(), engine(t, tok), url, WithToken(tok), WithWrites(true), WithPageSize(2), WithGenerate(400), WithSeed(11))
	require.NoError(t, err)
	gen := generatedCases(rep)
	assert.Len(t, gen, 400)
	for _, c := range rep.Cases {
		assert.Empty(t, c.Findings, "%s: %+v", c.Name, c.Findings)
	}
	require.NotNil(t, rep.Generated)
	assert.Equal(t, uint64(11), rep.Generated.Seed)
	assert.Empty(t, m.Webhooks(), "everything the run made is deleted")
	statuses := map[int]int{}
	for _, c := range gen {
		statuses[c.Status]++
	}
	for _, s := range []int{200, 204, 400, 415} {
		assert.Positive(t, statuses[s], "no generated request answered %d: %v", s, statuses)
	}
}

func TestGeneratedSameSeedSameCases(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []string {
		m, tok := newMock(t, mock.WithSeed(3))
		url := serve(t, m)
		rep, err := Run(context.Background(), engine(t, tok), url, WithToken(tok), WithWrites(true), WithGenerate(200), WithSeed(seed), WithRunID("0badcafe"))
		require.NoError(t, err)
		var out []string
		for _, c := range generatedCases(rep) {
			out = append(out, c.Name+" "+c.Method+" "+c.Path)
		}
		// The curl commands of failing cases hold the URLs; with none
		// failing, compare what was sent through the mock's store: ids.
		return out
	}
	a, b := run(5), run(5)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, run(6))
}

// recorder notes every request a handler serves.
type recorder struct {
	h    http.Handler
	seen []string
	n    atomic.Int64
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rc.seen = append(rc.seen, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type")+" "+string(body))
	rc.n.Add(1)
	rc.h.ServeHTTP(w, r)
}

func TestGeneratedSameSeedSameRequests(t *testing.T) {
	t.Parallel()
	run := func() []string {
		m, tok := newMock(t, mock.WithSeed(3))
		rc := &recorder{h: m}
		url := serve(t, rc)
		_, err := Run(context.Background(), engine(t, tok), url, WithToken(tok), WithWrites(true), WithGenerate(150), WithSeed(8), WithRunID("0badcafe"))
		require.NoError(t, err)
		// The suite's own requests carry random values (secrets, an
		// unknown id); the generated ones start after its last probe.
		for i, s := range rc.seen {
			if strings.HasPrefix(s, "PATCH ") {
				return rc.seen[i+1:]
			}
		}
		t.Fatal("the suite's last probe was not seen")
		return nil
	}
	assert.Equal(t, run(), run())
}

func TestGeneratedReadOnlyWritesNothing(t *testing.T) {
	t.Parallel()
	m, tok := newMock(t)
	// Someone's webhook, there before the run.
	ctx := context.Background()
	_, err := Run(ctx, engine(t, tok), serve(t, m), WithToken(tok), WithWrites(true))
	require.NoError(t, err)
	seed := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, mock.BasePath+"/webhooks", strings.NewReader(`{"name":"mine","targetUrl":"https://example.com/x","resource":"rooms","event":"created"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	m.ServeHTTP(seed, req)
	require.Equal(t, http.StatusOK, seed.Code)
	before := m.Webhooks()

	writes := 0
	var methods []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writes++
			methods = append(methods, r.Method+" "+r.URL.Path)
		}
		m.ServeHTTP(w, r)
	})
	rep, err := Run(ctx, engine(t, tok), serve(t, h), WithToken(tok), WithGenerate(300), WithSeed(2))
	require.NoError(t, err)
	assert.Zero(t, writes, "%v", methods)
	assert.Equal(t, before, m.Webhooks())
	gets := 0
	for _, c := range generatedCases(rep) {
		assert.Equal(t, http.MethodGet, c.Method)
		if c.Operation == opGet && c.Status == http.StatusOK {
			gets++
		}
		assert.Empty(t, c.Findings, c.Name)
	}
	assert.Positive(t, gets, "listed ids are fetched")
}

// Each lenient target passes the fixed suite and fails with generated
// requests, the acceptance named by operation, location and value; the
// run still deletes all it made.
func TestGeneratedFindsLenientTargets(t *testing.T) {
	t.Parallel()
	for _, l := range leniences {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			m, tok := newMock(t)
			url := serve(t, lenientHandler(m, l))
			fixed, err := Run(context.Background(), engine(t, tok), url, WithToken(tok), WithWrites(true), WithPageSize(2))
			require.NoError(t, err)
			fixed.Conclude(conformance.SeverityDrift)
			outcome, reason := fixed.Result()
			require.Equal(t, report.Conformant, outcome, reason)

			rep, err := Run(context.Background(), engine(t, tok), url, WithToken(tok), WithWrites(true), WithPageSize(2), WithGenerate(300), WithSeed(1))
			require.NoError(t, err)
			rep.Conclude(conformance.SeverityDrift)
			outcome, _ = rep.Result()
			assert.Equal(t, report.Nonconformant, outcome)
			var named []conformance.Finding
			for _, c := range rep.Cases {
				for _, f := range c.Findings {
					if f.Rule != generate.RuleInvalidAccepted {
						assert.Failf(t, "unexpected finding", "%s: %+v", c.Name, f)
						continue
					}
					assert.NotEmpty(t, c.Curl, c.Name)
					assert.NotContains(t, c.Curl, tok)
					named = append(named, f)
				}
			}
			require.NotEmpty(t, named)
			for _, f := range named {
				assert.Equal(t, l.op, f.Operation)
				assert.Equal(t, l.pointer, f.Pointer)
				assert.NotEmpty(t, f.Actual)
				assert.Contains(t, f.Message, "seed 1")
			}
			assert.Empty(t, rep.LeftBehind)
			assert.Empty(t, m.Webhooks())
		})
	}
}

// A target stricter than its spec refuses a valid request: the refusal is
// named, shrunk to the part it is about.
func TestGeneratedFindsStrictTarget(t *testing.T) {
	t.Parallel()
	m, tok := newMock(t)
	strict := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Query().Get("ownedBy") == "org" && r.URL.Query().Get("max") == "" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("TrackingID", "strict")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"message":"ownedBy needs max","trackingId":"strict"}`))
			return
		}
		m.ServeHTTP(w, r)
	})
	rep, err := Run(context.Background(), engine(t, tok), serve(t, strict), WithToken(tok), WithWrites(true), WithGenerate(200), WithSeed(4))
	require.NoError(t, err)
	var refused []conformance.Finding
	for _, c := range generatedCases(rep) {
		for _, f := range c.Findings {
			require.Equal(t, generate.RuleValidRefused, f.Rule, c.Name)
			refused = append(refused, f)
		}
	}
	require.NotEmpty(t, refused)
	for _, f := range refused {
		assert.Equal(t, opList, f.Operation)
		assert.Equal(t, "query:ownedBy", f.Pointer)
		assert.Contains(t, f.Message, "query ownedBy=org")
		assert.Equal(t, "400", f.Actual)
	}
}

// Interrupted while generating, the run still deletes what it made.
func TestGeneratedInterruptedCleansUp(t *testing.T) {
	t.Parallel()
	m, tok := newMock(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := func(c report.Case) {
		if strings.HasPrefix(c.Name, "generated #61:") {
			cancel()
		}
	}
	rep, err := Run(ctx, engine(t, tok), serve(t, m), WithToken(tok), WithWrites(true), WithGenerate(500), WithSeed(3), WithProgress(progress))
	require.ErrorIs(t, err, context.Canceled)
	outcome, _ := rep.Result()
	assert.Equal(t, report.Interrupted, outcome)
	assert.Less(t, len(generatedCases(rep)), 500)
	assert.Empty(t, m.Webhooks())
	assert.Empty(t, rep.LeftBehind)
}

// Rate limits are waited out as in the suite: a 429 is retried, never
// judged as a refusal.
func TestGeneratedHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	m, tok := newMock(t, mock.WithFaults(mock.MustParseFault("429:0.3")), mock.WithSeed(7))
	rep, err := Run(context.Background(), engine(t, tok), serve(t, m), WithToken(tok), WithWrites(true), WithGenerate(150), WithSeed(5), WithMaxRetryWait(time.Millisecond), WithRetries(20))
	require.NoError(t, err)
	for _, c := range rep.Cases {
		assert.Empty(t, c.Findings, c.Name)
	}
	assert.Len(t, generatedCases(rep), 150)
}
