package conformance

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"strconv"
	"strings"
)

// SlowSchema is a response schema the single pass over the body leaves to
// the judge of whole values (decoded, then visited), and why: a spec that
// should be judged fast can be rewritten where these point.
type SlowSchema struct {
	Operation string
	// Status is the response key: "200", "4XX" or "default".
	Status string
	// Media is the media type, e.g. "application/json".
	Media string
	// Pointer is where in the body the schema applies, as a JSON pointer
	// in which "*" stands for any array index or map key; "" is the body.
	Pointer string
	// Keywords are the ones that made it slow, as named by the engine's
	// table of them.
	Keywords []string
}

// SlowSchemas lists, for every operation (by operationId) and documented
// response, the schemas the single pass leaves aside; the embedded Webex
// spec has none.
func (e *Engine) SlowSchemas() []SlowSchema {
	e.readyAll()
	ids := make([]string, 0, len(e.ops))
	for id := range e.ops {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []SlowSchema
	for _, id := range ids {
		op := e.ops[id]
		codes := make([]int, 0, len(op.byStatus))
		for c := range op.byStatus {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			out = op.byStatus[c].slowSchemas(out, id, strconv.Itoa(c))
		}
		for i, r := range op.byRange {
			if r != nil {
				out = r.slowSchemas(out, id, strconv.Itoa(i)+"XX")
			}
		}
		if op.fallback != nil {
			out = op.fallback.slowSchemas(out, id, "default")
		}
	}
	return out
}

func (r *response) slowSchemas(out []SlowSchema, op, status string) []SlowSchema {
	for _, m := range r.media {
		if m.body == nil {
			continue
		}
		seen := map[*schemaNode]bool{}
		var walk func(n *schemaNode, ptr string)
		walk = func(n *schemaNode, ptr string) {
			if n == nil || seen[n] {
				return
			}
			seen[n] = true
			if n.slow {
				out = append(out, SlowSchema{Operation: op, Status: status, Media: m.name, Pointer: ptr, Keywords: n.slowWhy})
				return
			}
			var props []*property
			for _, p := range n.props.slots {
				if p != nil {
					props = append(props, p)
				}
			}
			slices.SortFunc(props, func(a, b *property) int { return strings.Compare(a.name, b.name) })
			for _, p := range props {
				var b strings.Builder
				b.WriteString(ptr)
				b.WriteByte('/')
				writePointerToken(&b, p.name)
				walk(p.node, b.String())
			}
			walk(n.items, ptr+"/*")
			walk(n.addlNode, ptr+"/*")
			if c := n.comb; c != nil {
				for _, x := range c.allOf {
					walk(x, ptr)
				}
				for _, br := range c.anyOf {
					walk(br.node, ptr)
				}
				for _, br := range c.oneOf {
					walk(br.node, ptr)
				}
			}
		}
		walk(m.body, "")
	}
	return out
}

// PathShare counts the distinct schemas the spec's response bodies are
// judged by: Fast on the single pass, Slow by the judge of whole values
// (a schema the single pass leaves aside, and every schema below it).
type PathShare struct {
	Fast, Slow int
}

// ResponsePathShare is the share of the response schemas judged on the
// fast path: what `lint --explain` sums up.
func (e *Engine) ResponsePathShare() PathShare {
	e.readyAll()
	fast := map[*openapi3.Schema]bool{}
	slow := map[*openapi3.Schema]bool{}
	var slowWalk func(s *openapi3.Schema)
	slowWalk = func(s *openapi3.Schema) {
		if s == nil || slow[s] {
			return
		}
		slow[s] = true
		refs := []*openapi3.SchemaRef{s.Items, s.Not, s.AdditionalProperties.Schema}
		for _, p := range s.Properties {
			refs = append(refs, p)
		}
		refs = append(append(append(refs, s.AllOf...), s.AnyOf...), s.OneOf...)
		for _, r := range refs {
			if r != nil {
				slowWalk(r.Value)
			}
		}
	}
	seen := map[*schemaNode]bool{}
	var walk func(n *schemaNode)
	walk = func(n *schemaNode) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.slow {
			slowWalk(n.src)
			return
		}
		fast[n.src] = true
		for _, p := range n.props.slots {
			if p != nil {
				walk(p.node)
			}
		}
		walk(n.items)
		walk(n.addlNode)
		if c := n.comb; c != nil {
			for _, x := range c.allOf {
				walk(x)
			}
			for _, br := range c.anyOf {
				walk(br.node)
			}
			for _, br := range c.oneOf {
				walk(br.node)
			}
		}
	}
	for _, op := range e.ops {
		rs := append([]*response{op.fallback}, op.byRange[:]...)
		for _, r := range op.byStatus {
			rs = append(rs, r)
		}
		for _, r := range rs {
			if r == nil {
				continue
			}
			for _, m := range r.media {
				walk(m.body)
			}
		}
	}
	share := PathShare{Fast: len(fast)}
	for s := range slow {
		if !fast[s] {
			share.Slow++
		}
	}
	return share
}
