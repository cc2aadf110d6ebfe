package conformance

import (
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// OperationDoc is one documented operation as its document describes the
// request: for tools that build requests from the spec, such as request
// generation. The document's values are shared with the engine and must
// not be changed.
type OperationDoc struct {
	Operation
	// Parameters are the operation's parameters with its path item's,
	// the operation's own overriding those of the same name and place.
	Parameters []*openapi3.Parameter
	// RequestBody is nil when the operation documents none.
	RequestBody *openapi3.RequestBody
	// Responses are the documented responses, by status key.
	Responses *openapi3.Responses
}

// Operations lists the spec's operations, ordered by path template and
// method, with what their requests are made of.
func (e *Engine) Operations() []OperationDoc {
	out := make([]OperationDoc, 0, len(e.ops))
	whole, err := e.document()
	if err != nil {
		e.readyAll() // what the operations compiled from
	}
	for _, o := range e.ops {
		d := OperationDoc{Operation: o.Operation}
		item, op := o.item, o.op
		if e.lazy != nil && err == nil {
			// The whole document's values, its examples resolved too.
			item = whole.Paths.Value(o.PathTemplate)
			op = nil
			if item != nil {
				op = item.GetOperation(o.Method)
			}
		}
		if op == nil {
			continue
		}
		seen := map[string]int{}
		add := func(list openapi3.Parameters) {
			for _, ref := range list {
				if ref == nil || ref.Value == nil {
					continue
				}
				k := ref.Value.In + "\x00" + ref.Value.Name
				if i, ok := seen[k]; ok {
					d.Parameters[i] = ref.Value
					continue
				}
				seen[k] = len(d.Parameters)
				d.Parameters = append(d.Parameters, ref.Value)
			}
		}
		if item != nil {
			add(item.Parameters)
		}
		add(op.Parameters)
		if op.RequestBody != nil {
			d.RequestBody = op.RequestBody.Value
		}
		d.Responses = op.Responses
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PathTemplate != out[j].PathTemplate {
			return out[i].PathTemplate < out[j].PathTemplate
		}
		return out[i].Method < out[j].Method
	})
	return out
}
