package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

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
	// maxInput is --max-input-bytes: the most read of a file read whole.
	maxInput int64
}

// colorStdout reports whether a text report on stdout may be coloured: only
// for a terminal, and never when NO_COLOR is set (https://no-color.org).
func (e *env) colorStdout() bool {
	return e.stdoutTerminal && (e.getenv == nil || e.getenv("NO_COLOR") == "")
}

// command is one subcommand. Its entry in commands() is all it takes to be
// dispatched, listed by `conformance --help`, and given `CMD --help`,
// `help CMD` and one-line usage errors; TestEveryCommandsManners checks each
// entry, and TestDocsCommandReference that docs/commands.md shows its help.
type command struct {
	name    string
	summary string // one line in the command list
	// help is the usage line(s) and what the command does; --help prints it
	// followed by the flags.
	help string
	// run starts with fs := newFlagSet(e, name), defines the flags on it and
	// parses them with parseFlags(e, fs, args).
	run func(ctx context.Context, e *env, args []string) int
}

// commands is the registry of subcommands, in the order --help lists them.
func commands() []command {
	return []command{
		{"run", "run the conformance suite against the embedded mock or a --target", runHelp, cmdRun},
		{"validate", "validate recorded exchanges (HAR, or one exchange) against the spec", validateHelp, cmdValidate},
		{"proxy", "forward traffic to --upstream and validate every exchange", proxyHelp, cmdProxy},
		{"serve", "serve the stateful mock of the Webex webhooks API", serveHelp, cmdServe},
		{"receive", "receive webhook deliveries and judge each against the spec (and its signature)", receiveHelp, cmdReceive},
		{"follow", "amend the spec for the drift in a JSON report (--output NEW.yaml or --diff)", followHelp, cmdFollow},
		{"merge", "join the JSON reports of shards into one: cases, findings, coverage, outcome", mergeHelp, cmdMerge},
		{"summary", "digest a JSON report in Markdown for a CI step summary or issue, findings grouped by place", summaryHelp, cmdSummary},
		{"lint", "list what is wrong with an OpenAPI document itself (--spec)", lintHelp, cmdLint},
		{"spec", "print the embedded spec (yaml byte for byte, or json)", specHelp, cmdSpec},
		{"rules", "print the rule catalogue: id, severity, what fires it, what it enforces", rulesHelp, cmdRules},
		{"version", "print the version of the tool, the embedded spec and Go", versionHelp, cmdVersion},
	}
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
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
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help":
		usage(e.stdout)
		return exitOK
	case "-version", "--version":
		return cmdVersion(ctx, e, args[1:])
	case "help":
		if len(args) == 1 || len(args) == 2 && args[1] == "help" {
			usage(e.stdout)
			return exitOK
		}
		if len(args) > 2 {
			fmt.Fprintf(e.stderr, "conformance help: one command at a time (see conformance --help)\n")
			return exitUsage
		}
		if _, ok := lookupCommand(args[1]); !ok {
			fmt.Fprintf(e.stderr, "conformance help: unknown command %q (see conformance --help)\n", args[1])
			return exitUsage
		}
		return dispatch(ctx, e, []string{args[1], "--help"})
	default:
		if c, ok := lookupCommand(name); ok {
			return c.run(ctx, e, args[1:])
		}
		if strings.HasPrefix(name, "-") {
			fmt.Fprintf(e.stderr, "conformance: unknown flag %s before the command (see conformance --help)\n", dashed(name))
		} else {
			fmt.Fprintf(e.stderr, "conformance: unknown command %q (see conformance --help)\n", name)
		}
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: conformance <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Checks that an HTTP API answers the way its OpenAPI description says.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'conformance <command> --help' (or 'conformance help <command>') for its flags;")
	fmt.Fprintln(w, "'conformance --version' for the version.")
}

