package conformance

import (
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// router finds an operation by method and path without regular
// expressions: the path is walked segment by segment down a trie of the
// spec's path templates, static segments before parameters, under each
// server's base path.
type router struct {
	bases [][]string
	root  *routeNode
}

type routeNode struct {
	static map[string]*routeNode
	params []*paramEdge // tried in order after static segments
	ops    map[string]*operation
}

// paramEdge is a segment holding one template parameter, possibly with
// literal text around it ("{id}", "{name}.json").
type paramEdge struct {
	prefix, suffix string
	next           *routeNode
}

func newRouter(basePaths []string) *router {
	r := &router{root: &routeNode{}}
	seen := map[string]bool{}
	for _, bp := range basePaths {
		// Base paths come percent-encoded: a segment is decoded on its own,
		// so that an encoded "/" stays inside its segment.
		segs := splitSegments(strings.TrimRight(bp, "/"))
		for i, seg := range segs {
			if dec, err := url.PathUnescape(seg); err == nil {
				segs[i] = dec
			}
		}
		key := strings.Join(segs, "/")
		if seen[key] {
			continue
		}
		seen[key] = true
		r.bases = append(r.bases, segs)
	}
	// Longest base first, so /v1/x prefers base /v1 over base /.
	sort.SliceStable(r.bases, func(i, j int) bool { return len(r.bases[i]) > len(r.bases[j]) })
	return r
}

// BasePaths lists the base paths the spec's servers put its paths under
// ("/v1" for https://webexapis.com/v1), longest first; "/" when a server
// has none.
func (e *Engine) BasePaths() []string {
	out := make([]string, len(e.routes.bases))
	for i, segs := range e.routes.bases {
		out[i] = "/" + strings.Join(segs, "/")
	}
	return out
}

func splitSegments(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (r *router) add(template, method string, op *operation) {
	n := r.root
	for _, seg := range splitSegments(template) {
		open := strings.IndexByte(seg, '{')
		closing := strings.LastIndexByte(seg, '}')
		if open < 0 || closing < open {
			if n.static == nil {
				n.static = map[string]*routeNode{}
			}
			next := n.static[seg]
			if next == nil {
				next = &routeNode{}
				n.static[seg] = next
			}
			n = next
			continue
		}
		prefix, suffix := seg[:open], seg[closing+1:]
		var edge *paramEdge
		for _, pe := range n.params {
			if pe.prefix == prefix && pe.suffix == suffix {
				edge = pe
			}
		}
		if edge == nil {
			edge = &paramEdge{prefix: prefix, suffix: suffix, next: &routeNode{}}
			n.params = append(n.params, edge)
			// Edges with more literal text are more specific: try them first.
			sort.SliceStable(n.params, func(i, j int) bool {
				return len(n.params[i].prefix)+len(n.params[i].suffix) > len(n.params[j].prefix)+len(n.params[j].suffix)
			})
		}
		n = edge.next
	}
	if n.ops == nil {
		n.ops = map[string]*operation{}
	}
	n.ops[method] = op
}

// find returns the operation for method and path, and whether the path
// matched a template at all (so a caller can tell an unknown path from an
// undocumented method).
func (r *router) find(method, path string) (op *operation, pathKnown bool) {
	for i := 0; i < len(path); i++ {
		if path[i] == '?' || path[i] == '#' {
			path = path[:i]
			break
		}
	}
	if !strings.HasPrefix(path, "/") {
		// An absolute URL: keep only its path.
		if u, err := url.Parse(path); err == nil && u.Path != "" {
			path = u.EscapedPath()
		} else {
			return nil, false
		}
	}
	method = strings.ToUpper(method)
	for _, base := range r.bases {
		rest, ok := cutBase(path, base)
		if !ok {
			continue
		}
		if n := r.root.match(rest); n != nil && n.ops != nil {
			if op := n.ops[method]; op != nil {
				return op, true
			}
			pathKnown = true
		}
	}
	return nil, pathKnown
}

// cutBase strips the base path segments from path; the remainder starts
// with "/" or is empty.
func cutBase(path string, base []string) (string, bool) {
	for _, seg := range base {
		if path == "" || path[0] != '/' {
			return "", false
		}
		// The raw segment, as long as it is: an encoded one is longer
		// than the decoded base segment it may equal.
		end := strings.IndexByte(path[1:], '/') + 1
		if end == 0 {
			end = len(path)
		}
		if !segEqual(path[1:end], seg) {
			return "", false
		}
		path = path[end:]
	}
	return path, true
}

func segEqual(raw, want string) bool {
	if raw == want {
		return true
	}
	if strings.IndexByte(raw, '%') < 0 {
		return false
	}
	dec, err := url.PathUnescape(raw)
	return err == nil && dec == want
}

// match walks rest ("/a/b" or "") down the trie, backtracking from a
// static segment to parameters when the static branch leads nowhere.
func (n *routeNode) match(rest string) *routeNode {
	if rest == "" {
		return n
	}
	// A trailing "/" is an empty last segment: it matches only a template
	// that ends in "/" too.
	rest = rest[1:]
	seg, tail := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		seg, tail = rest[:i], rest[i:]
	}
	if n.static != nil {
		next := n.static[seg]
		if next == nil && strings.IndexByte(seg, '%') >= 0 {
			if dec, err := url.PathUnescape(seg); err == nil {
				next = n.static[dec]
			}
		}
		if next != nil {
			if m := next.match(tail); m != nil && m.ops != nil {
				return m
			}
		}
	}
	for _, pe := range n.params {
		if len(seg) <= len(pe.prefix)+len(pe.suffix) || !strings.HasPrefix(seg, pe.prefix) || !strings.HasSuffix(seg, pe.suffix) {
			continue
		}
		if m := pe.next.match(tail); m != nil && m.ops != nil {
			return m
		}
	}
	return nil
}

// serverBasePath reads the path a server URL puts in front of the path
// templates: absolute ("https://host/v1"), network-path ("//host/v1"),
// absolute-path ("/v1") or relative ("v1", read from the root, as the
// document's own location is unknown), with variables at their defaults and
// percent-encodings kept (the router decodes each segment).
func serverBasePath(srv *openapi3.Server) (string, bool) {
	if srv == nil {
		return "/", true
	}
	raw := srv.URL
	names := make([]string, 0, len(srv.Variables))
	for name := range srv.Variables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if v := srv.Variables[name]; v != nil {
			raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
		}
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", false
	}
	p := u.EscapedPath()
	if u.Scheme == "" && u.Host == "" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if p == "" {
		p = "/"
	}
	return p, true
}
