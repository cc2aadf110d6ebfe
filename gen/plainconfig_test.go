package gen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
	"github.com/stretchr/testify/require"
)

// clientMain uses the generated API the way a client project would, so the
// build checks more than the package compiling on its own.
const clientMain = `package main

import (
	"context"
	"fmt"

	"example.com/webhooksclient/webex"
)

func main() {
	c, err := webex.NewClientWithResponses("https://webexapis.com/v1")
	if err != nil {
		panic(err)
	}
	max := 10
	var _ func(context.Context, *webex.ListWebhooksParams, ...webex.RequestEditorFn) (*webex.ListWebhooksResponse, error) = c.ListWebhooksWithResponse
	body := webex.CreateWebhookJSONRequestBody{Name: "n", TargetUrl: "https://example.com/h", Resource: "messages", Event: "created"}
	fmt.Println(body, max)
}
`

// plainDirective is the go:generate line of docs/spec.md's plain
// configuration (testdata/plainclient/webex.go).
var plainDirective = regexp.MustCompile(`(?m)^//go:generate go run github\.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@(v\S+) -generate (\S+) -package (\S+) -o (\S+) (\S+)$`)

// TestPlainClientConfigCompiles checks that a client project generating its
// own code from api/openapi.yaml with docs/spec.md's plain configuration
// (testdata/plainclient/webex.go: nothing but "-generate types,client
// -package webex") gets code that builds, beside that file, against the
// runtime version this module pins.
func TestPlainClientConfigCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short: generates code and runs go build in a temporary module")
	}
	t.Parallel()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to build the generated code")

	directiveFile, err := os.ReadFile(filepath.Join("testdata", "plainclient", "webex.go"))
	require.NoError(t, err)
	d := plainDirective.FindSubmatch(directiveFile)
	require.NotNil(t, d, "testdata/plainclient/webex.go must hold one go:generate line running oapi-codegen")
	version, generate, pkg := string(d[1]), string(d[2]), string(d[3])
	require.Equal(t, "types,client", generate, "the plain configuration generates types and client only")
	require.Equal(t, "webex", pkg, "clientMain imports the package as webex")

	// What the CLI does for those flags: defaults, validation, strict load.
	cfg := codegen.Configuration{
		PackageName: pkg,
		Generate:    codegen.GenerateOptions{Models: true, Client: true},
	}.UpdateDefaults()
	require.NoError(t, cfg.Validate())
	spec, err := util.LoadSwaggerWithOverlay(filepath.Join("..", "api", "openapi.yaml"), util.LoadSwaggerWithOverlayOpts{Strict: true})
	require.NoError(t, err)
	code, err := codegen.Generate(spec, cfg)
	require.NoError(t, err)

	gomod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/oapi-codegen/runtime\s+(v\S+)`).FindSubmatch(gomod)
	require.NotNil(t, m, "go.mod must require github.com/oapi-codegen/runtime")
	pinned := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/oapi-codegen/oapi-codegen/v2\s+(v\S+)`).FindSubmatch(gomod)
	require.NotNil(t, pinned, "go.mod must require github.com/oapi-codegen/oapi-codegen/v2")
	require.Equal(t, string(pinned[1]), version, "docs/spec.md's directive runs the oapi-codegen version this module pins")
	gosum, err := os.ReadFile(filepath.Join("..", "go.sum"))
	require.NoError(t, err)

	dir := t.TempDir()
	write := func(name, content string) {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	write("go.mod", "module example.com/webhooksclient\n\ngo 1.26\n\nrequire github.com/oapi-codegen/runtime "+string(m[1])+"\n")
	write("go.sum", string(gosum))
	write("webex/webex.go", string(directiveFile))
	write("webex/webex.gen.go", code)
	write("main.go", clientMain)

	cmd := exec.Command(goTool, "build", "./...")
	cmd.Dir = dir
	// The module proxy the caller's go command uses fetches what this module's
	// own build never needed (go.mod files of the runtime's unpruned
	// dependencies, such as github.com/RaveNoX/go-jsoncommentstrip); the
	// go.sum copied above pins every one of them, so no checksum database is
	// asked. No workspace, no toolchain switch.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build of the plainly generated client failed:\n%s", out)
}
