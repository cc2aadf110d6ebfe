package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientProjectFirstSteps runs a client project's first steps, as the
// README shows them, in a fresh module that depends on this checkout:
// the tool directives, the spec taken with go tool, the go:generate file,
// a build, and all of it again after go mod tidy.
func TestClientProjectFirstSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short: runs the go command in a fresh module")
	}
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command runs the steps")
	checkout, err := filepath.Abs("..")
	require.NoError(t, err)
	spec, err := os.ReadFile(filepath.Join(checkout, "api", "openapi.yaml"))
	require.NoError(t, err)
	generateFile, err := os.ReadFile(filepath.Join("testdata", "clientproject", "api", "generate.go"))
	require.NoError(t, err)
	gomod, err := os.ReadFile(filepath.Join(checkout, "go.mod"))
	require.NoError(t, err)
	pinned := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/oapi-codegen/oapi-codegen/v2\s+(v\S+)`).FindSubmatch(gomod)
	require.NotNil(t, pinned, "go.mod requires oapi-codegen")
	oapiCodegen := "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@" + string(pinned[1])

	dir := t.TempDir()
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY="+checkoutProxy(os.Getenv("GOPROXY")))
	gocmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	specFile := filepath.Join(dir, "api", "webex.yaml")
	requireSpec := func(when string) {
		t.Helper()
		got, err := os.ReadFile(specFile)
		require.NoError(t, err, when)
		require.Equal(t, string(spec), string(got), "%s: api/webex.yaml is the embedded spec", when)
	}

	// The module is this checkout, not a published version.
	gocmd("mod", "init", "example.com/webexclient")
	gocmd("mod", "edit", "-replace", "github.com/webex-conformance/webhooks="+checkout)

	// The README's steps.
	gocmd("get", "-tool", "github.com/webex-conformance/webhooks/cmd/conformance")
	gocmd("get", "-tool", oapiCodegen)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "api"), 0o755))
	gocmd("tool", "conformance", "spec", "--output", "api/webex.yaml")
	requireSpec("go tool conformance spec --output")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "api", "generate.go"), generateFile, 0o644))
	gocmd("generate", "./...")
	requireSpec("go generate")
	require.FileExists(t, filepath.Join(dir, "api", "webex.gen.go"))
	gocmd("build", "./...")

	// go mod tidy keeps the tools, and everything still works after it.
	gocmd("mod", "tidy")
	tidied, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(tidied), "tool (\n\tgithub.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen\n\tgithub.com/webex-conformance/webhooks/cmd/conformance\n)")
	require.NoError(t, os.Remove(specFile))
	gocmd("generate", "./...")
	requireSpec("go generate after go mod tidy")
	gocmd("build", "./...")

	// A run that fails leaves the file as it was.
	cmd := exec.Command(goTool, "tool", "conformance", "spec", "--format", "toml", "--output", "api/webex.yaml")
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), `conformance spec: --format "toml": expected yaml or json`)
	requireSpec("a failed spec --output")
}

// checkoutProxy is GOPROXY for a module that replaces this one with the
// checkout. go get still asks whether a longer module path
// (.../cmd/conformance) exists: "direct" would ask GitHub, which fails
// rather than says no for a repository it cannot reach, so only the
// proxies are asked, each falling through to the next on any error ("|"),
// and the last answer is "off", which go reads as "no such module".
func checkoutProxy(goproxy string) string {
	if goproxy == "" {
		goproxy = "https://proxy.golang.org,direct"
	}
	var entries []string
	for _, e := range strings.FieldsFunc(goproxy, func(r rune) bool { return r == ',' || r == '|' }) {
		if e != "off" && e != "direct" {
			entries = append(entries, e)
		}
	}
	return strings.Join(append(entries, "off"), "|")
}
