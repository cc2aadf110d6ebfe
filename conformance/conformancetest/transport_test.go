package conformancetest_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/conformancetest"
)

const transportWebhook = `{"id":"Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMy","name":"My Awesome Webhook","targetUrl":"https://example.com/mywebhook","resource":"messages","event":"created","status":"active","created":"2015-10-18T14:26:16+00:00"}`

// transportServer serves body for every request under /v1, as JSON with a
// TrackingID.
func transportServer(t *testing.T, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// recordingTB is a testing.TB that records instead of failing.
type recordingTB struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	logs     []string
	cleanups []func()
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// tokenClient sends every request with a bearer token, as the spec's
// security requirement asks, through tr.
func tokenClient(tr http.RoundTripper) *http.Client {
	return &http.Client{Transport: withToken{tr}}
}

type withToken struct{ next http.RoundTripper }

func (w withToken) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer test-token-123456")
	return w.next.RoundTrip(r)
}

func transportGet(t *testing.T, c *http.Client, url string) []byte {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

func TestTransportConformingServer(t *testing.T) {
	t.Parallel()
	srv := transportServer(t, transportWebhook)
	tr := conformancetest.NewTransport(webexEngine(t))
	got := transportGet(t, tokenClient(tr), srv.URL+"/v1/webhooks/abc")
	assert.Equal(t, transportWebhook, string(got), "the caller gets the body")

	res := tr.Results()
	require.Len(t, res, 1)
	assert.Equal(t, "getWebhookDetails", res[0].Operation)
	assert.Equal(t, 200, res[0].Status)
	assert.Empty(t, res[0].Findings)
	assert.Empty(t, res[0].Skip)

	rec := &recordingTB{}
	tr.AssertConformant(rec)
	assert.Empty(t, rec.errors)
}

func TestTransportDeviatingServer(t *testing.T) {
	t.Parallel()
	body := strings.Replace(transportWebhook, `"messages"`, `"someNewResource"`, 1)
	body = strings.Replace(body, `"2015-10-18T14:26:16+00:00"`, `1445178376`, 1)
	srv := transportServer(t, body)
	tr := conformancetest.NewTransport(webexEngine(t))
	got := transportGet(t, tokenClient(tr), srv.URL+"/v1/webhooks/abc")
	assert.Equal(t, body, string(got))

	var rules []string
	for _, f := range tr.Findings() {
		rules = append(rules, f.Rule.ID())
	}
	assert.ElementsMatch(t, []string{"body.enum", "body.type"}, rules)

	rec := &recordingTB{}
	tr.AssertConformant(rec)
	require.Len(t, rec.errors, 1)
	msg := rec.errors[0]
	assert.Contains(t, msg, "1 of 1 exchange did not conform")
	assert.Contains(t, msg, "/v1/webhooks/abc (getWebhookDetails) → 200")
	assert.Contains(t, msg, "drift body.enum /resource")
	assert.Contains(t, msg, "error body.type /created")

	// Drift passes when only errors fail; the error still fails.
	conformancetest.Apply(tr, conformancetest.WithFailOn(conformance.SeverityError))
	rec = &recordingTB{}
	tr.AssertConformant(rec)
	require.Len(t, rec.errors, 1)
	assert.NotContains(t, rec.errors[0], "body.enum")

	tr.Reset()
	assert.Empty(t, tr.Results())
}

func TestTransportUnmatchedPathFailsUnlessIgnored(t *testing.T) {
	t.Parallel()
	srv := transportServer(t, `{"id":"me"}`)
	tr := conformancetest.NewTransport(webexEngine(t))
	transportGet(t, tokenClient(tr), srv.URL+"/v1/people/me")
	res := tr.Results()
	require.Len(t, res, 1)
	assert.True(t, res[0].Unmatched)
	require.Len(t, res[0].Findings, 1, "an undocumented path is the client's finding")
	assert.Equal(t, conformance.RuleOperationUnknown, res[0].Findings[0].Rule)
	assert.Equal(t, conformance.SideRequest, res[0].Findings[0].Side)
	rec := &recordingTB{}
	tr.AssertConformant(rec)
	require.Len(t, rec.errors, 1, "nothing checked the exchange: no pass")
	assert.Contains(t, rec.errors[0], "1 of 1 exchange did not conform")
	assert.Contains(t, rec.errors[0], "GET "+srv.URL+"/v1/people/me () → 200")
	assert.Contains(t, rec.errors[0], "operation.unknown")

	for _, ignore := range [][]string{{"/v1/people/me"}, {"/v1/people/"}} {
		tr := conformancetest.NewTransport(webexEngine(t), conformancetest.WithIgnorePaths(ignore...))
		transportGet(t, tokenClient(tr), srv.URL+"/v1/people/me")
		rec = &recordingTB{}
		tr.AssertConformant(rec)
		assert.Empty(t, rec.errors, "%v opts the path out", ignore)
		require.Len(t, rec.logs, 1)
		assert.Contains(t, rec.logs[0], "not checked")
	}
	conformancetest.Apply(tr, conformancetest.WithIgnorePaths("/v1/people"))
	rec = &recordingTB{}
	tr.AssertConformant(rec)
	assert.Len(t, rec.errors, 1, "without a trailing slash an entry is one path only")
}

func TestTransportSuggestsTheBasePath(t *testing.T) {
	t.Parallel()
	srv := transportServer(t, `{"items":[]}`)
	rec := &recordingTB{}
	tr := conformancetest.NewTestTransport(rec, webexEngine(t))
	transportGet(t, &http.Client{Transport: tr}, srv.URL+"/webhooks") // a base URL without /v1
	require.Len(t, rec.cleanups, 1)
	rec.cleanups[0]()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "no documented path matches the request (did you mean /v1/webhooks? the spec's paths are under /v1")

	transportGet(t, &http.Client{Transport: tr}, srv.URL+"/elsewhere")
	require.Len(t, tr.Results()[1].Findings, 1)
	assert.Equal(t, "no documented path matches the request (the spec's paths are under /v1)", tr.Results()[1].Findings[0].Message)
}

