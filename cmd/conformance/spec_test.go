package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
)

func TestSpecYAMLIsTheEmbeddedFileByteForByte(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"spec"}, {"spec", "--format", "yaml"}} {
		code, out, errOut := cli(t, args...)
		require.Equal(t, exitOK, code, errOut)
		assert.Empty(t, errOut)
		assert.True(t, bytes.Equal(api.Spec, []byte(out)), "%v prints api/openapi.yaml byte for byte", args)
	}
}

func TestSpecJSONIsTheSameDocument(t *testing.T) {
	t.Parallel()
	code, out, errOut := cli(t, "spec", "--format", "json")
	require.Equal(t, exitOK, code, errOut)

	var fromJSON, fromYAML any
	require.NoError(t, json.Unmarshal([]byte(out), &fromJSON))
	require.NoError(t, yaml.Unmarshal(api.Spec, &fromYAML))
	viaJSON, err := json.Marshal(fromYAML)
	require.NoError(t, err)
	var want any
	require.NoError(t, json.Unmarshal(viaJSON, &want))
	assert.Equal(t, want, fromJSON)

	// The keys keep the YAML's order, at the top and inside.
	assert.Equal(t, yamlKeys(t, api.Spec), jsonKeys(t, out))
	assert.NotContains(t, out, `\u003c`, "no HTML escaping")

	// kin-openapi, under the engine, reads it as the same spec.
	eng, err := conformance.New([]byte(out))
	require.NoError(t, err)
	embedded, err := conformance.New(api.Spec)
	require.NoError(t, err)
	assert.Equal(t, embedded.SpecInfo().Title, eng.SpecInfo().Title)
	assert.Equal(t, embedded.SpecInfo().Version, eng.SpecInfo().Version)
	assert.Empty(t, eng.SpecNotes())
	for _, id := range []string{"listWebhooks", "createWebhook", "getWebhookDetails", "updateWebhook", "deleteWebhook"} {
		_, ok := eng.Operation(id)
		assert.True(t, ok, id)
	}
}

// yamlKeys lists the keys of the top-level mapping and of info, in order.
func yamlKeys(t *testing.T, doc []byte) []string {
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(doc, &root))
	var keys []string
	top := root.Content[0]
	for i := 0; i < len(top.Content); i += 2 {
		keys = append(keys, top.Content[i].Value)
		if top.Content[i].Value == "info" {
			info := top.Content[i+1]
			for j := 0; j < len(info.Content); j += 2 {
				keys = append(keys, "info."+info.Content[j].Value)
			}
		}
	}
	return keys
}

func jsonKeys(t *testing.T, doc string) []string {
	var top struct {
		Info json.RawMessage `json:"info"`
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &top))
	order := func(s string) []string {
		dec := json.NewDecoder(strings.NewReader(s))
		_, _ = dec.Token()
		var keys []string
		for dec.More() {
			k, err := dec.Token()
			require.NoError(t, err)
			keys = append(keys, k.(string))
			var skip json.RawMessage
			require.NoError(t, dec.Decode(&skip))
		}
		return keys
	}
	var keys []string
	for _, k := range order(doc) {
		keys = append(keys, k)
		if k == "info" {
			for _, ik := range order(string(top.Info)) {
				keys = append(keys, "info."+ik)
			}
		}
	}
	return keys
}

func TestYAMLToJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{in: "b: 1\na: [true, null, 1.5, '2', x]\n200: {}\n", want: `{"b":1,"a":[true,null,1.5,"2","x"],"200":{}}`},
		{in: "a: &x {k: v}\nb: *x\n", want: `{"a":{"k":"v"},"b":{"k":"v"}}`},
		{in: "s: <a & b>\n", want: `{"s":"<a & b>"}`},
		{in: "x: .inf\n", err: "no JSON form"},
		{in: "? [a]\n: 1\n", err: "only scalar mapping keys"},
		{in: "a: [\n", err: "yaml"},
		{in: "", err: "one YAML document"},
	}
	for _, tt := range tests {
		got, err := yamlToJSON([]byte(tt.in))
		if tt.err != "" {
			require.Error(t, err, tt.in)
			assert.Contains(t, err.Error(), tt.err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, got))
		assert.Equal(t, tt.want, compact.String(), tt.in)
	}
}

