package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lintRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := cmdLint(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

// lintDefective is a document with an example that breaks its schema and
// a component name with spaces.
const lintDefective = `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing List'}
              example: {items: 3}
components:
  schemas:
    Thing List:
      type: object
      properties:
        items: {type: array, items: {type: string}}
`

func writeSpec(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
	return path
}

func TestLint(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, lintDefective)
	code, out, errOut := lintRun(t, "--spec", path)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, out, "spec.example\t")
	assert.Contains(t, out, "spec.name\t")
	assert.Equal(t, 2, strings.Count(out, "\n"), out)
	assert.Equal(t, "conformance lint: "+path+": 2 defects\n", errOut)

	code, out, errOut = lintRun(t)
	assert.Equal(t, exitOK, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "no defects")
}

// A 3.1 document is linted as a 3.0 one is, and the 3.0 keywords left in it
// are noted where they are.
func TestLintNotes30KeywordsIn31(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, `openapi: 3.1.0
info: {title: x, version: '1'}
paths:
  /a:
    get:
      operationId: a
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  n: {type: integer, minimum: 0, exclusiveMinimum: true}
                  s: {type: string, nullable: true}
                  t: {type: [string, "null"]}
                  k: {const: org}
`)
	code, out, errOut := lintRun(t, "--spec", path)
	assert.Equal(t, exitFindings, code, errOut)
	assert.Equal(t, 2, strings.Count(out, "spec.keyword\t"), out)
	assert.Contains(t, out, "/properties/n: a boolean exclusiveMinimum means nothing in OpenAPI 3.1")
	assert.Contains(t, out, "/properties/s: nullable means nothing in OpenAPI 3.1")
	assert.Equal(t, 2, strings.Count(out, "\n"), out)
}

func TestLintRefusesWhatCannotBeJudged(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ doc, msg string }{
		"3.2":          {"openapi: 3.2.0\ninfo: {title: x, version: '1'}\npaths: {}\n", `"3.2.0"`},
		"dangling ref": {"openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n", "#/components/responses/Nope"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := lintRun(t, "--spec", writeSpec(t, c.doc))
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, c.msg)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
		})
	}
	code, _, errOut := lintRun(t, "--spec", filepath.Join(t.TempDir(), "missing.yaml"))
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
}

// validate judges by a defective document and says once how many defects
// it has; the report itself is unchanged.
func TestValidateCountsSpecNotes(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, lintDefective)
	body := filepath.Join(t.TempDir(), "body.json")
	require.NoError(t, os.WriteFile(body, []byte(`{"items":["a"]}`), 0o644))
	code, out, errOut := validateRun(t, "", nil, "--spec", path, "--operation", "listThings", "--status", "200",
		"--header", "Content-Type: application/json", "--body", body)
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Equal(t, 1, strings.Count(errOut, "2 defects"), errOut)
	assert.Contains(t, errOut, "conformance lint --spec "+path)

	// A recording is judged without counting them: on a large document
	// that would cost more than the judging.
	rec := filepath.Join(t.TempDir(), "rec.har")
	require.NoError(t, os.WriteFile(rec, []byte(`{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[
{"startedDateTime":"2026-01-01T00:00:00Z","time":1,
 "request":{"method":"GET","url":"https://api.example.com/things","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
 "response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[{"name":"Content-Type","value":"application/json"}],"cookies":[],
  "content":{"size":15,"mimeType":"application/json","text":"{\"items\":[\"a\"]}"},"redirectURL":"","headersSize":-1,"bodySize":15},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`), 0o644))
	code, out, errOut = validateRun(t, "", nil, "--spec", path, "--har", rec)
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "1 passed", out)
	assert.NotContains(t, errOut, "defect", errOut)
}

// run and proxy, too, judge by a defective document and count its
// defects once on stderr.
func TestRunAndProxyCountSpecNotes(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, lintDefective)
	code, _, errOut := runCLI(t, map[string]string{"WEBEX_TOKEN": "test-token-123456"}, false,
		"--spec", path, "--target", "http://127.0.0.1:1/v1", "--rate", "0", "--timeout", "1s")
	assert.Equal(t, exitUntestable, code, errOut)
	assert.Equal(t, 1, strings.Count(errOut, "the spec has 2 defects"), errOut)

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":["a"]}`))
	}))
	defer upstream.Close()
	base, _, stderr, stop := proxyStart(t, nil, "--upstream", upstream.URL, "--spec", path)
	status, _ := proxyGet(t, base+"/things", "")
	assert.Equal(t, http.StatusOK, status)
	stop()
	assert.Equal(t, 1, strings.Count(stderr.String(), "the spec has 2 defects"), stderr.String())
}

func TestLintExplainsSlowSchemas(t *testing.T) {
	t.Parallel()
	slow := `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items:
                      oneOf:
                        - {type: string}
                        - {type: integer}
                      not: {type: boolean}
                  count: {type: integer, multipleOf: 2}
`
	path := writeSpec(t, slow)
	code, out, errOut := lintRun(t, "--spec", path, "--explain")
	assert.Equal(t, exitOK, code, "slow schemas are no defect")
	assert.Equal(t, "slow\tlistThings 200 application/json /count\tmultipleOf\n"+
		"slow\tlistThings 200 application/json /items/*\tnot\n", out)
	assert.Contains(t, errOut, "2 schemas judged on the slow path")
	assert.Contains(t, errOut, "2 of 7 response schemas (28.6%) on the fast path")

	code, out, errOut = lintRun(t, "--explain")
	assert.Equal(t, exitOK, code)
	assert.Empty(t, out, "the embedded spec is judged in the single pass throughout")
	assert.Contains(t, errOut, "0 schemas judged on the slow path")

	_, out, _ = lintRun(t, "--spec", path)
	assert.Empty(t, out, "without --explain only defects are listed")
}

// lint --explain names the JSON Schema 2020-12 keyword that puts a schema
// of a 3.1 document on the slow path; the ones the single pass judges
// (type lists, a string const, numeric exclusive bounds) are not listed.
func TestLintExplains31Keywords(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, `openapi: 3.1.0
info: {title: x, version: '1'}
paths:
  /things:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {const: thing}
                  size: {type: [number, "null"], exclusiveMinimum: 0}
                  pair: {type: array, prefixItems: [{type: string}, {type: integer}]}
                  card:
                    type: object
                    if: {required: [number]}
                    then: {required: [expiry]}
`)
	code, out, errOut := lintRun(t, "--spec", path, "--explain")
	assert.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "slow\tgetThing 200 application/json /card\tif, then, else\n"+
		"slow\tgetThing 200 application/json /pair\tprefixItems\n", out)
}
