package main

import "context"

func cmdServe(_ context.Context, e *env, _ []string) int {
	return usageErr(e, "serve is not available yet")
}
