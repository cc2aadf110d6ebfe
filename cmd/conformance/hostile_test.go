package main

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	toolOnce sync.Once
	toolPath string
	toolErr  error
)

// tool builds the command once for the tests that need it as a process of
// its own (signals, peak memory); it is removed by TestMain.
func tool(t *testing.T) string {
	t.Helper()
	toolOnce.Do(func() {
		dir, err := os.MkdirTemp("", "conformance-tool-")
		if err != nil {
			toolErr = err
			return
		}
		toolPath = filepath.Join(dir, "conformance")
		out, err := exec.Command("go", "build", "-o", toolPath, ".").CombinedOutput()
		if err != nil {
			toolErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	require.NoError(t, toolErr)
	return toolPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if toolPath != "" {
		os.RemoveAll(filepath.Dir(toolPath))
	}
	os.Exit(code)
}

// hostileFile writes content to a file of the test's and returns its path.
func hostileFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// Every file read whole is read up to --max-input-bytes and no further:
// `lint --spec /dev/zero` reached 4.6 GB in 4 s before.
func TestFilesReadWholeAreCapped(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	big := hostileFile(t, "big.json", `{"tool":"conformance","cases":[`+strings.Repeat(" ", 2048)+`]}`)
	for args, want := range map[string]string{
		"lint --spec /dev/zero": "conformance lint: --spec /dev/zero: /dev/zero: larger than 64 MiB (raise --max-input-bytes)",
		"validate --operation getWebhookDetails --status 200 --spec /dev/zero --max-input-bytes 1024": "larger than 1 KiB (raise --max-input-bytes)",
		"validate --har x.har --baseline " + big + " --max-input-bytes 1024":                          "conformance validate: --baseline " + big + ": larger than 1 KiB (raise --max-input-bytes)",
		"follow --diff --report " + big + " --max-input-bytes 1000":                                   "conformance follow: --report " + big + ": larger than 1000 bytes (raise --max-input-bytes)",
		"follow --diff --report /dev/zero":                                                            "larger than 64 MiB",
		"run --spec /dev/zero --max-input-bytes 4096":                                                 "larger than 4 KiB",
		"proxy --upstream http://127.0.0.1:1 --spec /dev/zero --max-input-bytes 4096":                 "larger than 4 KiB",
	} {
		code, out, errOut := cli(t, strings.Fields(args)...)
		assert.Equal(t, exitUsage, code, "%s: %s", args, errOut)
		assert.Empty(t, out, args)
		assert.Contains(t, errOut, want, args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "%s: one line: %s", args, errOut)
	}
}

// A billion laughs under the YAML library's alias guard, and a loop of
// $refs with no schema in it, are input errors: exit 2, one line.
func TestHostileSpecsAreOneLineInputErrors(t *testing.T) {
	t.Parallel()
	var laughs strings.Builder
	laughs.WriteString("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    L0: &l0 {type: string}\n")
	for i := 1; i <= 24; i++ { // 48 aliases, 2^24 schemas expanded
		fmt.Fprintf(&laughs, "    L%d: &l%d {type: object, properties: {a: *l%d, b: *l%d}}\n", i, i, i-1, i-1)
	}
	cycle := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n" +
		"          description: ok\n          content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}\n" +
		"components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n"
	for name, tc := range map[string]struct{ spec, want string }{
		"laughs": {laughs.String(), "YAML aliases expand the document's"},
		"cycle":  {cycle, "circular $ref with no schema in the loop: #/components/schemas/A → #/components/schemas/B → #/components/schemas/A"},
	} {
		spec := hostileFile(t, name+".yaml", tc.spec)
		for _, args := range [][]string{{"lint", "--spec", spec}, {"validate", "--har", "x.har", "--spec", spec}} {
			code, out, errOut := cli(t, args...)
			assert.Equal(t, exitUsage, code, "%s %v: %s", name, args, errOut)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want, "%s %v", name, args)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "%s %v: one line: %s", name, args, errOut)
		}
	}
}

// SIGINT and SIGTERM end a command that is still loading its spec (here one
// on a pipe that never ends): before, the load ran to its end first.
func TestSignalDuringSpecLoadExitsAtOnce(t *testing.T) {
	t.Parallel()
	bin := tool(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			fifo := filepath.Join(t.TempDir(), "spec.yaml")
			require.NoError(t, syscall.Mkfifo(fifo, 0o600))
			cmd := exec.Command(bin, "lint", "--spec", fifo)
			stderr, err := cmd.StderrPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			// Opening the pipe for writing returns once the command has
			// opened it for reading: it is loading, its signal handler set.
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			require.NoError(t, err)
			defer w.Close()
			_, err = w.WriteString("openapi: 3.0.3\ninfo:\n")
			require.NoError(t, err)
			require.NoError(t, cmd.Process.Signal(sig))

			exited := make(chan error, 1)
			go func() {
				lines, _ := bufio.NewReader(stderr).ReadString(0)
				err := cmd.Wait()
				if err == nil {
					err = errors.New("exit 0")
				}
				exited <- fmt.Errorf("%w: %s", err, lines)
			}()
			select {
			case err := <-exited:
				var exit *exec.ExitError
				require.ErrorAs(t, err, &exit)
				assert.Equal(t, exitUntestable, exit.ExitCode(), "%v", err)
				assert.Contains(t, err.Error(), "conformance lint: interrupted while loading the spec\n")
			case <-time.After(time.Minute): // a watchdog, not a measurement
				_ = cmd.Process.Kill()
				t.Fatal("the command ignored the signal while loading its spec")
			}
		})
	}
}

// The 900 KB body of 300,000 empty items against the embedded spec makes a
// report of a few kilobytes in every format, each saying how many findings
// were not kept: before, 2.1 million findings made a 675 MB JSON report.
func TestOneResponseMakesABoundedReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	body := hostileFile(t, "items.json", `{"items":[`+strings.TrimSuffix(strings.Repeat("{},", 300_000), ",")+`]}`)
	args := []string{"validate", "--operation", "listWebhooks", "--status", "200", "--header", "Content-Type: application/json", "--body", body}
	for _, f := range []string{"json", "text", "junit", "markdown"} {
		args = append(args, "--format", f, "--output", filepath.Join(dir, "report."+f))
	}
	code, _, errOut := cli(t, args...)
	require.Equal(t, exitFindings, code, errOut)
	for _, f := range []string{"json", "text", "junit", "markdown"} {
		data, err := os.ReadFile(filepath.Join(dir, "report."+f))
		require.NoError(t, err)
		assert.Less(t, len(data), 8<<20, f)
		assert.Contains(t, string(data), "2099980 more body.required findings in this body were not kept", f)
		t.Logf("%s report: %d bytes", f, len(data))
	}
}

// receive reads at most 1 MiB of a delivery by default (as
// gen.NotificationHandler does; before, 10 MiB), reporting a larger one.
func TestReceiveCapsADelivery(t *testing.T) {
	t.Parallel()
	base, stdout, stderr, stop := receiveStart(t, "", "--format", "json")
	big := `{"id":"` + strings.Repeat("x", 2<<20) + `"}`
	resp, err := http.Post(base+"/hook", "application/json", strings.NewReader(big))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	stop()
	assert.Contains(t, stdout.String(), `"rule": "request.body.limit"`, stderr.String())
	assert.Contains(t, stdout.String(), "larger than the size cap of 1048576 bytes")
}
