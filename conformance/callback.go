package conformance

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// CompileCallback compiles the request of a callback the spec documents:
// the callback named name of the operation operationID, its method method
// (the first of its URL expressions, in sorted order, that has one). The
// contract judges what the receiver of the callback gets, a webhook
// delivery for example; its findings name the callback operation's own
// operationId, or operationID.name when it has none.
func (e *Engine) CompileCallback(operationID, name, method string) (*RequestContract, error) {
	for _, item := range e.wholeDoc().Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID != operationID {
				continue
			}
			ref := op.Callbacks[name]
			if ref == nil || ref.Value == nil {
				return nil, fmt.Errorf("spec: operation %s has no callback %s", operationID, strconv.Quote(name))
			}
			exprs := make([]string, 0, ref.Value.Len())
			for expr := range ref.Value.Map() {
				exprs = append(exprs, expr)
			}
			sort.Strings(exprs)
			for _, expr := range exprs {
				cbItem := ref.Value.Value(expr)
				cbOp := cbItem.GetOperation(method)
				if cbOp == nil {
					continue
				}
				id := cbOp.OperationID
				if id == "" {
					id = operationID + "." + name
				}
				return e.compileContract(id, "", cbItem, cbOp)
			}
			return nil, fmt.Errorf("spec: callback %s of %s documents no %s", strconv.Quote(name), operationID, method)
		}
	}
	return nil, fmt.Errorf("spec: no operation %s", operationID)
}

// CompileWebhook compiles the request of an OpenAPI 3.1 document's
// top-level webhook name, its operation for method: what the receiver of
// that webhook gets. Its findings name the webhook operation's
// operationId, or webhooks.name when it has none.
func (e *Engine) CompileWebhook(name, method string) (*RequestContract, error) {
	item := e.wholeDoc().Webhooks[name]
	if item == nil {
		known := e.Webhooks()
		if len(known) == 0 {
			return nil, fmt.Errorf("spec: the document has no webhooks (a top-level webhooks entry is OpenAPI 3.1)")
		}
		return nil, fmt.Errorf("spec: no webhook %s (the document has %s)", strconv.Quote(name), strings.Join(known, ", "))
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil, fmt.Errorf("spec: webhook %s documents no %s", strconv.Quote(name), method)
	}
	id := op.OperationID
	if id == "" {
		id = "webhooks." + name
	}
	return e.compileContract(id, "", item, op)
}

// Webhooks names the document's top-level webhooks, sorted.
func (e *Engine) Webhooks() []string {
	hooks := e.wholeDoc().Webhooks
	names := make([]string, 0, len(hooks))
	for name := range hooks {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Operation is the operation the contract's findings name.
func (rc *RequestContract) Operation() string { return rc.c.id }
