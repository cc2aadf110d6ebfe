package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// DefaultMaxBodyBytes is the body size past which the engine stops reading
// and reports body.limit.
const DefaultMaxBodyBytes = 10 << 20

// DefaultMaxDepth is the JSON nesting past which the engine stops reading
// and reports body.depth. No API body in practice nests half as deep.
const DefaultMaxDepth = 64

// DefaultMaxSpecBytes is the largest document New loads. The largest public
// OpenAPI documents are a few tens of megabytes.
const DefaultMaxSpecBytes = 64 << 20

// Engine is a spec compiled for judging responses. It is immutable after New
// and safe for concurrent use.
type Engine struct {
	// doc is the whole document as kin-openapi loads it: at New when
	// eager, else on first need (document).
	doc        *openapi3.T
	docOnce    sync.Once
	docErr     error
	loadable   []byte    // the document's bytes, for a later load
	lazy       *lazySpec // nil: every operation compiled at New
	info       SpecInfo
	maxBody    int64
	maxDepth   int
	redactions []string
	routes     *router
	notesOnce  sync.Once // SpecNotes adds documentNotes to notes once
	judgeComb  bool      // withJudgedCombinators
	ops        map[string]*operation
	notes      []Finding
	reqHeaders []string // RequestHeaderNames
	dialect    dialect
	cov        *covPlan
}

// Operation names one documented operation.
type Operation struct {
	ID, Method, PathTemplate string
}

type config struct {
	judgeComb  bool
	spec       []byte
	maxBody    int64
	maxDepth   int
	maxSpec    int64
	redactions []string
	// formatsAnnotate: WithFormatAnnotations.
	formatsAnnotate bool
	eager           bool
}

// Option configures New.
type Option func(*config)

// WithMaxBodyBytes caps how much of a body is read; a larger body is reported
// as body.limit and not judged further. n <= 0 keeps the default.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithMaxDepth caps JSON nesting; a deeper body is reported as body.depth.
// n <= 0 keeps the default.
func WithMaxDepth(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxDepth = n
		}
	}
}

// WithMaxSpecBytes caps the size of the document New loads; a larger one
// is a *SpecError of kind SpecTooLarge. n <= 0 keeps the default.
func WithMaxSpecBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxSpec = n
		}
	}
}

// WithFormatAnnotations reads format, contentEncoding and contentMediaType
// in an OpenAPI 3.1 document as annotations, as JSON Schema 2020-12 does by
// default. Without it the engine asserts the formats it knows (date-time,
// date, uri, byte, int32, int64 and those registered with kin-openapi) and
// base64 content in 3.1 documents as it does in 3.0 ones. It changes
// nothing for a 3.0 document.
func WithFormatAnnotations() Option { return func(c *config) { c.formatsAnnotate = true } }

// WithEagerCompile loads the whole document with kin-openapi and compiles
// every operation in New, as lint does: a document kin-openapi cannot load
// is an error from New, and every compile note is there from the start.
// Without it an OpenAPI 3.0 JSON document is indexed in New and each
// operation compiled when an exchange first needs it; a defect inside an
// operation is then a spec.invalid finding on its exchanges and a note.
func WithEagerCompile() Option { return func(c *config) { c.eager = true } }

// WithRedactions registers literal values (tokens, passwords) that must never
// appear in a finding or any other output made through Redact.
func WithRedactions(values ...string) Option {
	return func(c *config) {
		for _, v := range values {
			if v != "" {
				c.redactions = append(c.redactions, v)
			}
		}
	}
}

