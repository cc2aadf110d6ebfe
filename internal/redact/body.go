package redact

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// BodyText returns a body as text that redaction can see into, or why it
// cannot be shown. A body sent with a Content-Encoding (gzip, x-gzip,
// deflate, or several of them) is decoded first, up to limit bytes;
// decoded says it was. A body that is not UTF-8 after that, or is encoded
// otherwise (br, zstd, ...), or decodes past limit, has no text: whatever
// secret it holds, no redactor can find it, so it must be left out.
func BodyText(body []byte, contentEncoding string, limit int64) (text string, decoded bool, why string) {
	encodings := strings.Split(contentEncoding, ",")
	for i := len(encodings) - 1; i >= 0; i-- {
		enc := strings.ToLower(strings.TrimSpace(encodings[i]))
		if enc == "" || enc == "identity" {
			continue
		}
		out, err := decode(body, enc, limit)
		if err != nil {
			return "", false, fmt.Sprintf("Content-Encoding %s: %v", enc, err)
		}
		body, decoded = out, true
	}
	if !utf8.Valid(body) {
		return "", decoded, "not UTF-8 text"
	}
	return string(body), decoded, ""
}

var errTooLarge = errors.New("decodes to more than the limit")

func decode(body []byte, enc string, limit int64) ([]byte, error) {
	var r io.Reader
	switch enc {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, errors.New("not gzip")
		}
		r = zr
	case "deflate":
		// RFC 9110 deflate is zlib; some servers send raw deflate.
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			r = zr
		} else {
			r = flate.NewReader(bytes.NewReader(body))
		}
	default:
		return nil, errors.New("not decoded here")
	}
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, errors.New("cannot be decoded")
	}
	if int64(len(out)) > limit {
		return nil, errTooLarge
	}
	return out, nil
}