func TestTransportBodyOverTheCapIsDeliveredWhole(t *testing.T) {
	t.Parallel()
	body := `{"name":"` + strings.Repeat("x", 5000) + `"}`
	srv := transportServer(t, body)
	eng, err := conformance.New(api.Spec, conformance.WithMaxBodyBytes(1024))
	require.NoError(t, err)
	tr := conformancetest.NewTransport(eng)
	got := transportGet(t, tokenClient(tr), srv.URL+"/v1/webhooks/abc")
	assert.Equal(t, body, string(got))
	fs := tr.Findings()
	require.NotEmpty(t, fs)
	assert.Equal(t, conformance.RuleBodyLimit, fs[0].Rule)
}

func TestTransportBrokenBodyIsPassedOnAndSkipped(t *testing.T) {
	t.Parallel()
	// A server that promises more than it sends, then hangs up.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			c.Read(buf)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTrackingID: x\r\nContent-Length: 500\r\n\r\n{\"id\":")
			c.Close()
		}
	}()
	tr := conformancetest.NewTransport(webexEngine(t))
	resp, err := tokenClient(tr).Get("http://" + ln.Addr().String() + "/v1/webhooks/abc")
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, `{"id":`, string(b), "the caller sees what arrived")
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "and the same error")
	res := tr.Results()
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Skip, "could not be read")
	assert.Empty(t, res[0].Findings, "a network failure is not a spec violation")
}

type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

func TestTransportBaseErrorIsReturned(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection refused")
	tr := conformancetest.NewTransport(webexEngine(t), conformancetest.WithBase(failingTransport{boom}))
	_, err := tokenClient(tr).Get("http://127.0.0.1:1/v1/webhooks?max=0")
	require.ErrorIs(t, err, boom)
	res := tr.Results()
	require.Len(t, res, 1, "the request was judged before it was sent")
	assert.Zero(t, res[0].Status)
	assert.Contains(t, res[0].Skip, "no response: connection refused")
	require.Len(t, res[0].Findings, 1)
	assert.Equal(t, conformance.RuleRequestParameter, res[0].Findings[0].Rule)
	rec := &recordingTB{}
	tr.AssertConformant(rec)
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "(listWebhooks) → no response")
}

