package udiff

import (
	"bytes"
	"strconv"
)

// Context is the number of unchanged lines shown around each change, as
// `diff -u` shows by default.
const Context = 3

// Unified returns the unified diff that turns a into b, with the file names
// in its --- and +++ lines, or nil when the texts are equal.
func Unified(aName, bName string, a, b []byte) []byte {
	return UnifiedContext(aName, bName, a, b, Context)
}

// UnifiedContext is Unified with n lines of context.
func UnifiedContext(aName, bName string, a, b []byte, n int) []byte {
	if bytes.Equal(a, b) {
		return nil
	}
	al, bl := splitLines(a), splitLines(b)
	edits := editScript(al, bl)
	var out bytes.Buffer
	out.WriteString("--- " + aName + "\n")
	out.WriteString("+++ " + bName + "\n")
	for _, h := range hunks(edits, n) {
		writeHunk(&out, h, al, bl)
	}
	return out.Bytes()
}

// splitLines cuts text after each newline; a last line without one keeps
// its lack of it, so "x" and "x\n" are different lines, as diff sees them.
func splitLines(text []byte) []string {
	var lines []string
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, string(text))
			break
		}
		lines = append(lines, string(text[:i+1]))
		text = text[i+1:]
	}
	return lines
}

type opKind byte

const (
	opEqual opKind = iota
	opDelete
	opInsert
)

// edit is one step of the script: a line of a kept, deleted, or a line of
// b inserted. a and b are the 0-based positions before the step.
type edit struct {
	kind opKind
	a, b int
}

// editScript returns a shortest edit script from a to b. The common prefix
// and suffix are matched first, so Myers' search only runs on the part
// that changed.
func editScript(a, b []string) []edit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var script []edit
	for i := 0; i < pre; i++ {
		script = append(script, edit{opEqual, i, i})
	}
	for _, e := range myers(a[pre:len(a)-suf], b[pre:len(b)-suf]) {
		e.a += pre
		e.b += pre
		script = append(script, e)
	}
	for i := 0; i < suf; i++ {
		script = append(script, edit{opEqual, len(a) - suf + i, len(b) - suf + i})
	}
	return script
}

// myers is Myers' greedy shortest-edit-script search ("An O(ND) Difference
// Algorithm and Its Variations", 1986), keeping for each d the furthest
// x reached on the diagonals -d..d so the path can be walked back.
func myers(a, b []string) []edit {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	max := n + m
	v := make([]int, 2*max+2)
	off := max
	var trace [][]int
	for d := 0; d <= max; d++ {
		// v as it stood after step d-1, diagonals -d..d.
		snap := make([]int, 2*d+1)
		copy(snap, v[off-d:off+d+1])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: an insertion
			} else {
				x = v[off+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m)
			}
		}
	}
	panic("udiff: no edit script found") // unreachable: d = n+m always reaches the end
}

func backtrack(trace [][]int, n, m int) []edit {
	var rev []edit
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		snap := trace[d]
		at := func(k int) int { return snap[k+d] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX, prevY := 0, 0 // step 0 starts at the origin
		if d > 0 {
			prevX = at(prevK)
			prevY = prevX - prevK
		}
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, edit{opEqual, x, y})
		}
		if d == 0 {
			break
		}
		if x == prevX {
			y--
			rev = append(rev, edit{opInsert, x, y})
		} else {
			x--
			rev = append(rev, edit{opDelete, x, y})
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// hunk is a run of the script: changes with their context.
type hunk []edit

// hunks groups the changes of the script with n lines of context each;
// changes closer than 2n lines share a hunk, as in diff -u.
func hunks(script []edit, n int) []hunk {
	var out []hunk
	i := 0
	for i < len(script) {
		for i < len(script) && script[i].kind == opEqual {
			i++
		}
		if i == len(script) {
			break
		}
		start := max(0, i-n)
		end := i // one past the last change of the hunk
		for j := i; j < len(script); j++ {
			if script[j].kind != opEqual {
				end = j + 1
				continue
			}
			if j-end >= 2*n {
				break
			}
		}
		stop := min(len(script), end+n)
		out = append(out, hunk(script[start:stop]))
		i = stop
	}
	return out
}

func writeHunk(out *bytes.Buffer, h hunk, a, b []string) {
	aStart, bStart := h[0].a, h[0].b
	aLen, bLen := 0, 0
	for _, e := range h {
		switch e.kind {
		case opEqual:
			aLen++
			bLen++
		case opDelete:
			aLen++
		case opInsert:
			bLen++
		}
	}
	out.WriteString("@@ -" + hunkRange(aStart, aLen) + " +" + hunkRange(bStart, bLen) + " @@\n")
	for _, e := range h {
		switch e.kind {
		case opEqual:
			writeLine(out, ' ', a[e.a])
		case opDelete:
			writeLine(out, '-', a[e.a])
		case opInsert:
			writeLine(out, '+', b[e.b])
		}
	}
}

// hunkRange is "start,len" with 1-based start; diff writes a single line
// as "start" and an empty range as the line before it.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return strconv.Itoa(start) + ",0"
	case 1:
		return strconv.Itoa(start + 1)
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(n)
}

func writeLine(out *bytes.Buffer, mark byte, line string) {
	out.WriteByte(mark)
	out.WriteString(line)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		out.WriteString("\n\\ No newline at end of file\n")
	}
}
