package conformance

import (
	"fmt"
	"strconv"
	"strings"
)

// operation.unknown: paths.{path}.{method}. Without an operation nothing
// else can be judged. It blames the request: an undocumented method or
// path is the client's, whatever the server answered.
func (e *Engine) unknownOperation(x *Exchange, pathKnown bool) Finding {
	f := findingAt(RuleOperationUnknown, "", x.Response.Status, "", "", "", "")
	switch {
	case x.Operation != "":
		f.Message, f.Actual = "no operation has this operationId", shortenString(x.Operation)
	case x.Request.URL == nil:
		f.Message = "the request has no URL to find its operation by"
	case pathKnown:
		f.Message = "the path is documented but not for method " + shortenString(x.Request.Method)
		f.Actual = shortenString(x.Request.Method + " " + x.Request.URL.Path)
	default:
		f.Message = "no documented path matches the request" + e.basePathHint(x.Request.Method, x.Request.URL.EscapedPath())
		f.Actual = shortenString(x.Request.Method + " " + x.Request.URL.Path)
	}
	return f
}

// basePathHint suggests the base path a request seems to lack: the spec's
// paths live under its servers' base path (/v1), and a client configured
// with the bare host reaches none of them.
func (e *Engine) basePathHint(method, path string) string {
	var bases []string
	for _, b := range e.BasePaths() {
		if b == "/" {
			continue
		}
		if path == b || strings.HasPrefix(path, b+"/") {
			return "" // under the base path: the path itself is unknown
		}
		bases = append(bases, b)
		if _, ok := e.FindOperation(method, b+path); ok {
			return shortenString(fmt.Sprintf(" (did you mean %s%s? the spec's paths are under %s: the client's base URL may lack it)", b, path, b))
		}
	}
	if len(bases) == 0 {
		return ""
	}
	return shortenString(" (the spec's paths are under " + strings.Join(bases, ", ") + ")")
}

// status.undocumented: operation.responses (exact codes, NXX ranges,
// default).
func undocumentedStatus(op *operation, status int) Finding {
	return findingAt(RuleStatusUndocumented, op.ID, status, "",
		"status "+strconv.Itoa(status)+" is not documented for "+op.ID,
		"one of ["+op.statuses+"]", strconv.Itoa(status))
}