// newFlagSet returns the flag set of the registered command name. It prints
// nothing itself: parseFlags writes help and errors.
func newFlagSet(e *env, name string) *flag.FlagSet {
	if _, ok := lookupCommand(name); !ok {
		panic("conformance: command " + name + " is not in commands()")
	}
	fs := flag.NewFlagSet("conformance "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args: --help prints the command's help on stdout (exit
// 0), a bad flag or a stray argument is one line on stderr (exit 2). It
// returns ok=false with the exit code when the command should stop.
func parseFlags(e *env, fs *flag.FlagSet, args []string) (code int, ok bool) {
	if code, ok := parseFlagsOnly(e, fs, args); !ok {
		return code, false
	}
	if fs.NArg() > 0 {
		return flagUsageErr(e, fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0))), false
	}
	return 0, true
}

// parseFlagsOnly is parseFlags for a command that takes arguments after its
// flags: they are left in fs.Args().
func parseFlagsOnly(e *env, fs *flag.FlagSet, args []string) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		printHelp(e.stdout, fs)
		return exitOK, false
	default:
		return flagUsageErr(e, fs, flagErrorText(fs, err)), false
	}
}

// flagUsageErr prints the one line of a usage error, with where to look.
func flagUsageErr(e *env, fs *flag.FlagSet, msg string) int {
	fmt.Fprintf(e.stderr, "%s: %s (see %s --help)\n", fs.Name(), msg, fs.Name())
	return exitUsage
}

// printHelp writes the command's help and its flags, each shown as --name.
func printHelp(w io.Writer, fs *flag.FlagSet) {
	c, _ := lookupCommand(strings.TrimPrefix(fs.Name(), "conformance "))
	fmt.Fprint(w, strings.TrimRight(c.help, "\n")+"\n")
	var flags strings.Builder
	fs.SetOutput(&flags)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if flags.Len() == 0 {
		return
	}
	fmt.Fprint(w, "\nFlags:\n")
	for line := range strings.Lines(flags.String()) {
		if strings.HasPrefix(line, "  -") {
			line = "  --" + line[len("  -"):]
		}
		line = strings.ReplaceAll(line, "    \t", "        ")
		fmt.Fprint(w, line)
	}
}

var flagErrorPatterns = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(.*)$`), "unknown flag --$1"},
	{regexp.MustCompile(`^flag needs an argument: -+(.*)$`), "flag --$1 needs a value"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+([^:]+): (.*)$`), "invalid value $1 for --$2: $3"},
	{regexp.MustCompile(`^invalid boolean value (".*") for -+([^:]+): (.*)$`), "invalid value $1 for --$2: $3"},
	{regexp.MustCompile(`^invalid boolean flag -+([^:]+): (.*)$`), "invalid value for --$1: $2"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "bad flag syntax: $1"},
}

// flagErrorText rewords the flag package's errors, which name flags with a
// single dash, the way the help shows them.
func flagErrorText(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagParseError.FindStringSubmatch(msg); m != nil {
		if want := flagWants(fs.Lookup(m[2])); want != "" {
			return runOneLine("invalid value " + m[1] + " for --" + m[2] + ": " + want)
		}
	}
	for _, p := range flagErrorPatterns {
		if p.re.MatchString(msg) {
			return runOneLine(p.re.ReplaceAllString(msg, p.with))
		}
	}
	return runOneLine(msg)
}

// flagParseError is the flag package's error for a value its type cannot
// read, which says only "parse error".
var flagParseError = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-+([^:]+): parse error$`)

// flagWants says what a flag of f's type accepts, for a value it could
// not read; "" when the type is not one of the flag package's.
func flagWants(f *flag.Flag) string {
	if f == nil {
		return ""
	}
	getter, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch getter.Get().(type) {
	case time.Duration:
		return "want a duration such as 10s, 1m30s or 500ms"
	case int, int64, uint, uint64:
		return "want a whole number"
	case float64:
		return "want a number"
	case bool:
		return "want true or false"
	}
	return ""
}

// dashed shows a flag argument the way the help does: -x and --x as --x.
func dashed(arg string) string {
	return "--" + strings.TrimLeft(arg, "-")
}

// usageErr prints one line, "conformance CMD: message", and returns the
// usage exit code; format starts with the command's name and a colon.
func usageErr(e *env, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "conformance "+format+"\n", a...)
	return exitUsage
}

func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
