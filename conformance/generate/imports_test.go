package generate

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The generator is of the generic layer: it knows no Webex package.
func TestNoWebexImports(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range file.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			for _, webex := range []string{"/api", "/gen", "/mock", "/conformance/runner"} {
				assert.False(t, strings.HasPrefix(path, "github.com/webex-conformance/webhooks"+webex), "%s imports %s", f, path)
			}
		}
	}
}
