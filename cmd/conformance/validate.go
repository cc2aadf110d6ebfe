package main

import "context"

func cmdValidate(_ context.Context, e *env, _ []string) int {
	return usageErr(e, "validate is not available yet")
}