// A client that sends a bad request fails its test with the request's
// findings even though the server refused it with a conforming 400; the
// server gets the body byte for byte, rewindable (GetBody) or not.
func TestTransportJudgesRequests(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message":"resource is invalid","trackingId":"ROUTER_1"}`)
	}))
	t.Cleanup(srv.Close)
	const bad = `{"name":"n","targetUrl":"https://example.com/h","resource":"bogus","event":"created","secret":"s3cr3t-of-the-client"}`
	for name, body := range map[string]func() io.Reader{
		"rewindable": func() io.Reader { return strings.NewReader(bad) },
		"one-shot":   func() io.Reader { return io.MultiReader(strings.NewReader(bad)) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr := conformancetest.NewTransport(webexEngine(t))
			req, err := http.NewRequest("POST", srv.URL+"/v1/webhooks", body())
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			resp, err := tokenClient(tr).Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 400, resp.StatusCode)

			res := tr.Results()
			require.Len(t, res, 1)
			require.Len(t, res[0].Findings, 1, "%+v", res[0].Findings)
			f := res[0].Findings[0]
			assert.Equal(t, conformance.RuleRequestBodyEnum, f.Rule)
			assert.Equal(t, "/resource", f.Pointer)
			assert.Equal(t, conformance.SeverityError, f.Severity)

			rec := &recordingTB{}
			tr.AssertConformant(rec)
			require.Len(t, rec.errors, 1)
			assert.Contains(t, rec.errors[0], "error request.body.enum /resource")
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for _, b := range got {
		assert.Equal(t, bad, b, "the server got the body unchanged")
	}
}

