package conformance

import (
	"strconv"
)

// operation.unknown: paths.{path}.{method}. Without an operation nothing
// else can be judged.
func unknownOperation(x *Exchange, pathKnown bool) Finding {
	f := Finding{Rule: RuleOperationUnknown, Status: x.Response.Status}
	switch {
	case x.Operation != "":
		f.Message, f.Actual = "no operation has this operationId", shortenString(x.Operation)
	case x.Request.URL == nil:
		f.Message = "the request has no URL to find its operation by"
	case pathKnown:
		f.Message = "the path is documented but not for method " + shortenString(x.Request.Method)
		f.Actual = shortenString(x.Request.Method + " " + x.Request.URL.Path)
	default:
		f.Message = "no documented path matches the request"
		f.Actual = shortenString(x.Request.Method + " " + x.Request.URL.Path)
	}
	return f
}

// status.undocumented: operation.responses (exact codes, NXX ranges,
// default).
func undocumentedStatus(op *operation, status int) Finding {
	return Finding{
		Rule: RuleStatusUndocumented, Operation: op.ID, Status: status,
		Message:  "status " + strconv.Itoa(status) + " is not documented for " + op.ID,
		Expected: "one of [" + op.statuses + "]",
		Actual:   strconv.Itoa(status),
	}
}
