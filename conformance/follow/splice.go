package follow

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// insertion is text to splice into the source before byte offset at.
type insertion struct {
	at   int
	text string
}

// applyInsertions splices every insertion into src; insertions at the
// same offset keep their order.
func applyInsertions(src []byte, ins []insertion) []byte {
	slices.SortStableFunc(ins, func(a, b insertion) int { return a.at - b.at })
	var out bytes.Buffer
	prev := 0
	for _, in := range ins {
		out.Write(src[prev:in.at])
		out.WriteString(in.text)
		prev = in.at
	}
	out.Write(src[prev:])
	return out.Bytes()
}

// lineCount is the number of lines, a last line without a newline
// included.
func (d *doc) lineCount() int {
	if len(d.src) > 0 && d.src[len(d.src)-1] != '\n' {
		return len(d.lines)
	}
	return len(d.lines) - 1
}

// lineText is line i (0-based) without its line ending.
func (d *doc) lineText(i int) string {
	end := len(d.src)
	if i+1 < len(d.lines) {
		end = d.lines[i+1]
	}
	return strings.TrimRight(string(d.src[d.lines[i]:end]), "\r\n")
}

// byteCol turns yaml's 1-based column, counted in characters, into a
// byte offset within line.
func byteCol(line string, col int) int {
	off := 0
	for n := 1; n < col && off < len(line); n++ {
		_, size := utf8.DecodeRuneInString(line[off:])
		off += size
	}
	return off
}

// afterBlock is the offset at which a line can be added after the block
// that starts on line start (0-based), holds value, and whose further lines
// are indented deeper than indent. Blank lines and comments that follow
// the block stay after the addition, unless the block ends in a literal or
// folded scalar, whose lines may look like comments.
func (d *doc) afterBlock(start, indent int, value *yaml.Node) (at int, needsEOL bool) {
	end := lastNode(value)
	// An indentless list under a key sits at the key's own indentation:
	// the block reaches at least the line of its last node.
	last := max(start, end.Line-1)
	blockScalar := end.Kind == yaml.ScalarNode && end.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	for l := last + 1; l < d.lineCount(); l++ {
		t := d.lineText(l)
		trimmed := strings.TrimLeft(t, " ")
		if strings.TrimSpace(t) == "" {
			continue
		}
		if len(t)-len(trimmed) <= indent {
			break
		}
		if !blockScalar && strings.HasPrefix(trimmed, "#") {
			continue
		}
		last = l
	}
	if last+1 < len(d.lines) {
		return d.lines[last+1], false
	}
	return len(d.src), true
}

