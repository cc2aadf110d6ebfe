package webex_test

import (
	"go/build"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/webex-conformance/webhooks"

// The Webex layer: the spec, the typed client, the mock and this tree.
var webexPackages = []string{module + "/api", module + "/gen", module + "/mock", module + "/webex"}

func isWebex(path string) bool {
	for _, w := range webexPackages {
		if path == w || strings.HasPrefix(path, w+"/") {
			return true
		}
	}
	return false
}

// TestGenericLayerKnowsNoWebex fails when a package of the generic layer
// (conformance/... and internal/...) imports a package of the Webex layer
// in its code (tests may use the Webex spec as a fixture).
func TestGenericLayerKnowsNoWebex(t *testing.T) {
	t.Parallel()
	checked := 0
	for _, root := range []string{"../conformance", "../internal"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			pkg, err := build.ImportDir(path, 0)
			if err != nil {
				if _, none := err.(*build.NoGoError); none {
					return nil
				}
				return err
			}
			checked++
			for _, imp := range pkg.Imports {
				assert.False(t, isWebex(imp), "%s (generic) imports %s (Webex)", path, imp)
			}
			return nil
		})
		require.NoError(t, err)
	}
	assert.Greater(t, checked, 8, "the generic packages were found")
}

// TestCLILinksNoTestingPackage fails when the command imports, at any
// depth, the testing package: a test helper in a package the CLI uses
// would register test flags in every run of the tool.
func TestCLILinksNoTestingPackage(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", module+"/cmd/conformance").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, module+"/webex", "the dependency list was read")
	assert.NotContains(t, deps, "testing", "cmd/conformance links the testing package")
}
