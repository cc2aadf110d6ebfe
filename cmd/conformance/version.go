package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/webex"
)

const versionHelp = `usage: conformance version
       conformance --version

Prints the version of the tool, the title, version and SHA-256 of the
embedded spec it judges by, and the Go version it was built with.
`

func cmdVersion(_ context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "version")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	eng, err := webex.Engine()
	if err != nil {
		return usageErr(e, "version: the embedded spec: %s", runOneLine(err.Error()))
	}
	spec := eng.SpecInfo()
	fmt.Fprintf(e.stdout, "conformance %s\n", conformance.Version)
	fmt.Fprintf(e.stdout, "spec %s %s (sha256 %s)\n", spec.Title, spec.Version, spec.SHA256)
	fmt.Fprintf(e.stdout, "go %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
