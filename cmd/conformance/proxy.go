package main

import "context"

func cmdProxy(_ context.Context, e *env, _ []string) int {
	return usageErr(e, "proxy is not available yet")
}