// lastNode is the node that ends n in document order.
func lastNode(n *yaml.Node) *yaml.Node {
	for (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n
}

// flowEnd is the offset of the bracket that closes the flow collection
// opening at start, skipping quoted scalars and comments.
func (d *doc) flowEnd(start int) (int, error) {
	src := d.src
	depth := 0
	for i := start; i < len(src); i++ {
		switch c := src[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i, nil
			}
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(src); i++ {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n') {
				for i < len(src) && src[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, fmt.Errorf("unclosed flow collection at offset %d", start)
}

var blockItemPrefix = regexp.MustCompile(`^ *- +$`)

// enumInsertion adds a group's values at the end of its enum, in the
// enum's own layout: a line per value for a block list, after the last
// value for a flow list.
func (d *doc) enumInsertion(g *enumGroup, comment func(*enumValue) string) (insertion, error) {
	seq := get(g.schema.node, "enum")
	if seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
		start := d.lines[seq.Line-1] + byteCol(d.lineText(seq.Line-1), seq.Column)
		if start >= len(d.src) || d.src[start] != '[' {
			return insertion{}, fmt.Errorf("the enum at %s/enum is laid out in a way follow does not edit", g.schema.ptr)
		}
		end, err := d.flowEnd(start)
		if err != nil {
			return insertion{}, err
		}
		before := bytes.TrimRight(d.src[start+1:end], " \t\r\n")
		var text strings.Builder
		for i, v := range g.values {
			switch {
			case i == 0 && len(before) == 0:
			case i == 0 && before[len(before)-1] == ',':
				text.WriteString(" ")
			default:
				text.WriteString(", ")
			}
			text.WriteString(v.literal)
		}
		// Right after the last value, so a list closed on a line of its
		// own keeps that line.
		at := start + 1 + len(before)
		return insertion{at: at, text: text.String()}, nil
	}
	last := seq.Content[len(seq.Content)-1]
	line := d.lineText(last.Line - 1)
	prefix := line[:byteCol(line, last.Column)]
	if !blockItemPrefix.MatchString(prefix) {
		return insertion{}, fmt.Errorf("the enum at %s/enum is laid out in a way follow does not edit", g.schema.ptr)
	}
	at, needsEOL := d.afterBlock(last.Line-1, strings.IndexByte(prefix, '-'), last)
	var text strings.Builder
	for _, v := range g.values {
		text.WriteString(prefix + v.literal + " # " + printable(comment(v)) + d.eol)
	}
	out := text.String()
	if needsEOL {
		out = d.eol + strings.TrimSuffix(out, d.eol)
	}
	return insertion{at: at, text: out}, nil
}

// renderedProp is a property ready to be written.
type renderedProp struct {
	prop        *newProp
	typ         string
	nullable    bool
	description string
	example     string // JSON, for a 3.1 examples list; "" for none
}

// propInsertion declares props in the schema s: after its last declared
// property, or in a properties block of its own after its last key.
func (d *doc) propInsertion(s located, props []renderedProp) (insertion, error) {
	if s.node.Kind != yaml.MappingNode || s.node.Style&yaml.FlowStyle != 0 || len(s.node.Content) == 0 {
		return insertion{}, fmt.Errorf("the schema at %s is not a block mapping; follow edits block style only", s.ptr)
	}
	step := indentStep(s.node)
	var (
		block  *yaml.Node // the mapping the new entries go into
		indent int
		header string
	)
	if ps := get(s.node, "properties"); ps != nil {
		if ps.Kind != yaml.MappingNode || ps.Style&yaml.FlowStyle != 0 || len(ps.Content) == 0 {
			return insertion{}, fmt.Errorf("the properties of %s are not a block mapping; follow edits block style only", s.ptr)
		}
		block = ps
		indent = ps.Content[0].Column - 1
	} else {
		block = s.node
		indent = s.node.Content[0].Column - 1 + step
		header = strings.Repeat(" ", indent-step) + "properties:" + d.eol
	}
	lastKey := block.Content[len(block.Content)-2]
	line := d.lineText(lastKey.Line - 1)
	keyIndent := byteCol(line, lastKey.Column)
	if strings.TrimLeft(line[:keyIndent], " ") != "" {
		return insertion{}, fmt.Errorf("the schema at %s is laid out in a way follow does not edit", s.ptr)
	}
	at, needsEOL := d.afterBlock(lastKey.Line-1, keyIndent, block.Content[len(block.Content)-1])
	var text strings.Builder
	text.WriteString(header)
	for _, rp := range props {
		d.writeProp(&text, indent, step, rp)
	}
	out := text.String()
	if needsEOL {
		out = d.eol + strings.TrimSuffix(out, d.eol)
	}
	return insertion{at: at, text: out}, nil
}

// indentStep is how far the document indents a mapping inside a mapping,
// read off the first nested block mapping found; 2 if there is none.
func indentStep(n *yaml.Node) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Column > k.Column {
			return v.Content[0].Column - k.Column
		}
	}
	for i := 1; i < len(n.Content); i += 2 {
		if v := n.Content[i]; v.Kind == yaml.MappingNode {
			if s := indentStep(v); s != 2 {
				return s
			}
		}
	}
	return 2
}

// descriptionWidth is where descriptions are wrapped, as the document's
// own are.
const descriptionWidth = 79

func (d *doc) writeProp(b *strings.Builder, indent, step int, rp renderedProp) {
	sp := strings.Repeat(" ", indent)
	in := sp + strings.Repeat(" ", step)
	b.WriteString(sp + yamlString(rp.prop.name) + ":" + d.eol)
	switch {
	case rp.nullable && d.v31:
		b.WriteString(in + "type: [" + rp.typ + `, "null"]` + d.eol)
	default:
		b.WriteString(in + "type: " + rp.typ + d.eol)
	}
	if rp.typ == "array" {
		b.WriteString(in + "items: {}" + d.eol)
	}
	if rp.nullable && !d.v31 {
		b.WriteString(in + "nullable: true" + d.eol)
	}
	if rp.example != "" {
		b.WriteString(in + "examples: [" + rp.example + "]" + d.eol)
	}
	b.WriteString(in + "description: |" + d.eol)
	text := in + strings.Repeat(" ", step)
	for _, l := range wrap(printable(rp.description), max(40, descriptionWidth-len(text))) {
		b.WriteString(text + l + d.eol)
	}
}

// printable escapes what a report may carry and a comment or a description
// must not: control characters and every character a YAML reader or an
// editor may take for a line break (a property name with a newline in a
// pointer would otherwise start a line of the API's choosing).
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError: // invalid UTF-8 too
			b.WriteString(`\ufffd`)
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most width bytes at spaces; a word
// longer than width gets a line of its own.
func wrap(text string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		switch {
		case cur == "":
			cur = w
		case len(cur)+1+len(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
