package main

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/webex-conformance/webhooks/api"
)

// cmdRun prints a summary of the embedded spec until the suite exists.
func cmdRun(_ context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "run")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		return usageErr(e, "embedded spec: %v", err)
	}
	fmt.Fprintf(e.stdout, "%s %s\n", doc.Info.Title, doc.Info.Version)
	for _, p := range doc.Paths.InMatchingOrder() {
		for m, op := range doc.Paths.Value(p).Operations() {
			fmt.Fprintf(e.stdout, "  %-6s %-24s %s\n", m, p, op.OperationID)
		}
	}
	return exitOK
}
