package h1

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"testing"
	"time"
)

// FuzzServe sends arbitrary bytes as a client's side of a connection: the
// server must never panic, and whatever it answers starts as an HTTP/1.x
// response.
func FuzzServe(f *testing.F) {
	for _, s := range []string{
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
		"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
		"GET /big HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	logs := make(logLines, 64)
	srv := &Server{MaxHeaderBytes: 2048, ErrorLog: log.New(logs, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/echo":
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.Copy(w, r.Body)
		case "/big":
			_, _ = w.Write(make([]byte, writeBufferSize+1))
		default:
			w.Header().Set("X-Path", r.URL.Path)
			_, _ = io.WriteString(w, r.Method)
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	f.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		go func() {
			_, _ = c.Write(in)
			_ = c.(*net.TCPConn).CloseWrite()
		}()
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		out, _ := io.ReadAll(c)
		if len(out) > 0 && !bytes.HasPrefix(out, []byte("HTTP/1.1 ")) && !bytes.HasPrefix(out, []byte("HTTP/1.0 ")) {
			t.Fatalf("answer is not HTTP/1.x: %q", out)
		}
		// The server logs a panic before it closes the connection.
		if len(logs) > 0 {
			t.Fatalf("server logged: %s", <-logs)
		}
	})
}