func TestSpecAndRulesRefuseUnknownFormats(t *testing.T) {
	t.Parallel()
	assertUsageErrors(t, map[string]string{
		"spec --format xml":    `conformance spec: --format "xml": expected yaml or json`,
		"rules --format junit": `conformance rules: --format "junit": expected text, json or markdown`,
	})
}

func TestRulesEveryFormatListsTheCatalogue(t *testing.T) {
	t.Parallel()
	catalogue := conformance.Rules()
	require.NotEmpty(t, catalogue)

	code, text, errOut := cli(t, "rules")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.Len(t, lines, len(catalogue)+1, "a header and one line a rule")
	for i, r := range catalogue {
		assert.Regexp(t, `^`+strings.ReplaceAll(r.ID(), ".", `\.`)+` +`+string(r.Severity())+` +`, lines[i+1])
		assert.Contains(t, lines[i+1], r.FiresWhen()+" ["+r.Enforces()+"]")
	}

	code, out, _ := cli(t, "rules", "--format", "json")
	require.Equal(t, exitOK, code)
	var got []catalogueRule
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, len(catalogue))
	for i, r := range catalogue {
		assert.Equal(t, catalogueRule{ID: r.ID(), Severity: string(r.Severity()), FiresWhen: r.FiresWhen(), Enforces: r.Enforces()}, got[i])
	}

	code, md, _ := cli(t, "rules", "--format", "markdown")
	require.Equal(t, exitOK, code)
	rows := strings.Split(strings.TrimSuffix(md, "\n"), "\n")
	require.Len(t, rows, len(catalogue)+2)
	for i, r := range catalogue {
		assert.True(t, strings.HasPrefix(rows[i+2], "| `"+r.ID()+"` | "+string(r.Severity())+" | "), rows[i+2])
		assert.Equal(t, 5, strings.Count(rows[i+2], " | ")+2, "four cells: %s", rows[i+2])
	}
}

func TestSpecOutputWritesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ format, name string }{{"yaml", "webex.yaml"}, {"json", "webex.json"}} {
		path := filepath.Join(dir, tc.name)
		require.NoError(t, os.WriteFile(path, []byte("an older copy, longer than nothing"), 0o640))
		code, out, errOut := cli(t, "spec", "--format", tc.format, "--output", path)
		require.Equal(t, exitOK, code, errOut)
		assert.Empty(t, out)
		assert.Empty(t, errOut)
		_, stdout, _ := cli(t, "spec", "--format", tc.format)
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, stdout, string(got), "--output writes what stdout gets")
		info, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), "a replaced file keeps its permissions")
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file is left behind")
}

func TestSpecOutputThatCannotBeWrittenLeavesNoFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing-dir", "webex.yaml")
	code, out, errOut := cli(t, "spec", "--output", path)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Regexp(t, `^conformance spec: writing .*webex\.yaml: .*no such file or directory\n$`, errOut)
	_, err := os.Stat(path)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// TestWriteFileAtomicIsWholeOrNothing: a write that fails half-way leaves
// neither an empty nor a partial file, and an existing file as it was.
func TestWriteFileAtomicIsWholeOrNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	broken := errors.New("disk full")
	failHalfWay := func(w io.Writer) error {
		_, _ = w.Write([]byte("openapi: 3.0.3\ninfo:\n"))
		return broken
	}

	fresh := filepath.Join(dir, "fresh.yaml")
	assert.ErrorIs(t, writeFileAtomic(fresh, failHalfWay), broken)
	_, err := os.Stat(fresh)
	assert.ErrorIs(t, err, fs.ErrNotExist, "a failed write creates no file")

	existing := filepath.Join(dir, "existing.yaml")
	require.NoError(t, os.WriteFile(existing, []byte("the old spec\n"), 0o644))
	assert.ErrorIs(t, writeFileAtomic(existing, failHalfWay), broken)
	got, err := os.ReadFile(existing)
	require.NoError(t, err)
	assert.Equal(t, "the old spec\n", string(got), "a failed write leaves the old file")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the temporary file is removed")

	require.NoError(t, writeFileAtomic(existing, func(w io.Writer) error {
		_, err := w.Write([]byte("the new spec\n"))
		return err
	}))
	got, err = os.ReadFile(existing)
	require.NoError(t, err)
	assert.Equal(t, "the new spec\n", string(got))
}
