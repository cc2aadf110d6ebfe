package udiff

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gnuDiff is the yardstick: GNU diff -u with the same labels.
func gnuDiff(t *testing.T, a, b []byte, context int) []byte {
	t.Helper()
	path, err := exec.LookPath("diff")
	if err != nil {
		t.Skip("no diff on PATH")
	}
	dir := t.TempDir()
	fa, fb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	require.NoError(t, os.WriteFile(fa, a, 0o600))
	require.NoError(t, os.WriteFile(fb, b, 0o600))
	out, err := exec.Command(path, fmt.Sprintf("-U%d", context), "--label", "a/f", "--label", "b/f", fa, fb).Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("diff: %v", err)
	}
	return out
}

func lines(n int, f func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(f(i) + "\n")
	}
	return b.String()
}

func TestUnifiedMatchesGNUDiff(t *testing.T) {
	t.Parallel()
	base := lines(40, func(i int) string { return fmt.Sprintf("line %d", i) })
	insertAt := func(s string, line int, add string) string {
		ls := strings.SplitAfter(s, "\n")
		return strings.Join(ls[:line], "") + add + strings.Join(ls[line:], "")
	}
	cases := []struct {
		name string
		a, b string
	}{
		{"equal", base, base},
		{"insert in the middle", base, insertAt(base, 20, "new a\nnew b\n")},
		{"insert at the start", base, "first\n" + base},
		{"insert at the end", base, base + "last\n"},
		{"delete a line", base, strings.Replace(base, "line 7\n", "", 1)},
		{"replace a line", base, strings.Replace(base, "line 7\n", "line seven\n", 1)},
		{"two changes share a hunk", base, strings.Replace(strings.Replace(base, "line 7\n", "x\n", 1), "line 13\n", "y\n", 1)},
		{"two changes, two hunks", base, strings.Replace(strings.Replace(base, "line 7\n", "x\n", 1), "line 14\n", "y\n", 1)},
		{"from empty", "", "a\nb\n"},
		{"to empty", "a\nb\n", ""},
		{"no newline at end, both", "a\nb", "a\nc"},
		{"newline added at end", "a\nb", "a\nb\n"},
		{"newline removed at end", "a\nb\n", "a\nb"},
		{"insertion into a YAML enum", "enum:\n  - a\n  - b\nnext: 1\n", "enum:\n  - a\n  - b\n  - c # seen\nnext: 1\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, n := range []int{0, 1, 3} {
				got := UnifiedContext("a/f", "b/f", []byte(tc.a), []byte(tc.b), n)
				assert.Equal(t, string(gnuDiff(t, []byte(tc.a), []byte(tc.b), n)), string(got), "context %d", n)
			}
		})
	}
}

// Random texts over a small alphabet have many shortest scripts, and GNU
// diff may pick another one; what must hold is that patch turns a into b
// with our diff and that ours is no longer than GNU's.
func TestUnifiedRandomAppliesAndIsMinimal(t *testing.T) {
	t.Parallel()
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("no patch on PATH")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func() string {
		n := rng.IntN(30)
		s := lines(n, func(int) string { return string(rune('a' + rng.IntN(4))) })
		if n > 0 && rng.IntN(4) == 0 {
			s = strings.TrimSuffix(s, "\n")
		}
		return s
	}
	for i := range 200 {
		a, b := gen(), gen()
		d := Unified("a/f", "b/f", []byte(a), []byte(b))
		gnu := gnuDiff(t, []byte(a), []byte(b), Context)
		if a == b {
			require.Empty(t, d)
			continue
		}
		assert.Equal(t, changed(gnu), changed(d), "case %d: edit count\n%s", i, d)

		dir := t.TempDir()
		f := filepath.Join(dir, "f")
		require.NoError(t, os.WriteFile(f, []byte(a), 0o600))
		cmd := exec.Command(patch, "-s", "-p1", "-d", dir)
		cmd.Stdin = bytes.NewReader(d)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "case %d: patch: %s\n%s", i, out, d)
		got, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Equal(t, b, string(got), "case %d\n%s", i, d)
	}
}

// changed counts the - and + lines of a diff body.
func changed(d []byte) int {
	n := 0
	for i, l := range strings.Split(string(d), "\n") {
		if i < 2 {
			continue
		}
		if strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
			n++
		}
	}
	return n
}

// The pair measures what the edit script costs over the floor every line
// diff pays: cutting both texts into lines and comparing them once.
func benchmarkTexts() (a, b []byte) {
	a = []byte(lines(5000, func(i int) string { return fmt.Sprintf("line %d", i) }))
	b = bytes.Replace(a, []byte("line 2500\n"), []byte("line 2500\nnew\n"), 1)
	return a, b
}

func BenchmarkUnifiedSmallChange(b *testing.B) {
	x, y := benchmarkTexts()
	for b.Loop() {
		Unified("a", "b", x, y)
	}
}

func BenchmarkUnifiedSmallChangeBaseline(b *testing.B) {
	x, y := benchmarkTexts()
	for b.Loop() {
		xl, yl := splitLines(x), splitLines(y)
		n := 0
		for i := 0; i < min(len(xl), len(yl)); i++ {
			if xl[i] == yl[i] {
				n++
			}
		}
		_ = n
	}
}
