// Command conformance checks whether an HTTP API answers the way its OpenAPI
// description says: against a live target (run), a recording (validate),
// live traffic (proxy), and it serves a faithful mock of the Webex webhooks
// API (serve).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/webex-conformance/webhooks/conformance/report"
)

// Exit codes, as the CLI contract fixes them.
const (
	exitOK         = 0 // conformant
	exitFindings   = 1 // findings at or above --fail-on
	exitUsage      = 2 // bad flags, unreadable spec or input
	exitUntestable = 3 // the target could not be tested, or the run was interrupted
)

// exitFor is the exit code of a report's outcome.
func exitFor(o report.Outcome) int {
	switch o {
	case report.Conformant:
		return exitOK
	case report.Nonconformant:
		return exitFindings
	}
	return exitUntestable
}

// env is what a subcommand may touch of the outside world; tests give their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// isTerminal reports whether stderr is a terminal (live progress).
	isTerminal bool
	// stdoutTerminal reports whether stdout is a terminal (a coloured report).
	stdoutTerminal bool
}

// colorStdout reports whether a text report on stdout may be coloured: only
// for a terminal, and never when NO_COLOR is set (https://no-color.org).
func (e *env) colorStdout() bool {
	return e.stdoutTerminal && (e.getenv == nil || e.getenv("NO_COLOR") == "")
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

func commands() []command {
	return []command{
		{"run", "run the conformance suite against the embedded mock or a --target", cmdRun},
		{"validate", "validate recorded responses (HAR, or one response) against the spec", cmdValidate},
		{"proxy", "forward traffic to --upstream and validate every response", cmdProxy},
		{"serve", "serve the stateful mock of the Webex webhooks API", cmdServe},
		{"follow", "amend the spec for the drift in a JSON report (--output NEW.yaml or --diff)", cmdFollow},
		{"lint", "list what is wrong with an OpenAPI document itself (--spec)", cmdLint},
		{"version", "print the version", cmdVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{
		stdin:          os.Stdin,
		stdout:         os.Stdout,
		stderr:         os.Stderr,
		getenv:         os.Getenv,
		isTerminal:     isTerminal(os.Stderr),
		stdoutTerminal: isTerminal(os.Stdout),
	}
	code := dispatch(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "conformance: unknown command %q (try: conformance help)\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: conformance <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'conformance <command> -h' for the flags of a command.")
}

// newFlagSet returns a flag set that reports errors instead of exiting, and
// prints its usage to e.stderr.
func newFlagSet(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("conformance "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses args and turns a flag error into the usage exit code.
// It returns ok=false with the exit code when the command should stop.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}

// usageErr prints one line and returns the usage exit code.
func usageErr(e *env, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "conformance: "+format+"\n", a...)
	return exitUsage
}

func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
