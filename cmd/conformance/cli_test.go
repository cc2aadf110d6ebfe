package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/commands.md's command reference from the commands' help")

// cli runs `conformance args...` as main does, without a terminal.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = dispatch(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestTopLevelHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}, {"help", "help"}} {
		code, out, errOut := cli(t, args...)
		assert.Equal(t, exitOK, code, "%v", args)
		assert.Empty(t, errOut, "%v", args)
		assert.True(t, strings.HasPrefix(out, "usage: conformance <command> [flags]\n"), "%v: %s", args, out)
		for _, c := range commands() {
			assert.Regexp(t, `(?m)^  `+c.name+` +\S`, out, "%v lists %s", args, c.name)
		}
	}
	code, out, errOut := cli(t)
	assert.Equal(t, exitUsage, code, "no command is a usage error")
	assert.Empty(t, out)
	assert.Contains(t, errOut, "usage: conformance <command>")
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	assertUsageErrors(t, map[string]string{
		"bogus":      `conformance: unknown command "bogus" (see conformance --help)`,
		"--bogus":    `conformance: unknown flag --bogus before the command (see conformance --help)`,
		"help bogus": `conformance help: unknown command "bogus" (see conformance --help)`,
		"help run x": `conformance help: one command at a time (see conformance --help)`,
	})
}

var (
	helpFlagLine = regexp.MustCompile(`(?m)^  --([a-z][a-z0-9-]*)\b`)
	dashedWord   = regexp.MustCompile(`--([a-z][a-z0-9-]*)`)
)

// TestEveryCommandsManners holds every registered command to the same
// manners: help on stdout with exit 0 however it is asked for, every flag
// shown with two dashes and named in the usage line, and a usage error as
// one line on stderr with exit 2.
func TestEveryCommandsManners(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, help, errOut := cli(t, c.name, "--help")
			require.Equal(t, exitOK, code, errOut)
			assert.Empty(t, errOut)
			assert.True(t, strings.HasPrefix(help, "usage: conformance "+c.name), help)
			for _, asked := range [][]string{{c.name, "-h"}, {c.name, "-help"}, {"help", c.name}} {
				code, out, errOut := cli(t, asked...)
				assert.Equal(t, exitOK, code, "%v", asked)
				assert.Empty(t, errOut, "%v", asked)
				assert.Equal(t, help, out, "%v prints the same help", asked)
			}

			assert.NotRegexp(t, `(?m)^\s+-[a-z]`, help, "flags are shown as --name")
			usageLines, _, _ := strings.Cut(help, "\n\n")
			usageLines = strings.ReplaceAll(usageLines, "conformance --version", "") // the tool's flag, not the command's
			var inUsage, listed []string
			for _, m := range dashedWord.FindAllStringSubmatch(usageLines, -1) {
				inUsage = append(inUsage, m[1])
			}
			for _, m := range helpFlagLine.FindAllStringSubmatch(help, -1) {
				listed = append(listed, m[1])
				assert.Contains(t, inUsage, m[1], "the usage line names --%s", m[1])
			}
			for _, name := range inUsage {
				assert.Contains(t, listed, name, "the usage line's --%s is a flag", name)
			}
			listed = slices.Compact(slices.Sorted(slices.Values(listed)))
			if c.name != "version" {
				assert.NotEmpty(t, listed, "the flags are listed")
			}

			for _, bad := range []string{"--bogus", "-bogus"} {
				code, out, errOut := cli(t, c.name, bad)
				assert.Equal(t, exitUsage, code, bad)
				assert.Empty(t, out, bad)
				assert.Equal(t, "conformance "+c.name+": unknown flag --bogus (see conformance "+c.name+" --help)\n", errOut)
			}
			if c.name == "merge" {
				return // its arguments are the reports (TestMergeRefusesMixedSpecs)
			}
			code, out, errOut := cli(t, c.name, "stray")
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Equal(t, "conformance "+c.name+`: unexpected argument "stray" (see conformance `+c.name+" --help)\n", errOut)
		})
	}
}

