package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/webex-conformance/webhooks/conformance"
)

// defaultMaxInputBytes bounds every file read whole: --spec, --baseline,
// --report. The largest public OpenAPI documents are a few tens of
// megabytes; /dev/zero is not one of them.
const defaultMaxInputBytes = 64 << 20

// addMaxInputFlag is --max-input-bytes, for every command that reads a
// file whole; it sets e.maxInput.
func addMaxInputFlag(fs *flag.FlagSet, e *env) {
	fs.Int64Var(&e.maxInput, "max-input-bytes", defaultMaxInputBytes, "refuse a --spec, --baseline or --report file larger than `N` bytes")
}

// readInput reads the file at path whole, refusing one larger than
// --max-input-bytes without reading further.
func readInput(e *env, path string) ([]byte, error) {
	limit := e.maxInput
	if limit <= 0 {
		limit = defaultMaxInputBytes
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %s (raise --max-input-bytes)", path, byteSize(limit))
	}
	return data, nil
}

// byteSize is n in the largest binary unit that divides it, else in bytes.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// errLoadInterrupted is what loading a spec returns after SIGINT or
// SIGTERM (wrapped with the context's error, context.Canceled): the command
// exits at once, as interrupted.
var errLoadInterrupted = errors.New("interrupted while loading the spec")

// loadInterrupted is errLoadInterrupted with the context's cause.
type loadInterrupted struct{ cause error }

func (e loadInterrupted) Error() string   { return errLoadInterrupted.Error() }
func (e loadInterrupted) Unwrap() []error { return []error{errLoadInterrupted, e.cause} }

// loadEngine reads and compiles a spec with load, giving up as soon as ctx
// is done: a large or hostile document, or one on a pipe, must not hold
// Ctrl-C up. The abandoned load ends with the process.
func loadEngine(ctx context.Context, load func() (*conformance.Engine, error)) (*conformance.Engine, error) {
	type result struct {
		eng *conformance.Engine
		err error
	}
	done := make(chan result, 1)
	go func() {
		eng, err := load()
		done <- result{eng, err}
	}()
	select {
	case r := <-done:
		return r.eng, r.err
	case <-ctx.Done():
		return nil, loadInterrupted{context.Cause(ctx)}
	}
}

// engineFailed reports why the spec could not be loaded, in one line, and
// returns the exit code: interrupted (3) or an input error (2).
func engineFailed(e *env, cmd, line string, err error) int {
	if errors.Is(err, errLoadInterrupted) {
		fmt.Fprintf(e.stderr, "conformance %s: %s\n", cmd, errLoadInterrupted)
		return exitUntestable
	}
	return usageErr(e, "%s: %s", cmd, line)
}
