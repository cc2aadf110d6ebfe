package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveBuffer is a stderr that the server goroutine writes while the test
// reads.
type serveBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *serveBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *serveBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var serveURLLine = regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/v1)\n`)

// startCommand runs a long-running command (serve, proxy, receive) with
// --listen on a free loopback port and args, the environment read from
// vars, until the returned stop is called. base is the first submatch of
// urlLine in its stderr; stop returns the exit code and may be called more
// than once.
func startCommand(t *testing.T, name string, run func(context.Context, *env, []string) int, urlLine *regexp.Regexp,
	vars map[string]string, args ...string) (base string, stdout, stderr *serveBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &serveBuffer{}, &serveBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, e, append([]string{"--listen", "127.0.0.1:0"}, args...)) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := urlLine.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("%s exited %d: %s", name, code, stderr.String())
		default:
		}
		require.True(t, time.Now().Before(deadline), "%s did not start: %s", name, stderr.String())
		time.Sleep(5 * time.Millisecond)
	}
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Errorf("%s did not stop after cancel", name)
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return base, stdout, stderr, stop
}

// serveStart runs `conformance serve` with args on a free loopback port and
// returns its base URL, its stderr and a stop function that returns the
// exit code.
func serveStart(t *testing.T, args ...string) (string, *serveBuffer, func() int) {
	t.Helper()
	base, _, stderr, stop := startCommand(t, "serve", cmdServe, serveURLLine, nil, args...)
	return base, stderr, stop
}

func serveDo(t *testing.T, method, url, token, body string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestServeRunsUntilCancelled(t *testing.T) {
	t.Parallel()
	base, stderr, stop := serveStart(t, "--token", "t1", "--token", "t2", "--seed", "3")
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line at start: %q", stderr)

	assert.Equal(t, 401, serveDo(t, "GET", base+"/webhooks", "", "").StatusCode)
	assert.Equal(t, 401, serveDo(t, "GET", base+"/webhooks", "other", "").StatusCode)
	created := serveDo(t, "POST", base+"/webhooks", "t2",
		`{"name":"a","targetUrl":"https://example.com/h","resource":"messages","event":"created","secret":"hush"}`)
	require.Equal(t, 200, created.StatusCode)
	assert.NotEmpty(t, created.Header.Get("TrackingID"))
	assert.Equal(t, 200, serveDo(t, "GET", base+"/webhooks", "t1", "").StatusCode)

	assert.Equal(t, exitOK, stop())
	assert.NotContains(t, stderr.String(), "hush")
	assert.NotContains(t, stderr.String(), "t2")
	_, err := http.Get(base + "/webhooks")
	assert.Error(t, err, "the listener is closed")
}

func TestServeFaults(t *testing.T) {
	t.Parallel()
	base, _, stop := serveStart(t, "--fault", "429:1:7", "--token", "any")
	r := serveDo(t, "GET", base+"/webhooks", "any", "")
	assert.Equal(t, 429, r.StatusCode)
	assert.Equal(t, "7", r.Header.Get("Retry-After"))
	assert.Equal(t, exitOK, stop())
}

func TestServeBounds(t *testing.T) {
	t.Parallel()
	base, _, stop := serveStart(t, "--max-webhooks", "1", "--page-limit", "1", "--max-body-bytes", "200", "--token", "x")
	body := `{"name":"a","targetUrl":"https://example.com/h","resource":"messages","event":"created"}`
	assert.Equal(t, 200, serveDo(t, "POST", base+"/webhooks", "x", body).StatusCode)
	assert.Equal(t, 409, serveDo(t, "POST", base+"/webhooks", "x", body).StatusCode)
	big := `{"name":"` + strings.Repeat("a", 300) + `","targetUrl":"https://example.com/h","resource":"messages","event":"created"}`
	assert.Equal(t, 400, serveDo(t, "POST", base+"/webhooks", "x", big).StatusCode)
	assert.Equal(t, exitOK, stop())
}

func TestServeBadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--fault", "429:2"}, "rate"},
		{[]string{"--fault", "nope"}, "want STATUS:RATE"},
		{[]string{"--fault", "200:0.5"}, "status 200"},
		{[]string{"--fault", "429:0.7", "--fault", "503:0.5"}, "more than 1"},
		{[]string{"--max-webhooks", "0"}, "must be 1 or more"},
		{[]string{"--listen", "256.0.0.1:1"}, "cannot listen"},
		{[]string{"--listen", "127.0.0.1:0", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
			code := cmdServe(context.Background(), e, tt.args)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr.String(), tt.want)
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
		})
	}
}

func TestServeDialAddr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"0.0.0.0:8080":   "localhost:8080",
		"[::]:80":        "localhost:80",
		"127.0.0.1:9":    "127.0.0.1:9",
		"[::1]:8443":     "[::1]:8443",
		"10.1.2.3:65535": "10.1.2.3:65535",
	} {
		a, err := net.ResolveTCPAddr("tcp", in)
		require.NoError(t, err)
		assert.Equal(t, want, serveDialAddr(a), in)
	}
}

var serveTokenLine = regexp.MustCompile(`(?m)^token: (mock-[0-9a-f]{32})$`)

func TestServeMakesOneTokenAndRunPassesWithIt(t *testing.T) {
	t.Parallel()
	base, stderr, stop := serveStart(t)
	var m []string
	require.Eventually(t, func() bool { m = serveTokenLine.FindStringSubmatch(stderr.String()); return m != nil },
		5*time.Second, 5*time.Millisecond, "the token is printed on start: %s", stderr)
	token := m[1]
	assert.Equal(t, 401, serveDo(t, "GET", base+"/webhooks", "any-other-token", "").StatusCode, "only the made-up token is accepted")
	assert.Equal(t, 200, serveDo(t, "GET", base+"/webhooks", token, "").StatusCode)

	code, stdout, errOut := runCLI(t, map[string]string{"WEBEX_TOKEN": token}, false, "--target", base, "--rate", "0", "--allow-writes")
	assert.Equal(t, exitOK, code, "%s\n%s", stdout, errOut)
	assert.Equal(t, exitOK, stop())

	_, stderr, stop = serveStart(t, "--token", "given")
	assert.NotContains(t, stderr.String(), "token:", "a given token is not printed")
	assert.Equal(t, exitOK, stop())
}

// TestBusyPortCouldNotServe: serve, receive and proxy on a port that is
// taken exit 3, "could not serve", as their help says; an address that is
// no address stays a usage error.
func TestBusyPortCouldNotServe(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { taken.Close() })
	busy := taken.Addr().String()
	for _, args := range [][]string{
		{"serve", "--listen", busy},
		{"receive", "--listen", busy},
		{"proxy", "--upstream", "http://127.0.0.1:1/v1", "--listen", busy},
		{"serve", "--listen", "127.0.0.1:0", "--metrics", busy},
		{"proxy", "--upstream", "http://127.0.0.1:1/v1", "--listen", "127.0.0.1:0", "--metrics", busy},
	} {
		code, out, errOut := cli(t, args...)
		assert.Equal(t, exitUntestable, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		assert.Regexp(t, `^conformance `+args[0]+`: (--metrics: )?cannot listen on `+regexp.QuoteMeta(busy)+`: .*address already in use\n$`, errOut, "%v", args)
	}
	for _, args := range [][]string{
		{"serve", "--listen", "256.0.0.1:1"},
		{"receive", "--listen", "no-such-host.invalid:80"},
		{"proxy", "--upstream", "http://127.0.0.1:1/v1", "--listen", "127.0.0.1:99999"},
	} {
		code, _, errOut := cli(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
}