func TestFlagErrorsAreReworded(t *testing.T) {
	t.Parallel()
	assertUsageErrors(t, map[string]string{
		"run --rate x":                   `conformance run: invalid value "x" for --rate: want a number (see conformance run --help)`,
		"run --timeout":                  `conformance run: flag --timeout needs a value (see conformance run --help)`,
		"run --timeout 5":                `conformance run: invalid value "5" for --timeout: want a duration such as 10s, 1m30s or 500ms (see conformance run --help)`,
		"run --timeout=soon":             `conformance run: invalid value "soon" for --timeout: want a duration such as 10s, 1m30s or 500ms (see conformance run --help)`,
		"run --allow-writes=yes":         `conformance run: invalid value "yes" for --allow-writes: want true or false (see conformance run --help)`,
		"serve --max-webhooks x":         `conformance serve: invalid value "x" for --max-webhooks: want a whole number (see conformance serve --help)`,
		"validate ---har x":              `conformance validate: bad flag syntax: ---har (see conformance validate --help)`,
		"proxy --max-body 1":             `conformance proxy: unknown flag --max-body (see conformance proxy --help)`,
		"run --format yaml --x=1":        `conformance run: unknown flag --x (see conformance run --help)`,
		"serve --deliver-to 10.0.0.0/33": `conformance serve: --deliver-to: "10.0.0.0/33" is not a CIDR such as 10.0.0.0/8`,
		"serve --deliver-to http://h/":   `conformance serve: --deliver-to: "http://h/" is not a host name, an IP address or a CIDR (no scheme, port or path)`,
		"serve --deliver-to h:80":        `conformance serve: --deliver-to: "h:80" is not a host name, an IP address or a CIDR (no scheme, port or path)`,
	})
}

func TestVersion(t *testing.T) {
	t.Parallel()
	eng, err := conformance.New(api.Spec)
	require.NoError(t, err)
	spec := eng.SpecInfo()
	want := "conformance " + conformance.Version + "\n" +
		"spec " + spec.Title + " " + spec.Version + " (sha256 " + spec.SHA256 + ")\n" +
		"go " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		code, out, errOut := cli(t, args...)
		assert.Equal(t, exitOK, code, "%v", args)
		assert.Empty(t, errOut, "%v", args)
		assert.Equal(t, want, out, "%v", args)
	}
	assert.Len(t, spec.SHA256, 64)
}

// updateDocsCommand rewrites the command reference from the help texts.
const updateDocsCommand = "go test ./cmd/conformance -run TestDocsCommandReference -update-docs"

const (
	referenceBegin = "<!-- command reference: made by `" + updateDocsCommand + "` -->\n"
	referenceEnd   = "<!-- end of command reference -->\n"
)

// commandReference is docs/commands.md's command reference: the help of
// the tool and of every command, exactly as they print it.
func commandReference(t *testing.T) string {
	var b strings.Builder
	b.WriteString(referenceBegin)
	_, top, _ := cli(t, "--help")
	b.WriteString("\n```text\n$ conformance --help\n" + top + "```\n")
	for _, c := range commands() {
		_, help, _ := cli(t, c.name, "--help")
		b.WriteString("\n## `conformance " + c.name + "`\n\n```text\n$ conformance " + c.name + " --help\n" + help + "```\n")
	}
	b.WriteString("\n" + referenceEnd)
	return b.String()
}

// TestDocsCommandReference keeps docs/commands.md equal to what the
// commands print, so every flag of every command is documented.
func TestDocsCommandReference(t *testing.T) {
	const path = "../../docs/commands.md"
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	s := string(raw)
	begin := strings.Index(s, referenceBegin)
	end := strings.Index(s, referenceEnd)
	require.True(t, begin >= 0 && end > begin, "%s has no command reference between %q and %q", path, referenceBegin, referenceEnd)
	got := s[begin : end+len(referenceEnd)]
	want := commandReference(t)
	if *updateDocs {
		require.NoError(t, os.WriteFile(path, []byte(s[:begin]+want+s[end+len(referenceEnd):]), 0o644))
		return
	}
	assert.Equal(t, want, got, "docs/commands.md differs from the commands' help: run "+updateDocsCommand)
}

// assertUsageErrors runs each command line (split at spaces) and expects
// exactly its one line on stderr, nothing on stdout and the usage exit code.
func assertUsageErrors(t *testing.T, cases map[string]string) {
	t.Helper()
	for args, want := range cases {
		code, out, errOut := cli(t, strings.Fields(args)...)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, out, args)
		assert.Equal(t, want+"\n", errOut, args)
	}
}

// TestRepeatedOutputIsAUsageError: two reports to one file would leave
// only the last one, silently.
func TestRepeatedOutputIsAUsageError(t *testing.T) {
	t.Parallel()
	const own = "each report needs a file of its own"
	assertUsageErrors(t, map[string]string{
		"run --output a.json --output a.json":                                    "conformance run: --output a.json is given twice: " + own,
		"run --format json --output a.json --format junit --output ./a.json":     "conformance run: --output a.json and --output ./a.json are the same file: " + own,
		"validate --har x.har --output r.md --output r.md":                       "conformance validate: --output r.md is given twice: " + own,
		"proxy --upstream http://127.0.0.1:1/v1 --output p.json --output p.json": "conformance proxy: --output p.json is given twice: " + own,
		"receive --listen 127.0.0.1:0 --output d.xml --output sub/../d.xml":      "conformance receive: --output d.xml and --output sub/../d.xml are the same file: " + own,
	})
}
