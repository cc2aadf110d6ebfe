package examples

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the Go blocks of README.md and docs/*.md from the files they come from")

// updateGoBlocksCommand copies the files into the blocks that show them.
const updateGoBlocksCommand = "go test ./examples -run TestDocsGoBlocks -update-docs"

// docPaths are the README and every page of docs/, from this directory.
func docPaths(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, pages, "docs/ holds the reference")
	return append([]string{filepath.Join("..", "README.md")}, pages...)
}

// fileMarker names, on the line before a fenced block, the file the block
// is: every Go block has one; a block of another language (a workflow's
// YAML) may.
var fileMarker = regexp.MustCompile(`^<!-- file: (\S+) -->$`)

// docGoBlock is one block of a Markdown page that shows a file.
type docGoBlock struct {
	line       int    // of the opening fence, from 1
	file       string // as the marker names it, from the repository root
	start, end int    // byte offsets of the content, between the fences
}

// docGoBlocks finds every Go block, and every block with a marker, and
// the file each names; a Go block without its marker, a marker without its
// block (a .go file's: without its Go block), or an unclosed block is an
// error in the list.
func docGoBlocks(path, readme string) (blocks []docGoBlock, problems []string) {
	offset, marked, markedLine := 0, "", 0
	lines := strings.SplitAfter(readme, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\n")
		offset += len(lines[i])
		if m := fileMarker.FindStringSubmatch(line); m != nil {
			marked, markedLine = m[1], i+1
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		isGoFile := strings.HasSuffix(marked, ".go")
		if line == "```go" && (marked == "" || isGoFile) || marked != "" && !isGoFile && len(line) > 3 && strings.HasPrefix(line, "```") {
			if marked == "" {
				problems = append(problems, path+":"+strconv.Itoa(i+1)+": a ```go block needs the line <!-- file: PATH --> before it, PATH a .go file the build compiles (a program, a test or an example_*_test.go)")
			}
			b := docGoBlock{line: i + 1, file: marked, start: offset}
			closed := false
			for i++; i < len(lines); i++ {
				if strings.TrimRight(lines[i], "\n") == "```" {
					b.end = offset
					offset += len(lines[i])
					closed = true
					break
				}
				offset += len(lines[i])
			}
			if !closed {
				problems = append(problems, path+":"+strconv.Itoa(b.line)+": the "+line+" block is not closed")
				break
			}
			if marked != "" {
				blocks = append(blocks, b)
			}
		} else if marked != "" {
			problems = append(problems, path+":"+strconv.Itoa(markedLine)+": <!-- file: "+marked+" --> is not followed by a "+blockKind(marked))
		}
		marked = ""
	}
	if marked != "" {
		problems = append(problems, path+":"+strconv.Itoa(markedLine)+": <!-- file: "+marked+" --> is not followed by a "+blockKind(marked))
	}
	return blocks, problems
}

// blockKind is the block a marker for file needs.
func blockKind(file string) string {
	if strings.HasSuffix(file, ".go") {
		return "```go block"
	}
	return "fenced block"
}

// TestDocsGoBlocks holds every Go block of the README and of docs/ equal
// to the file its marker names, so each one compiles (and tests and
// examples run) with the rest of the module.
func TestDocsGoBlocks(t *testing.T) {
	total := 0
	for _, path := range docPaths(t) {
		total += checkGoBlocks(t, path)
	}
	require.NotZero(t, total, "the pages show Go code")
}

// checkGoBlocks checks (or, with -update-docs, rewrites) the Go blocks of
// one page and says how many it has.
func checkGoBlocks(t *testing.T, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(raw)
	blocks, problems := docGoBlocks(path, readme)
	require.Empty(t, problems)

	var updated strings.Builder
	last := 0
	for _, b := range blocks {
		require.False(t, filepath.IsAbs(b.file) || strings.Contains(b.file, ".."), "%s:%d: the marker names a path inside the repository", path, b.line)
		want, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(b.file)))
		require.NoError(t, err, "%s:%d: the block's file", path, b.line)
		if *updateDocs {
			updated.WriteString(readme[last:b.start])
			updated.Write(want)
			last = b.end
			continue
		}
		assert.Equal(t, string(want), readme[b.start:b.end],
			"%s:%d: the block differs from %s: edit the file, then run %s", path, b.line, b.file, updateGoBlocksCommand)
	}
	if *updateDocs && len(blocks) > 0 {
		updated.WriteString(readme[last:])
		require.NoError(t, os.WriteFile(path, []byte(updated.String()), 0o644))
	}
	return len(blocks)
}

func TestDocGoBlocksFindsProblems(t *testing.T) {
	t.Parallel()
	const good = "text\n<!-- file: a/b.go -->\n\n```go\npackage b\n```\n"
	blocks, problems := docGoBlocks("README.md", good)
	assert.Empty(t, problems)
	require.Len(t, blocks, 1)
	assert.Equal(t, "a/b.go", blocks[0].file)
	assert.Equal(t, "package b\n", good[blocks[0].start:blocks[0].end])
	assert.Equal(t, 4, blocks[0].line)

	const yml = "<!-- file: w.yml -->\n```yaml\non: push\n```\n```yaml\nunmarked: fine\n```\n"
	blocks, problems = docGoBlocks("README.md", yml)
	assert.Empty(t, problems)
	require.Len(t, blocks, 1)
	assert.Equal(t, "on: push\n", yml[blocks[0].start:blocks[0].end])

	for in, want := range map[string]string{
		"```go\npackage b\n```\n":                           ":1: a ```go block needs the line <!-- file: PATH -->",
		"<!-- file: a.go -->\nsome text\n":                  ":1: <!-- file: a.go --> is not followed by a ```go block",
		"<!-- file: a.go -->\n```go\npackage a\n":           ":2: the ```go block is not closed",
		"<!-- file: a.go -->\n```sh\necho\n```\n":           ":1: <!-- file: a.go --> is not followed",
		"<!-- file: a.yml -->\ntext\n":                      ":1: <!-- file: a.yml --> is not followed by a fenced block",
		"x\n\n```go\npackage b\n```\n<!-- file: c.go -->\n": ":3: a ```go block needs",
	} {
		_, problems := docGoBlocks("README.md", in)
		require.NotEmpty(t, problems, in)
		assert.Contains(t, problems[0], want, in)
	}
}
