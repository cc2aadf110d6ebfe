package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeMaxLines bounds the README: what it is, the quick start, each kind
// of user's first steps and where to go next. The reference is docs/.
const readmeMaxLines = 260

func TestREADMEIsShort(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	lines := strings.Count(string(raw), "\n")
	assert.LessOrEqual(t, lines, readmeMaxLines,
		"README.md has %d lines; keep it at most %d and move reference material to a page of docs/", lines, readmeMaxLines)
}

// TestDocsIndexListsEveryPage: every page of docs/ is linked from
// docs/README.md, so none is found only by listing the directory.
func TestDocsIndexListsEveryPage(t *testing.T) {
	t.Parallel()
	index, err := os.ReadFile(filepath.Join("..", "docs", "README.md"))
	require.NoError(t, err)
	linked := map[string]bool{}
	for _, l := range markdownLinks(string(index)) {
		target, _, _ := strings.Cut(l.target, "#")
		linked[filepath.Clean(target)] = true
	}
	pages, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	for _, p := range pages {
		name := filepath.Base(p)
		if name == "README.md" {
			continue
		}
		assert.True(t, linked[name], "docs/README.md does not link docs/%s: add a line such as - [Title](%s): what it covers", name, name)
	}
}

// TestDocLinksResolve: every relative link of the README and of docs/
// leads to a file of the repository and, with a #fragment, to a heading of
// that file.
func TestDocLinksResolve(t *testing.T) {
	t.Parallel()
	for _, path := range docPaths(t) {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, l := range markdownLinks(string(raw)) {
			if strings.Contains(l.target, "://") || strings.HasPrefix(l.target, "mailto:") {
				continue
			}
			file, fragment, _ := strings.Cut(l.target, "#")
			dest := path
			if file != "" {
				dest = filepath.Join(filepath.Dir(path), filepath.FromSlash(file))
				_, err := os.Stat(dest)
				if !assert.NoError(t, err, "%s:%d: the link to %s leads nowhere", path, l.line, l.target) {
					continue
				}
			}
			if fragment == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			body, err := os.ReadFile(dest)
			require.NoError(t, err)
			assert.Contains(t, headingAnchors(string(body)), fragment, "%s:%d: %s has no heading for #%s", path, l.line, dest, fragment)
		}
	}
}

func TestMarkdownLinksAndAnchors(t *testing.T) {
	t.Parallel()
	doc := "# The `mock`: serve it\n\nsee [a](a.md#x) and [b](#the-mock-serve-it).\n```sh\n[not](a link)\n# not a heading\n```\n## Same\n## Same\n"
	links := markdownLinks(doc)
	require.Len(t, links, 2)
	assert.Equal(t, "a.md#x", links[0].target)
	assert.Equal(t, 3, links[0].line)
	assert.Equal(t, []string{"the-mock-serve-it", "same", "same-1"}, headingAnchors(doc))
}

type markdownLink struct {
	target string
	line   int
}

var linkTarget = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// markdownLinks lists the inline links of a page outside its code blocks.
func markdownLinks(doc string) []markdownLink {
	var links []markdownLink
	fenced := false
	for i, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, m := range linkTarget.FindAllStringSubmatch(line, -1) {
			links = append(links, markdownLink{target: m[1], line: i + 1})
		}
	}
	return links
}

// headingAnchors lists the anchors GitHub gives a page's headings: lower
// case, punctuation dropped, spaces as hyphens, repeats numbered.
func headingAnchors(doc string) []string {
	var anchors []string
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(text) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			seen[a]++
			a += "-" + strconv.Itoa(n)
		} else {
			seen[a] = 1
		}
		anchors = append(anchors, a)
	}
	return anchors
}