// WithJudge(JudgeResponses) holds the server to the spec only: the
// client's bad request, refused with a conforming 400, fails nothing.
func TestTransportJudgesResponsesOnly(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message":"resource is invalid","trackingId":"ROUTER_1"}`)
	}))
	t.Cleanup(srv.Close)
	for sides, want := range map[conformance.Sides]int{conformance.JudgeResponses: 0, conformance.JudgeRequests: 1} {
		tr := conformancetest.NewTransport(webexEngine(t), conformancetest.WithJudge(sides))
		req, err := http.NewRequest("POST", srv.URL+"/v1/webhooks", strings.NewReader(`{"name":"n","targetUrl":"https://example.com/h","resource":"bogus","event":"created"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := tokenClient(tr).Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		res := tr.Results()
		require.Len(t, res, 1)
		assert.Len(t, res[0].Findings, want, "%v: %+v", sides, res[0].Findings)
		rec := &recordingTB{}
		tr.AssertConformant(rec)
		assert.Len(t, rec.errors, want, "%v", sides)
	}
}

// A correct request and a conforming response give no finding; a secret
// the client sent never shows in a finding, even where the response echoes
// it under another name.
func TestTransportRequestSecrets(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-of-the-client"
	echo := strings.Replace(transportWebhook, `"messages"`, `"`+secret+`"`, 1)
	srv := transportServer(t, echo)
	tr := conformancetest.NewTransport(webexEngine(t))
	body := `{"name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created","secret":"` + secret + `"}`
	req, err := http.NewRequest("POST", srv.URL+"/v1/webhooks", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := tokenClient(tr).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	fs := tr.Findings()
	require.Len(t, fs, 1)
	assert.Equal(t, conformance.RuleBodyEnum, fs[0].Rule)
	rec := &recordingTB{}
	tr.AssertConformant(rec)
	require.Len(t, rec.errors, 1)
	assert.NotContains(t, rec.errors[0], secret)
	assert.Contains(t, rec.errors[0], "[redacted]")
}

func TestTransportConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := transportServer(t, transportWebhook)
	tr := conformancetest.NewTransport(webexEngine(t))
	client := tokenClient(tr)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			resp, err := client.Get(fmt.Sprintf("%s/v1/webhooks/id%d", srv.URL, i))
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != transportWebhook {
				t.Errorf("body changed: %q", b)
			}
		})
	}
	wg.Wait()
	assert.Len(t, tr.Results(), 40)
	assert.Empty(t, tr.Findings())
	rep := tr.Report()
	assert.Equal(t, 40, rep.Summary().Passed)
	assert.Equal(t, "Webex Webhooks API", rep.Spec.Title)
}

func TestTransportRedactsSecrets(t *testing.T) {
	t.Parallel()
	const token = "dHJhbnNwb3J0LXRva2VuLWNhbmFyeQ"
	srv := transportServer(t, strings.Replace(transportWebhook, `"messages"`, `"`+token+`"`, 1))
	eng, err := conformance.New(api.Spec, conformance.WithRedactions(token))
	require.NoError(t, err)
	tr := conformancetest.NewTransport(eng)
	req, err := http.NewRequest("GET", srv.URL+"/v1/webhooks/abc?access="+token, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	rec := &recordingTB{}
	tr.AssertConformant(rec)
	require.Len(t, rec.errors, 1)
	assert.NotContains(t, rec.errors[0], token)
	assert.NotContains(t, tr.Results()[0].URL, token)
}

func TestNewTestTransportFailsAtCleanup(t *testing.T) {
	t.Parallel()
	srv := transportServer(t, `{"id":12}`)
	rec := &recordingTB{}
	tr := conformancetest.NewTestTransport(rec, webexEngine(t))
	transportGet(t, tokenClient(tr), srv.URL+"/v1/webhooks/abc")
	assert.Empty(t, rec.errors, "nothing fails before the test ends")
	require.Len(t, rec.cleanups, 1)
	rec.cleanups[0]()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "body.type")
}

func TestTransportWithoutEngine(t *testing.T) {
	t.Parallel()
	srv := transportServer(t, `{"items":[]}`)
	_, err := (&http.Client{Transport: &conformancetest.Transport{}}).Get(srv.URL + "/v1/webhooks")
	require.ErrorContains(t, err, "no Engine to judge by")
}

var webexEngineOnce = sync.OnceValues(func() (*conformance.Engine, error) { return conformance.New(api.Spec) })

// webexEngine judges by the Webex webhooks spec, the one the mock serves.
func webexEngine(t testing.TB) *conformance.Engine {
	t.Helper()
	eng, err := webexEngineOnce()
	require.NoError(t, err)
	return eng
}

// A client test puts the Transport under its http.Client; every request
// and every response is checked against the spec as the client runs (here
// the client forgot its token, and the server sent a property the spec does
// not know). In a test, prefer conformancetest.NewTestTransport(t, eng): it
// fails the test at its end, findings listed, if any exchange did not
// conform.
func ExampleTransport() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_1")
		io.WriteString(w, `{"id":"Y2lz","name":"n","targetUrl":"https://example.com/hook","resource":"messages",`+
			`"event":"created","status":"active","created":"2026-01-02T03:04:05Z","deliveryStats":{}}`)
	}))
	defer srv.Close()

	eng, err := conformance.New(api.Spec)
	if err != nil {
		panic(err)
	}
	tr := conformancetest.NewTransport(eng)
	client := &http.Client{Transport: tr}
	resp, err := client.Get(srv.URL + "/v1/webhooks/Y2lz")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	for _, f := range tr.Findings() {
		fmt.Println(f.Severity, f.Rule, f.Pointer)
	}
	// Output:
	// error request.security header:Authorization
	// drift body.undocumented /deliveryStats
}

// TestTransportBodyLimit: the Transport reads no further than the engine's
// cap plus one byte, so the finding says only that the cap was passed.
func TestTransportBodyLimit(t *testing.T) {
	t.Parallel()
	const limit = 1024
	srv := transportServer(t, `{"name":"`+strings.Repeat("x", 5000)+`"}`)
	eng, err := conformance.New(api.Spec, conformance.WithMaxBodyBytes(limit))
	require.NoError(t, err)
	tr := conformancetest.NewTransport(eng)
	transportGet(t, tokenClient(tr), srv.URL+"/v1/webhooks/abc")
	fs := tr.Findings()
	require.Len(t, fs, 1)
	assert.Equal(t, conformance.RuleBodyLimit, fs[0].Rule)
	assert.Equal(t, "more than 1024 bytes", fs[0].Actual)
}
