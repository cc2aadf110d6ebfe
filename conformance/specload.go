package conformance

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// ErrSpecVersion matches (errors.Is) the error New returns for a document
// that is not OpenAPI 3.0 or 3.1 (a Swagger 2.0 or an OpenAPI 3.2
// document): a *SpecError of kind SpecVersion.
var ErrSpecVersion = errors.New("spec: " + specVersionText)

const specVersionText = "not an OpenAPI 3.0 or 3.1 document"

// loadSpec parses an OpenAPI document and resolves its references, turning
// the loader's panics on hostile input into errors. Only what makes judging
// impossible fails: a document that does not parse, an unresolvable $ref, a
// version other than 3.0 or 3.1. What kin-openapi's validation finds wrong
// with the document is returned as notes.
func loadSpec(data []byte, formatsAnnotate bool) (doc *openapi3.T, notes []Finding, err error) {
	defer func() {
		if r := recover(); r != nil {
			cause, _ := r.(error)
			doc, notes, err = nil, nil, specError(SpecLoader, cause, "cannot load: %v", r)
		}
	}()
	loadable, err := guardSpec(data)
	if err != nil {
		return nil, nil, err
	}
	if bytes.Contains(loadable, []byte("const")) && strings.HasPrefix(peekVersion(loadable), "3.1") {
		loadable = constNullAsEnum(loadable) // 3.1 only; a 3.0 document is loaded as it is
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err = loader.LoadFromData(loadable)
	if err != nil {
		// A document of another version is refused by its version, not by
		// whatever feature the loader tripped on.
		if v := peekVersion(data); v != "" && !supportedVersion(v) {
			return nil, nil, versionError(v)
		}
		return nil, nil, loaderError(data, err)
	}
	if !supportedVersion(doc.OpenAPI) {
		return nil, nil, versionError(doc.OpenAPI)
	}
	// kin-openapi's structural validation, without what it judges by its
	// own reading of schemas (patterns as Go regular expressions, examples
	// and defaults by an unbounded VisitJSON): checkDocument does those
	// the engine's way.
	if doc.IsOpenAPI31OrLater() {
		// 3.0 keywords that mean nothing in 3.1 are noted, then dropped, so
		// that the engine judges by JSON Schema 2020-12 alone.
		notes = drop30Keywords(doc, validationNotes(doc))
		notes = append(notes, checkDocument(doc, docDialect(doc, formatsAnnotate))...)
	}
	return doc, notes, nil
}

// documentNotes is what is wrong with a 3.0 document itself. Judging
// needs none of it, and it costs more than loading (kin-openapi's
// validation of a large document), so the engine works it out when
// SpecNotes is first asked; a 3.1 document's notes come with the load.
func documentNotes(doc *openapi3.T, d dialect) []Finding {
	if doc.IsOpenAPI31OrLater() {
		return nil
	}
	return append(validationNotes(doc), checkDocument(doc, d)...)
}

func validationNotes(doc *openapi3.T) []Finding {
	ctx := openapi3.WithValidationOptions(context.Background(), openapi3.EnableMultiError(),
		openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation(), openapi3.DisableSchemaPatternValidation())
	return specNotes(doc.Validate(ctx), nil)
}

// docDialect is how doc's schemas are read; formats are annotations only
// in a 3.1 document, and only when asked for.
func docDialect(doc *openapi3.T, formatsAnnotate bool) dialect {
	v31 := doc.IsOpenAPI31OrLater()
	return dialect{v31: v31, formatsAnnotate: v31 && formatsAnnotate}
}

// supportedVersion: OpenAPI 3.0.x and 3.1.x.
func supportedVersion(v string) bool {
	return strings.HasPrefix(v, "3.0") || strings.HasPrefix(v, "3.1")
}

func versionError(v string) error {
	if v == "" {
		return specError(SpecVersion, nil, "%s: no openapi version field (Swagger 2.0 is not supported)", specVersionText)
	}
	return specError(SpecVersion, nil, "%s: openapi %q", specVersionText, v)
}

// peekVersion finds the value of the first openapi field of a JSON or YAML
// document that did not load: "" when there is none.
func peekVersion(data []byte) string {
	head := string(data[:min(len(data), 64<<10)])
	for from := 0; ; {
		i := strings.Index(head[from:], "openapi")
		if i < 0 {
			return ""
		}
		from += i + len("openapi")
		rest := strings.TrimLeft(head[from:], `"' `)
		if !strings.HasPrefix(rest, ":") {
			continue
		}
		rest = strings.TrimLeft(rest[1:], ` "'`)
		end := 0
		for end < len(rest) && (rest[end] == '.' || rest[end] == '-' || isAlnum(rest[end])) {
			end++
		}
		if v := rest[:end]; len(v) > 1 && v[1] == '.' && digit(v[0]) {
			return v
		}
	}
}

// specNotes flattens kin-openapi's validation errors into notes, each named
// by what kind of defect it is.
func specNotes(err error, out []Finding) []Finding {
	if err == nil {
		return out
	}
	if me, ok := err.(openapi3.MultiError); ok {
		for _, e := range me {
			out = specNotes(e, out)
		}
		return out
	}
	rule := RuleSpecInvalid
	var (
		sve *openapi3.SchemaValueError
		dup *openapi3.DuplicateOperationIDError
		pat *openapi3.SchemaPatternRegexError
	)
	msg := err.Error()
	switch {
	case errors.As(err, &dup):
		return out // kin-openapi names the first duplicate only; compile notes each
	case errors.As(err, &pat):
		rule = RuleSpecPattern
	case errors.As(err, &sve) && sve.ValueKind == "default":
		rule = RuleSpecDefault
	case errors.As(err, &sve):
		rule = RuleSpecExample
	case strings.Contains(msg, "is not supported by OpenAPIv3 standard"):
		rule = RuleSpecName
	case strings.Contains(msg, "extra sibling fields: [pathItems]"):
		return out // components.pathItems is OpenAPI 3.1; kin-openapi resolves them but does not list them
	case strings.Contains(msg, "boolean exclusiveM"):
		return out // noted by drop30Keywords, with the place
	}
	return append(out, specNote(rule, "", firstLine(msg)))
}

// kinNoteNoise is the wrapping kin-openapi puts around a located error;
// the path and method it names are kept.
var kinNoteNoise = strings.NewReplacer("invalid paths: invalid path ", "paths ", "invalid operation ", "", "invalid components: ", "components ")

func specNote(rule Rule, where, msg string) Finding {
	msg = kinNoteNoise.Replace(msg)
	if where != "" {
		msg = where + ": " + msg
	}
	return NewFinding(rule, "", shortenNote(msg), "", "")
}

// firstLine cuts kin-openapi's multi-line messages (which dump the schema
// and the value) to their first line.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func shortenNote(s string) string {
	if len(s) <= 300 {
		return s
	}
	return strings.ToValidUTF8(s[:300], "") + "…"
}

// SpecNotes lists what is wrong with the document itself (examples or
// defaults that break their schemas, invalid component names, duplicate
// operationIds, ...), in a stable order. The engine judges traffic despite
// them, as well as the document allows.
func (e *Engine) SpecNotes() []Finding {
	e.notesOnce.Do(func() {
		if e.lazy != nil {
			e.readyAll()
			e.lazy.mu.Lock()
			e.notes = append(e.notes, e.lazy.notes...)
			e.lazy.mu.Unlock()
		}
		doc, err := e.document()
		if err != nil {
			e.notes = append(e.notes, specNote(RuleSpecInvalid, "", err.Error()))
		} else {
			e.notes = append(e.notes, documentNotes(doc, e.dialect)...)
		}
		sortNotes(e.notes)
	})
	return append([]Finding(nil), e.notes...)
}

func sortNotes(notes []Finding) {
	sort.SliceStable(notes, func(i, j int) bool {
		if notes[i].Rule != notes[j].Rule {
			return notes[i].Rule.ID() < notes[j].Rule.ID()
		}
		return notes[i].Message < notes[j].Message
	})
}
