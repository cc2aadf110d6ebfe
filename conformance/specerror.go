package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	yaml4 "go.yaml.in/yaml/v4"
)

// SpecErrorKind says why a document could not be judged by.
type SpecErrorKind int

// The kinds of SpecError.
const (
	// SpecEmpty: the document has no bytes.
	SpecEmpty SpecErrorKind = iota + 1
	// SpecTooLarge: the document is larger than WithMaxSpecBytes allows.
	SpecTooLarge
	// SpecSyntax: the document is not JSON or YAML, or not shaped like an
	// OpenAPI document; Line and Column say where, when known.
	SpecSyntax
	// SpecVersion: not OpenAPI 3.0 or 3.1 (errors.Is ErrSpecVersion).
	SpecVersion
	// SpecAliases: YAML aliases that expand to many times the document
	// (errors.Is ErrSpecHostile).
	SpecAliases
	// SpecRefCycle: $refs that lead only to each other, with no schema in
	// the loop (errors.Is ErrSpecHostile).
	SpecRefCycle
	// SpecRef: a $ref that does not resolve.
	SpecRef
	// SpecLoader: the loader failed in another way.
	SpecLoader
)

var specKindNames = [...]string{
	SpecEmpty: "empty", SpecTooLarge: "too large", SpecSyntax: "syntax", SpecVersion: "version",
	SpecAliases: "alias expansion", SpecRefCycle: "$ref cycle", SpecRef: "$ref", SpecLoader: "loader",
}

func (k SpecErrorKind) String() string {
	if k > 0 && int(k) < len(specKindNames) {
		return specKindNames[k]
	}
	return "SpecErrorKind(" + strconv.Itoa(int(k)) + ")"
}

// SpecError is the error New returns for a document it cannot judge by.
// Its message is one line; Kind says what a caller can do about it, and
// Unwrap gives the cause (the loader's or the parser's error) when there
// is one.
//
//	var se *conformance.SpecError
//	if errors.As(err, &se) && se.Kind == conformance.SpecSyntax {
//		fmt.Printf("line %d, column %d\n", se.Line, se.Column)
//	}
type SpecError struct {
	Kind SpecErrorKind
	// Line and Column place a syntax error in the document, from 1; 0
	// when unknown (a YAML parser may know the line only).
	Line, Column int
	// Err is the cause, nil when there is none.
	Err error
	msg string
}

func (e *SpecError) Error() string { return e.msg }

func (e *SpecError) Unwrap() error { return e.Err }

// Is makes a SpecError match the sentinels of its kind: ErrSpecVersion,
// and ErrSpecHostile for alias expansion and $ref cycles.
func (e *SpecError) Is(target error) bool {
	switch target {
	case ErrSpecVersion:
		return e.Kind == SpecVersion
	case ErrSpecHostile:
		return e.Kind == SpecAliases || e.Kind == SpecRefCycle
	}
	return false
}

// specError makes a SpecError whose message is "spec: " and format.
func specError(kind SpecErrorKind, cause error, format string, args ...any) *SpecError {
	return &SpecError{Kind: kind, Err: cause, msg: "spec: " + fmt.Sprintf(format, args...)}
}

// loaderError classifies what the loader said about data.
func loaderError(data []byte, err error) *SpecError {
	msg := firstLine(err.Error())
	se := specError(SpecLoader, err, "%s", msg)
	var (
		syn  *json.SyntaxError
		ye   *yaml4.LoadError
		yes  *yaml4.LoadErrors
		line int
	)
	switch {
	case looksJSON(data) && errors.As(err, &syn):
		se.Kind = SpecSyntax
		se.Line, se.Column = lineColumn(data, syn.Offset)
	case errors.As(err, &ye):
		se.Kind = SpecSyntax
		se.Line, se.Column = ye.Mark.Line, ye.Mark.Column
	case errors.As(err, &yes) && len(yes.Errors) > 0:
		se.Kind = SpecSyntax
		se.Line, se.Column = yes.Errors[0].Mark.Line, yes.Errors[0].Mark.Column
	case refFailure.MatchString(msg):
		se.Kind = SpecRef
	}
	if se.Kind == SpecSyntax && se.Line == 0 {
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			se.Line = line
		}
	}
	return se
}

var (
	refFailure = regexp.MustCompile(`failed to resolve|error resolving reference|bad data in "#|invalid reference|unresolved ref`)
	yamlLine   = regexp.MustCompile(`line (\d+):`)
)

// lineColumn is the line and column (from 1, in bytes) of offset in data;
// encoding/json's offset is just past the byte it stopped at.
func lineColumn(data []byte, offset int64) (line, col int) {
	if offset > 0 {
		offset--
	}
	offset = min(offset, int64(len(data)))
	head := data[:offset]
	line = bytes.Count(head, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(head, '\n') + 1) + 1
	return line, col
}
