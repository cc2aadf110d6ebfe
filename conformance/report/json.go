package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/webex-conformance/webhooks/conformance"
)

// writeJSON writes the report in the project's JSON report format,
// streaming: the cases are scrubbed and written one at a time through a
// buffer, never held as a second copy of the report or one document in
// memory. The bytes are what encoding/json's Encoder with two-space indent
// writes for the same report (a test holds it to that).
func writeJSON(w io.Writer, r *Report, scrub func(string) string) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	o, reason := outcomeOf(r, scrub)
	// The members before "cases", as the encoder writes them, without the
	// closing brace.
	b, err := json.MarshalIndent(reportHead{Outcome: o, Reason: reason, Tool: r.Tool, Version: r.Version, Spec: r.Spec,
		Target: scrub(r.Target), Generated: r.Generated, Judge: r.Judge, Probes: r.Probes, Summary: r.Summary(), LeftBehind: redactedLeftBehind(r.LeftBehind, scrub),
		Requirements: r.Requirements, CoverageRegressions: r.CoverageRegressions}, "", "  ")
	if err != nil {
		return err
	}
	bw.Write(bytes.TrimSuffix(b, []byte("\n}")))
	bw.WriteString(",\n  \"cases\": [")
	var buf []byte
	for i := range r.Cases {
		c := &r.Cases[i]
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendCase(buf, c, scrub)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	if len(r.Cases) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteByte(']')
	if r.Resolved != nil {
		b, err := json.MarshalIndent(redactedFindings(r.Resolved, scrub), "  ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString(",\n  \"resolved\": ")
		bw.Write(b)
	}
	// The coverage holds names from the spec only (operations, pointers,
	// documented values), never a value from the traffic.
	if r.Coverage != nil {
		b, err := json.MarshalIndent(r.Coverage, "  ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString(",\n  \"coverage\": ")
		bw.Write(b)
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// appendCase writes one case at the depth of the cases array, scrubbed
// as redactedCase scrubs it.
func appendCase(b []byte, c *Case, scrub func(string) string) []byte {
	const in = "\n      "
	b = append(b, "\n    {"...)
	b = appendMember(b, in, "name", scrub(c.Name), true)
	b = appendMember(b, in, "operation", c.Operation, false)
	b = appendMember(b, in, "method", c.Method, false)
	b = appendMember(b, in, "path", scrub(c.Path), false)
	if c.Status != 0 {
		b = append(b, in+`"status": `...)
		b = strconv.AppendInt(b, int64(c.Status), 10)
		b = append(b, ',')
	}
	b = appendMember(b, in, "verdict", string(c.Verdict), true)
	b = append(b, in+`"duration_ms": `...)
	b = appendFloat(b, c.DurationMS)
	b = append(b, ',')
	b = appendMember(b, in, "reason", scrub(c.Reason), false)
	if c.Verdict == VerdictFail {
		b = appendMember(b, in, "curl", scrub(c.Curl), false)
	}
	b = append(b, in+`"findings": [`...)
	for i := range c.Findings {
		f := redactedFinding(c.Findings[i], scrub)
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFinding(b, &f)
	}
	if len(c.Findings) > 0 {
		b = append(b, in...)
	}
	b = append(b, ']')
	return append(b, "\n    }"...)
}

func appendFinding(b []byte, f *conformance.Finding) []byte {
	const in = "\n          "
	b = append(b, "\n        {"...)
	b = appendMember(b, in, "rule", f.Rule.ID(), true)
	b = appendMember(b, in, "severity", string(f.Severity), true)
	b = appendMember(b, in, "side", string(f.Side), true)
	b = appendMember(b, in, "operation", f.Operation, false)
	if f.Status != 0 {
		b = append(b, in+`"status": `...)
		b = strconv.AppendInt(b, int64(f.Status), 10)
		b = append(b, ',')
	}
	b = appendMember(b, in, "pointer", f.Pointer, false)
	b = appendMember(b, in, "message", f.Message, true)
	b = appendMember(b, in, "expected", f.Expected, false)
	b = appendMember(b, in, "actual", f.Actual, false)
	b = appendMember(b, in, "baseline", string(f.Baseline), false)
	// Every member above ends with a comma; the last one must not.
	b = b[:len(b)-1]
	return append(b, "\n        }"...)
}

// appendMember writes `"name": "value",` on a new line at the given
// indent; an empty value is left out unless always.
func appendMember(b []byte, indent, name, value string, always bool) []byte {
	if value == "" && !always {
		return b
	}
	b = append(b, indent...)
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `": `...)
	b = appendString(b, value)
	return append(b, ',')
}

// appendString quotes s as encoding/json does, HTML-safe: <, > and &, the
// line and paragraph separators and invalid UTF-8 escaped.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendFloat formats f as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, '0') // a duration is never either; JSON has no such number
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	b = strconv.AppendFloat(b, f, fmt, -1, 64)
	if fmt == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
