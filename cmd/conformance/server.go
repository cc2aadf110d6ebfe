package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/webex-conformance/webhooks/internal/redact"
)

// serverLimits are the timeouts and bounds of an http.Server, chosen per
// command.
type serverLimits struct {
	// ReadHeader bounds the wait for a request's head, so a client that
	// opens connections and sends nothing cannot hold them.
	ReadHeader time.Duration
	// Read bounds a whole request, body included. net/http also ends the
	// request's context when it expires, so it must outlast the slowest
	// answer the handler may legitimately take.
	Read time.Duration
	// Idle bounds a kept-alive connection between requests; clients
	// (Go's 90 s, browsers' less) close theirs first.
	Idle time.Duration
	// MaxHeader bounds a request's head.
	MaxHeader int
}

// mockLimits serve `conformance serve`: bodies are at most a few KiB and
// answers immediate, unless a latency fault delays them.
var mockLimits = serverLimits{ReadHeader: 10 * time.Second, Read: 2 * time.Minute, Idle: 2 * time.Minute, MaxHeader: 64 << 10}

// proxyLimits serve `conformance proxy`: Read outlasts the upstream's
// response timeout (one minute) with room for the body.
var proxyLimits = serverLimits{ReadHeader: 10 * time.Second, Read: 3 * time.Minute, Idle: 2 * time.Minute, MaxHeader: 64 << 10}

// newServer returns the server h is served with.
func newServer(h http.Handler, l serverLimits, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeader,
		ErrorLog:          errorLog,
	}
}

// serveUntil serves ln with srv until ctx is done or serving fails. It then
// stops accepting and gives the requests in flight grace to finish; if
// they do not, it calls cut (when not nil) and closes their connections.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration, cut func()) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		if cut != nil {
			cut()
		}
		_ = srv.Close()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// redactingWriter takes one line a write, as a log.Logger writes them,
// and passes it through redact (nil: redact.Text) with its control
// characters escaped (redact.Line): a log line quoting the network can
// neither show a secret nor drive the terminal.
type redactingWriter struct {
	w      io.Writer
	redact func(string) string
}

func (r redactingWriter) Write(b []byte) (int, error) {
	s, nl := strings.CutSuffix(string(b), "\n")
	if r.redact != nil {
		s = r.redact(s)
	} else {
		s = redact.Text(s)
	}
	s = redact.Line(s)
	if nl {
		s += "\n"
	}
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(b), nil
}

// redirectStdLog sends the standard logger, which http.Transport writes
// to, to l until the returned func is called.
func redirectStdLog(l *log.Logger) (restore func()) {
	w, prefix, flags := log.Writer(), log.Prefix(), log.Flags()
	log.SetOutput(l.Writer())
	log.SetPrefix(l.Prefix())
	log.SetFlags(l.Flags())
	return func() {
		log.SetOutput(w)
		log.SetPrefix(prefix)
		log.SetFlags(flags)
	}
}

// listenFailed reports an address that could not be listened on, flag
// being the flag that named it ("" for --listen). An address that is not
// one (a host that does not resolve, a bad port) is a usage error; a good
// address the system refused (a port in use, one needing privileges, an
// address not on this machine) is "could not serve": exit 3, as the
// commands' help says.
func listenFailed(e *env, cmd, flag, addr string, err error) int {
	prefix := ""
	if flag != "" {
		prefix = flag + ": "
	}
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		fmt.Fprintf(e.stderr, "conformance %s: %scannot listen on %s: %s\n", cmd, prefix, addr, runOneLine(err.Error()))
		return exitUntestable
	}
	return usageErr(e, "%s: %scannot listen on %s: %s", cmd, prefix, addr, runOneLine(err.Error()))
}
