package h1

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logLines collects what the server logs, a line per write.
type logLines chan string

func (l logLines) Write(p []byte) (int, error) {
	l <- string(p)
	return len(p), nil
}

// start serves h on a loopback port until the test ends.
func start(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		assert.ErrorIs(t, <-done, http.ErrServerClosed)
	})
	return ln.Addr().String()
}

// exchange writes raw on a new connection and returns all the server sends
// until it closes the connection or goes quiet.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, raw)
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(500*time.Millisecond)))
	b, _ := io.ReadAll(c)
	return string(b)
}

var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "hello "+r.URL.Path)
})

func TestServerProtocol(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", writeBufferSize+10)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			_, _ = io.WriteString(w, big)
		case "/big-cl":
			w.Header().Set("Content-Length", "16394")
			_, _ = io.WriteString(w, big)
		case "/short-cl":
			w.Header().Set("Content-Length", "10")
			_, _ = io.WriteString(w, "abc")
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
			_, err := io.WriteString(w, "x")
			assert.ErrorIs(t, err, http.ErrBodyNotAllowed)
		case "/newline":
			w.Header()["X-Bad"] = []string{"a\r\nInjected: yes"}
			w.Header()["Bad Name"] = []string{"v"}
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			_, _ = w.Write(b)
		case "/ignore-body":
			_, _ = io.WriteString(w, "ignored")
		default:
			hello(w, r)
		}
	})
	addr := start(t, &Server{Handler: h, MaxHeaderBytes: 1024})
	tests := []struct {
		name string
		raw  string
		want []string // substrings, in order
		not  []string
	}{
		{"keep-alive pipelined", "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\nContent-Length: 8\r\nDate: ", "\r\n\r\nhello /a", "HTTP/1.1 200 OK\r\n", "hello /b"},
			[]string{"Connection: close"}},
		{"connection close", "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"Connection: close\r\n", "hello /a"}, []string{"hello /b"}},
		{"http/1.0", "GET /a HTTP/1.0\r\n\r\n", []string{"HTTP/1.0 200 OK\r\n", "Connection: close\r\n", "hello /a"}, nil},
		{"http/1.0 keep-alive", "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
			[]string{"Connection: keep-alive\r\n", "hello /a", "Connection: close\r\n", "hello /b"}, nil},
		{"no host", "GET /a HTTP/1.1\r\n\r\n", []string{"HTTP/1.1 400 Bad Request\r\n", "Connection: close"}, []string{"hello"}},
		{"two hosts", "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", []string{"HTTP/1.1 400 Bad Request\r\n"}, []string{"hello"}},
		{"malformed", "NOT HTTP\r\n\r\n", []string{"HTTP/1.1 400 Bad Request\r\n"}, nil},
		{"head too large", "GET /a HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("y", 2000) + "\r\n\r\n",
			[]string{"HTTP/1.1 431 Request Header Fields Too Large\r\n"}, []string{"hello"}},
		{"unknown transfer encoding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", []string{"HTTP/1.1 501 "}, nil},
		{"http/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", []string{"HTTP/1.1 505 "}, nil},
		{"chunked request body", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"Content-Length: 5\r\n", "\r\n\r\nabcde", "hello /b"}, nil},
		{"unread body drained", "POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbodyGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"ignored", "hello /b"}, nil},
		{"expect 100-continue read", "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
			[]string{"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\n", "\r\n\r\nhi"}, []string{"Connection: close"}},
		{"expect 100-continue unread", "POST /ignore-body HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
			[]string{"HTTP/1.1 200 OK\r\n", "ignored"}, []string{"100 Continue"}},
		{"other expectation", "GET /a HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", []string{"HTTP/1.1 417 "}, []string{"hello"}},
		{"large body chunked", "GET /big HTTP/1.1\r\nHost: x\r\n\r\n", []string{"Transfer-Encoding: chunked\r\n", "\r\n\r\n400a\r\nxxx", "\r\n0\r\n\r\n"}, []string{"Content-Length"}},
		{"large body with length", "GET /big-cl HTTP/1.1\r\nHost: x\r\n\r\n", []string{"Content-Length: 16394\r\n", "\r\n\r\nxxx"}, []string{"chunked"}},
		{"large body http/1.0", "GET /big HTTP/1.0\r\n\r\n", []string{"Connection: close\r\n\r\nxxx"}, []string{"chunked", "Content-Length"}},
		{"head", "HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"Content-Length: 8\r\n", "\r\n\r\nHTTP/1.1 200 OK", "hello /b"}, []string{"hello /a"}},
		{"no content", "GET /empty HTTP/1.1\r\nHost: x\r\n\r\n", []string{"HTTP/1.1 204 No Content\r\n"}, []string{"Content-Length", "x\r\n"}},
		{"header injection", "GET /newline HTTP/1.1\r\nHost: x\r\n\r\n", []string{"X-Bad: a  Injected: yes\r\n"}, []string{"\r\nInjected", "Bad Name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := exchange(t, addr, tt.raw)
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				require.GreaterOrEqual(t, i, 0, "%q not in order in %q", w, got)
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				assert.NotContains(t, got, n)
			}
		})
	}

	t.Run("short body closes", func(t *testing.T) {
		t.Parallel()
		got := exchange(t, addr, "GET /short-cl HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
		assert.Contains(t, got, "Content-Length: 10\r\n")
		assert.True(t, strings.HasSuffix(got, "abc"), got)
	})
	t.Run("long unread body closes", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		go func() {
			_, _ = io.WriteString(c, "POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
			_, _ = c.Write(make([]byte, 1000000))
		}()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		assert.True(t, resp.Close, "the connection is not kept")
	})
}

