// Package jsonlex holds the JSON lexing the project does by hand, once:
// RFC 8259 strings (escapes, control characters, UTF-8), numbers and
// escapes, for the body scanner that validates in one pass, the streaming
// HAR decoder and the secret scrubber. The functions work on byte slices
// and report errors with the offset where the input went wrong; none
// allocates unless it appends.
//
//	n, escaped, err := jsonlex.String(b) // b starts at a string's opening quote
package jsonlex