// New loads and compiles spec, any OpenAPI 3.0 or 3.1 document in YAML or
// JSON: the engine knows no API but the one it is given (the Webex
// webhooks spec comes from package webex). Only a document that cannot be
// judged by is an error: one that does not parse, an unresolvable $ref, a version
// other than OpenAPI 3.0 or 3.1, a document that would cost far more to load
// than its size: a *SpecError, whose Kind says which. Everything else wrong with the
// document is tolerated and listed by SpecNotes.
func New(spec []byte, opts ...Option) (*Engine, error) {
	c := config{spec: spec, maxBody: DefaultMaxBodyBytes, maxDepth: DefaultMaxDepth, maxSpec: DefaultMaxSpecBytes}
	for _, o := range opts {
		o(&c)
	}
	if len(c.spec) == 0 {
		return nil, specError(SpecEmpty, nil, "empty document")
	}
	if int64(len(c.spec)) > c.maxSpec {
		return nil, specError(SpecTooLarge, nil, "the document's %d bytes are more than the %d allowed", len(c.spec), c.maxSpec)
	}
	sum := sha256.Sum256(c.spec)
	if !c.eager {
		js := c.spec
		if !looksJSON(js) {
			js, _ = yamlToJSON(js) // YAML: converted once; nil when not sure
		}
		if ix, err := indexSpec(js); js != nil && err == nil {
			if e, err := newLazy(c, ix, sum); err == nil {
				return e, nil
			} // else the whole load says what is wrong, in its words
		}
	}
	doc, notes, err := loadSpec(c.spec, c.formatsAnnotate)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		doc:        doc,
		maxBody:    c.maxBody,
		maxDepth:   c.maxDepth,
		redactions: c.redactions,
		judgeComb:  c.judgeComb,
		notes:      notes,
		info:       SpecInfo{SHA256: hex.EncodeToString(sum[:])},
		dialect:    docDialect(doc, c.formatsAnnotate),
	}
	e.docOnce.Do(func() {})
	if doc.Info != nil {
		e.info.Title, e.info.Version = doc.Info.Title, doc.Info.Version
	}
	e.compile()
	e.collectRequestHeaders()
	e.cov = buildCoverage(doc, e.sortedOps())
	sortNotes(e.notes)
	return e, nil
}

// newLazy makes the engine of an indexed document: the router and the
// operations' names now, each operation compiled on first use.
func newLazy(c config, ix *specIndex, sum [32]byte) (*Engine, error) {
	e := &Engine{
		loadable:   ix.data,
		maxBody:    c.maxBody,
		maxDepth:   c.maxDepth,
		redactions: c.redactions,
		judgeComb:  c.judgeComb,
		info:       SpecInfo{Title: ix.title, Version: ix.infoVersion, SHA256: hex.EncodeToString(sum[:])},
	}
	l, err := newLazySpec(ix, e.dialect, c.judgeComb)
	if err != nil {
		return nil, err
	}
	e.lazy = l
	e.indexOperations(ix)
	e.reqHeaders = ix.requestHeaders()
	return e, nil
}

// document is the whole document as kin-openapi loads it, loaded on first
// call for a lazily compiled engine.
func (e *Engine) document() (*openapi3.T, error) {
	e.docOnce.Do(func() {
		e.doc, _, e.docErr = loadSpec(e.loadable, false)
	})
	return e.doc, e.docErr
}

// SpecInfo identifies the spec responses were judged by.
type SpecInfo struct {
	Title   string `json:"title"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// MaxBodyBytes is the largest response body the engine judges. A reader
// that hands bodies to Validate reads at most one byte more, so that a
// longer body is reported as body.limit rather than cut into broken JSON.
func (e *Engine) MaxBodyBytes() int64 { return e.maxBody }

// SpecInfo identifies the spec: its title, version and the SHA-256 of the
// document bytes.
func (e *Engine) SpecInfo() SpecInfo { return e.info }

// Operation looks an operation up by its operationId.
func (e *Engine) Operation(id string) (Operation, bool) {
	op, ok := e.ops[id]
	if !ok {
		return Operation{}, false
	}
	return op.Operation, true
}

// FindOperation finds the operation serving method and path, the path as
// requested (for example /v1/webhooks/abc, a query is ignored). The path is
// matched under each server's base path, whatever the host.
func (e *Engine) FindOperation(method, path string) (Operation, bool) {
	op, _ := e.routes.find(method, path)
	if op == nil {
		return Operation{}, false
	}
	return op.Operation, true
}

// withJudgedCombinators leaves allOf, anyOf and oneOf to the judge of
// whole values: the reading the single pass's is tested against.
func withJudgedCombinators() Option { return func(c *config) { c.judgeComb = true } }