func TestServerWithClient(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	remotes := map[string]bool{}
	addr := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		remotes[r.RemoteAddr] = true
		mu.Unlock()
		assert.Equal(t, "q=1", r.URL.RawQuery)
		assert.Equal(t, "tok", r.Header.Get("Authorization"))
		assert.Empty(t, r.Header.Get("Host"), "as net/http, the host is in r.Host")
		assert.NotEmpty(t, r.Host)
		hello(w, r)
	})})
	client := &http.Client{Transport: &http.Transport{}}
	for range 5 {
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/p?q=1", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "tok")
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, "hello /p", string(b))
		assert.NotEmpty(t, resp.Header.Get("Date"))
	}
	assert.Len(t, remotes, 1, "one kept-alive connection")
}

func TestServerFlushStreams(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	addr := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		_, _ = io.WriteString(w, "second\n")
	})})
	resp, err := http.Get("http://" + addr + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)
	rd := bufio.NewReader(resp.Body)
	line, err := rd.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "first\n", line)
	close(release)
	rest, err := io.ReadAll(rd)
	require.NoError(t, err)
	assert.Equal(t, "second\n", string(rest))
}

func TestServerPanics(t *testing.T) {
	t.Parallel()
	logs := make(logLines, 10)
	addr := start(t, &Server{ErrorLog: log.New(logs, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
		panic("boom")
	})})
	assert.Empty(t, exchange(t, addr, "GET /abort HTTP/1.1\r\nHost: x\r\n\r\n"))
	assert.Empty(t, logs, "an aborted handler is not logged")
	assert.Empty(t, exchange(t, addr, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.Len(t, logs, 1)
	assert.Contains(t, <-logs, "boom")
}

func TestServerIdleTimeout(t *testing.T) {
	t.Parallel()
	addr := start(t, &Server{Handler: hello, IdleTimeout: 100 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "an idle connection is closed")
}

func TestServerShutdown(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	srv := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		hello(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()

	idle, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer idle.Close()
	_, err = io.WriteString(idle, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	idleRd := bufio.NewReader(idle)
	resp, err := http.ReadResponse(idleRd, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)

	busy, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer busy.Close()
	_, err = io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	<-entered

	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	require.NoError(t, idle.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = idleRd.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "the idle connection is closed at once")
	select {
	case <-shut:
		t.Fatal("Shutdown returned while a request was in progress")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	resp, err = http.ReadResponse(bufio.NewReader(busy), nil)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "hello /slow", string(b), "the request in progress is answered")
	assert.True(t, resp.Close)
	require.NoError(t, <-shut)
	assert.ErrorIs(t, <-served, http.ErrServerClosed)
	_, err = net.Dial("tcp", addr)
	assert.Error(t, err, "no longer listening")
	assert.ErrorIs(t, srv.Serve(ln), http.ErrServerClosed)
}

func TestServerShutdownDeadline(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	srv := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done()
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = srv.Shutdown(ctx)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = c.Read(make([]byte, 1))
	assert.Error(t, err, "the connection is closed and the request's context done")
}

func TestServerWatchesSlowRequests(t *testing.T) {
	t.Parallel()
	cancelled := make(chan error, 1)
	addr := start(t, &Server{IdleTimeout: 150 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/wait":
			select {
			case <-r.Context().Done():
				cancelled <- r.Context().Err()
			case <-time.After(5 * time.Second):
				cancelled <- nil
			}
		case "/slow":
			_, _ = io.ReadAll(r.Body)
			time.Sleep(400 * time.Millisecond) // past the watch and the idle timeout
			assert.NoError(t, r.Context().Err())
		}
		hello(w, r)
	})})

	t.Run("client gone", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, err = io.WriteString(c, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		time.Sleep(10 * time.Millisecond)
		c.Close()
		assert.ErrorIs(t, <-cancelled, context.Canceled, "the request's context ends when the client goes away")
	})
	t.Run("pipelined during a slow request", func(t *testing.T) {
		got := exchange(t, addr, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
		assert.Contains(t, got, "hello /slow")
		assert.Contains(t, got, "hello /after", "the byte the watch read starts the next request")
	})
	t.Run("slow request outlives the idle timeout", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		getEach(t, c, "/slow", "/again")
	})
}

// A body read to its end after the handler returned, as a transport may
// do, must not set off a watch on the next request's connection.
func TestServerBodyReadAfterHandler(t *testing.T) {
	t.Parallel()
	late := make(chan io.ReadCloser, 1)
	addr := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/keep" {
			late <- r.Body
			w.Header().Set("Connection", "close")
		}
		hello(w, r)
	})})
	got := exchange(t, addr, "POST /keep HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
	assert.Contains(t, got, "hello /keep")
	body := <-late

	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.ReadAll(body) // after its handler returned
	assert.ErrorIs(t, err, http.ErrBodyReadAfterClose)
	time.Sleep(2 * watchDelay)
	getEach(t, c, "/a", "/b")
}

// getEach sends a GET for each path in turn on c and checks hello's answer.
func getEach(t *testing.T, c net.Conn, paths ...string) {
	t.Helper()
	rd := bufio.NewReader(c)
	for _, path := range paths {
		_, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(rd, nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, "hello "+path, string(b))
	}
}
