package main

import (
	"context"
	"fmt"

	"github.com/webex-conformance/webhooks/conformance"
)

func cmdVersion(_ context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "version")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintf(e.stdout, "conformance %s\n", conformance.Version)
	return exitOK
}
