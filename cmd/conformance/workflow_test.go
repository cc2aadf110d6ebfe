package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/mock"
)

// The nightly drift check is the composite action of action.yml; this
// repository's drift.yml and a client project's workflow use it. These
// tests run a workflow's steps as a runner would, the action's steps in
// place of its uses: line (bash -eo pipefail, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, the expressions and conditions they use), with a
// fake gh that records what it is asked and the real tool against a
// drifting target. The other uses: steps (checkout, setup-go,
// upload-artifact) are the runner's business and are left out; the build
// step is replaced by a prebuilt binary. What the issue and the summary
// say is the summary command's, tested on its own.

type workflowStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

type workflowFile struct {
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

type actionFile struct {
	Inputs map[string]struct {
		Default  string `yaml:"default"`
		Required bool   `yaml:"required"`
	} `yaml:"inputs"`
	Runs struct {
		Using string         `yaml:"using"`
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"runs"`
}

const actionPath = "../../action.yml"

// fakeGH answers the gh calls the action makes from files in its
// directory and logs every call, one per line, to calls.log. Where the
// action asks gh for --jq, it answers what that query would print.
const fakeGH = `#!/usr/bin/env bash
set -euo pipefail
dir="$FAKE_GH_DIR"
echo "$*" >> "$dir/calls.log"
case "$1 $2" in
  "run list") cat "$dir/runs.txt" 2>/dev/null || true ;;
  "run download")
    id="$3"; shift 3; out=""
    while [ $# -gt 0 ]; do case "$1" in --dir) out="$2"; shift 2 ;; *) shift ;; esac; done
    [ -d "$dir/artifacts/$id" ] || { echo "no artifact" >&2; exit 1; }
    mkdir -p "$out"; cp "$dir/artifacts/$id"/* "$out"/ ;;
  "issue list") cat "$dir/issue-number" 2>/dev/null || true ;;
  "issue create"|"issue edit")
    while [ $# -gt 0 ]; do case "$1" in --body-file) cp "$2" "$dir/issue-body.md"; shift 2 ;; *) shift ;; esac; done ;;
  "issue comment"|"issue close") ;;
  *) echo "fake gh: unexpected: $*" >&2; exit 1 ;;
esac
`

var expr = regexp.MustCompile(`\$\{\{\s*([^}]+?)\s*\}\}`)

// workflowRun runs the drift job of one workflow file, night after night.
type workflowRun struct {
	t        *testing.T
	file     string // the workflow, as its repository names it
	steps    []workflowStep
	jobEnv   map[string]string
	action   actionFile
	workDir  string // the checkout
	tempDir  string // RUNNER_TEMP
	ghDir    string
	token    string
	logs     strings.Builder
	summary  string
	exitCode string
}

func newWorkflowRun(t *testing.T, path, file, token string) *workflowRun {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var wf workflowFile
	require.NoError(t, yaml.Unmarshal(data, &wf))
	job, ok := wf.Jobs["drift"]
	require.True(t, ok, "%s has a drift job", path)
	w := &workflowRun{t: t, file: file, steps: job.Steps, jobEnv: job.Env, workDir: t.TempDir(), tempDir: t.TempDir(), ghDir: t.TempDir(), token: token}
	data, err = os.ReadFile(actionPath)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &w.action))
	require.Equal(t, "composite", w.action.Runs.Using)
	require.NoError(t, os.WriteFile(filepath.Join(w.ghDir, "gh"), []byte(fakeGH), 0o755))
	return w
}

// usesTheAction reports whether a step is the drift-check action: this
// repository's own at this commit, or a client's pinned to a commit.
func usesTheAction(uses string) bool {
	return uses == "./" || strings.HasPrefix(uses, "webex-conformance/webhooks@")
}

// scope is what the expressions of one step can see.
type scope struct {
	inputs  map[string]string
	outputs map[string]map[string]string
}

// eval fills in the expressions the workflow and the action use.
func (w *workflowRun) eval(s string, sc scope) string {
	return expr.ReplaceAllStringFunc(s, func(m string) string {
		return w.value(strings.TrimSpace(expr.FindStringSubmatch(m)[1]), sc)
	})
}

func (w *workflowRun) value(e string, sc scope) string {
	switch {
	case e == "secrets.WEBEX_TOKEN":
		return w.token
	case e == "github.token":
		return "fake-github-token"
	case e == "github.repository":
		return "example/webhooks"
	case e == "github.server_url":
		return "https://github.example"
	case e == "github.run_id":
		return "100"
	case e == "github.action_path":
		abs, err := filepath.Abs("../..")
		require.NoError(w.t, err)
		return abs
	case strings.HasPrefix(e, "inputs."):
		v, ok := sc.inputs[strings.TrimPrefix(e, "inputs.")]
		require.True(w.t, ok, "the action has no input %s", e)
		return v
	case strings.HasPrefix(e, "steps."):
		parts := strings.Split(e, ".") // steps.ID.outputs.NAME
		require.Len(w.t, parts, 4, e)
		return sc.outputs[parts[1]][parts[3]]
	}
	w.t.Fatalf("the test does not know the expression %q", e)
	return ""
}

// condition is a step's if: always() and comparisons joined by &&, the
// only form the action uses; without one, a step runs while nothing
// has failed.
var comparison = regexp.MustCompile(`^([\w.-]+) (==|!=) '([^']*)'$`)

func (w *workflowRun) runs(s workflowStep, sc scope) bool {
	if s.If == "" {
		return w.exitCode == ""
	}
	for _, term := range strings.Split(s.If, "&&") {
		term = strings.TrimSpace(term)
		if term == "always()" {
			continue
		}
		m := comparison.FindStringSubmatch(term)
		require.NotNil(w.t, m, "the test does not know the condition %q", term)
		if (w.value(m[1], sc) == m[3]) != (m[2] == "==") {
			return false
		}
	}
	return true
}

// night runs the job once.
func (w *workflowRun) night() {
	t := w.t
	summary := filepath.Join(w.tempDir, "summary.md")
	require.NoError(t, os.WriteFile(summary, nil, 0o644))
	w.exitCode = ""
	wfScope := scope{outputs: map[string]map[string]string{}}
	ran := false
	for _, s := range w.steps {
		if !usesTheAction(s.Uses) {
			require.NotEmpty(t, s.Uses, "the job's own steps are uses: steps; its shell is the action's")
			continue
		}
		ran = true
		inputs := map[string]string{}
		for name, in := range w.action.Inputs {
			inputs[name] = w.eval(in.Default, wfScope)
			if v, ok := s.With[name]; ok {
				inputs[name] = w.eval(v, wfScope)
			}
			require.True(t, !in.Required || inputs[name] != "", "the workflow gives the required input %s", name)
		}
		for name := range s.With {
			_, ok := w.action.Inputs[name]
			require.True(t, ok, "the action has an input %s", name)
		}
		w.runAction(scope{inputs: inputs, outputs: map[string]map[string]string{}}, summary)
	}
	require.True(t, ran, "%s uses the drift-check action", w.file)
	data, err := os.ReadFile(summary)
	require.NoError(t, err)
	w.summary = string(data)
}

func (w *workflowRun) runAction(sc scope, summary string) {
	t := w.t
	for _, s := range w.action.Runs.Steps {
		if s.Uses != "" || !w.runs(s, sc) {
			continue
		}
		require.Equal(t, "bash", s.Shell, s.Name)
		if strings.HasPrefix(s.Run, "go build") {
			continue // the binary is prebuilt
		}
		out := filepath.Join(w.tempDir, "output-"+s.ID)
		require.NoError(t, os.WriteFile(out, nil, 0o644))
		script := filepath.Join(w.tempDir, "step.sh")
		require.NoError(t, os.WriteFile(script, []byte(s.Run), 0o644))
		assert.NotContains(t, s.Run, "${{", "%s: expressions reach a script through env:, never pasted into it", s.Name)
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = w.workDir
		cmd.Env = append(os.Environ(), "PATH="+w.ghDir+":"+os.Getenv("PATH"), "FAKE_GH_DIR="+w.ghDir,
			"RUNNER_TEMP="+w.tempDir, "GITHUB_OUTPUT="+out, "GITHUB_STEP_SUMMARY="+summary, "GITHUB_RUN_ID=100",
			"GITHUB_REPOSITORY=example/webhooks", "GITHUB_WORKFLOW_REF=example/webhooks/.github/workflows/"+w.file+"@refs/heads/main",
			"GITHUB_ACTION_PATH="+w.value("github.action_path", sc))
		for k, v := range w.jobEnv {
			cmd.Env = append(cmd.Env, k+"="+w.eval(v, sc))
		}
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+w.eval(v, sc))
		}
		b, err := cmd.CombinedOutput()
		fmt.Fprintf(&w.logs, "== %s\n%s", s.Name, b)
		outputs := map[string]string{}
		data, _ := os.ReadFile(out)
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				outputs[k] = v
			}
		}
		if s.ID != "" {
			sc.outputs[s.ID] = outputs
		}
		if err != nil {
			w.exitCode = err.Error()
			if strings.HasPrefix(s.Name, "Fail on") {
				break
			}
			t.Fatalf("step %q failed: %v\n%s", s.Name, err, w.logs.String())
		}
	}
}

func (w *workflowRun) calls() string {
	b, _ := os.ReadFile(filepath.Join(w.ghDir, "calls.log"))
	require.NoError(w.t, os.Remove(filepath.Join(w.ghDir, "calls.log")))
	return string(b)
}

// publish keeps tonight's reports as run id's artifact and lists the run.
func (w *workflowRun) publish(id string) {
	dir := filepath.Join(w.ghDir, "artifacts", id)
	require.NoError(w.t, os.MkdirAll(dir, 0o755))
	for _, f := range []string{"drift.json", "drift.xml", "drift.md", "drift-digest.md", "follow.diff", "follow.log"} {
		if b, err := os.ReadFile(filepath.Join(w.workDir, f)); err == nil {
			require.NoError(w.t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
		}
	}
	runs, _ := os.ReadFile(filepath.Join(w.ghDir, "runs.txt"))
	require.NoError(w.t, os.WriteFile(filepath.Join(w.ghDir, "runs.txt"), append([]byte(id+"\n"), runs...), 0o644))
}

// tool puts the conformance tool where the action's build step would,
// pointed at target instead of the live API.
func (w *workflowRun) tool(target string) {
	t := w.t
	bin := filepath.Join(w.tempDir, "conformance-real")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	// --rate only exists on run; the other commands get their arguments untouched.
	wrapper := "#!/usr/bin/env bash\nif [ \"$1\" = run ]; then\n  shift\n  args=(run --rate 0)\n  for a in \"$@\"; do args+=(\"${a/https:\\/\\/webexapis.com\\/v1/" + strings.ReplaceAll(target, "/", "\\/") + "}\"); done\n  exec " + bin + " \"${args[@]}\"\nfi\nexec " + bin + " \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(w.tempDir, "conformance"), []byte(wrapper), 0o755))
}

// listDriftTarget answers a list of n webhooks, each the JSON of item
// with its own id, in pages of max with a next link, and each of them by
// id; everything else is the mock.
func listDriftTarget(t *testing.T, token string, n int, item func() string) string {
	t.Helper()
	inner := mock.New(mock.WithTokens(token))
	one := func(i int) string { return `{"id":"w` + strconv.Itoa(i) + `",` + item() }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.Header.Get("Authorization") == "Bearer "+token {
			body := ""
			if strings.HasSuffix(r.URL.Path, "/webhooks") {
				start, _ := strconv.Atoi(r.URL.Query().Get("start"))
				size := n
				if m, err := strconv.Atoi(r.URL.Query().Get("max")); err == nil && m > 0 {
					size = m
				}
				end := min(start+size, n)
				var items []string
				for i := start; i < end; i++ {
					items = append(items, one(i))
				}
				if end < n {
					next := "http://" + r.Host + r.URL.Path + "?max=" + strconv.Itoa(size) + "&start=" + strconv.Itoa(end)
					if owned := r.URL.Query().Get("ownedBy"); owned != "" {
						next += "&ownedBy=" + owned
					}
					w.Header().Set("Link", "<"+next+`>; rel="next"`)
				}
				body = `{"items":[` + strings.Join(items, ",") + `]}`
			}
			for i := range n {
				if strings.HasSuffix(r.URL.Path, "/webhooks/w"+strconv.Itoa(i)) {
					body = one(i)
				}
			}
			if body != "" {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("TrackingID", "ROUTER_X")
				_, _ = w.Write([]byte(body))
				return
			}
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

// driftedItem is a webhook (but its id) with a resource and a property
// the spec does not know.
const driftedItem = `"name":"n","targetUrl":"https://example.com/","resource":"meetingSummaries","event":"created",` +
	`"status":"active","created":"2024-01-01T00:00:00Z","orgName":"Acme"}`

func TestDriftWorkflowNightAfterNight(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on PATH", tool)
		}
	}
	const token = "CANARY-workflow-token-0123456789"
	var item atomic.Value
	item.Store(driftedItem)
	target := listDriftTarget(t, token, 12, func() string { return item.Load().(string) })

	w := newWorkflowRun(t, "../../.github/workflows/drift.yml", "drift.yml", token)
	require.NoError(t, os.MkdirAll(filepath.Join(w.workDir, "api"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(w.workDir, "api", "openapi.yaml"), api.Spec, 0o644))
	w.tool(target)

	// Night 1: no earlier report; drift is new, an issue is opened with the
	// findings and the amendment, and the job fails.
	w.night()
	assert.Contains(t, w.exitCode, "exit status 1", w.logs.String())
	calls := w.calls()
	assert.Contains(t, calls, "run list --repo example/webhooks --workflow drift.yml --status completed")
	assert.Contains(t, calls, "issue create --repo example/webhooks --title Nightly drift check: the Webex API does not match api/openapi.yaml --body-file drift-digest.md")
	body, err := os.ReadFile(filepath.Join(w.ghDir, "issue-body.md"))
	require.NoError(t, err)
	issue := string(body)
	assert.True(t, strings.HasPrefix(issue, "## ❌ Nightly drift check: the Webex API does not match api/openapi.yaml: nonconformant\n"), issue)
	assert.Contains(t, issue, "### New findings")
	assert.Regexp(t, "\\| drift \\| `body.enum` \\| listWebhooks \\| 200 \\| `/items/\\*/resource` \\| \\d+ \\| `\"meetingSummaries\"` \\|", issue, "the twelve webhooks' drift is one row")
	assert.Equal(t, 1, strings.Count(issue, "`/items/*/resource`"))
	assert.Contains(t, issue, "### Proposed amendment of api/openapi.yaml")
	assert.Contains(t, issue, "+        - meetingSummaries # seen")
	assert.Contains(t, issue, "+        orgName:")
	assert.Contains(t, issue, "[the run](https://github.example/example/webhooks/actions/runs/100)")
	assert.Equal(t, issue, w.summary, "the step summary is the issue's text")
	w.publish("1")

	// Night 2: the same drift is known from night 1; the job passes, the
	// open issue's description is brought up to date without a comment.
	require.NoError(t, os.WriteFile(filepath.Join(w.ghDir, "issue-number"), []byte("7\n"), 0o644))
	w.night()
	assert.Empty(t, w.exitCode, w.logs.String())
	calls = w.calls()
	assert.Contains(t, calls, "run download 1 --repo example/webhooks --name drift-report --dir drift-baseline/run")
	assert.Contains(t, calls, "issue edit 7 --repo example/webhooks --body-file drift-digest.md")
	assert.NotContains(t, calls, "issue comment")
	assert.NotContains(t, calls, "issue create")
	assert.Contains(t, w.summary, "None: every finding was known from the baseline.")
	assert.Contains(t, w.summary, "<details><summary>Known from the baseline: ")
	w.publish("2")

	// Night 3: the token is refused; the night is untested, the issue is
	// left alone, the job fails, and the night is no baseline.
	w.token = "expired-token"
	w.night()
	assert.Contains(t, w.exitCode, "exit status 3", w.logs.String())
	calls = w.calls()
	assert.NotContains(t, calls, "issue ")
	assert.Contains(t, w.summary, ": untested")
	w.publish("3")
	w.token = token

	// Night 4: a new enum value; the baseline is night 2 (night 3 tested
	// nothing), the job fails and the issue gets a comment.
	item.Store(strings.Replace(driftedItem, "meetingSummaries", "wellbeing", 1))
	w.night()
	assert.Contains(t, w.exitCode, "exit status 1", w.logs.String())
	calls = w.calls()
	assert.Contains(t, calls, "run download 2 --repo example/webhooks --name drift-report --dir drift-baseline/run")
	assert.Regexp(t, `issue comment 7 --repo example/webhooks --body New drift: \d+ new findings in 2 places \(https://github.example/example/webhooks/actions/runs/100\)\.`, calls)
	assert.Regexp(t, "\\| drift \\| `body.enum` \\| listWebhooks \\| 200 \\| `/items/\\*/resource` \\| \\d+ \\| `\"wellbeing\"` \\|", w.summary)
	assert.Less(t, strings.Index(w.summary, "### New findings"), strings.Index(w.summary, "Known from the baseline"), "new first")
	w.publish("4")

	// Night 5: the API matches the spec again; the issue is closed.
	item.Store(`"name":"n","targetUrl":"https://example.com/","resource":"messages","event":"created","status":"active","created":"2024-01-01T00:00:00Z"}`)
	w.night()
	assert.Empty(t, w.exitCode, w.logs.String())
	calls = w.calls()
	assert.Contains(t, calls, "issue close 7 --repo example/webhooks --comment A clean night")

	// The token never reaches a log, a report, the summary or the issue.
	for name, s := range map[string]string{"logs": w.logs.String(), "summary": w.summary, "calls": calls} {
		assert.NotContains(t, s, token, name)
	}
	for _, id := range []string{"1", "2", "3", "4"} {
		entries, err := os.ReadDir(filepath.Join(w.ghDir, "artifacts", id))
		require.NoError(t, err)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(w.ghDir, "artifacts", id, e.Name()))
			require.NoError(t, err)
			assert.NotContains(t, string(b), token, e.Name())
		}
	}
}

// TestAClientProjectAdoptsTheAction runs the workflow docs/drift-check.md
// gives a client project, in a repository that has nothing of this one:
// its own copy of the spec under its own name, the action at a pinned
// commit.
func TestAClientProjectAdoptsTheAction(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on PATH", tool)
		}
	}
	const token = "CANARY-client-token-0123456789"
	target := listDriftTarget(t, token, 3, func() string { return driftedItem })
	w := newWorkflowRun(t, "../../examples/testdata/workflows/webex-drift.yml", "webex-drift.yml", token)
	require.NoError(t, os.MkdirAll(filepath.Join(w.workDir, "api"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(w.workDir, "api", "webex.yaml"), api.Spec, 0o644))
	w.tool(target)

	w.night()
	assert.Contains(t, w.exitCode, "exit status 1", w.logs.String())
	calls := w.calls()
	assert.Contains(t, calls, "run list --repo example/webhooks --workflow webex-drift.yml")
	assert.Contains(t, calls, "issue create --repo example/webhooks --title Nightly drift check: the Webex API does not match its spec --body-file drift-digest.md")
	assert.Contains(t, w.summary, "### Proposed amendment of api/webex.yaml", "the client's spec, by its own name")
	assert.Equal(t, 1, strings.Count(w.summary, "`/items/*/resource`"), "one row for the three webhooks")
	for _, f := range []string{"drift.json", "drift.xml", "drift.md", "drift-digest.md", "follow.diff"} {
		assert.FileExists(t, filepath.Join(w.workDir, f))
	}
}

func TestDriftActionPinsActionsAndUploadsEveryReport(t *testing.T) {
	t.Parallel()
	pinned := regexp.MustCompile(`^\s*(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # .+$`)
	for path, want := range map[string]int{actionPath: 2, "../../.github/workflows/drift.yml": 2, "../../examples/testdata/workflows/webex-drift.yml": 2} {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		uses := 0
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "uses:") {
				uses++
				if strings.TrimSpace(line) == "- uses: ./" {
					continue // this repository's action at this commit
				}
				assert.Regexp(t, pinned, line, "%s: pinned to a commit, with a comment beside it", path)
			}
		}
		assert.Equal(t, want, uses, path)
	}

	data, err := os.ReadFile("../../.github/workflows/drift.yml")
	require.NoError(t, err)
	var wf struct {
		Jobs map[string]struct {
			Permissions map[string]string `yaml:"permissions"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(data, &wf))
	assert.Equal(t, map[string]string{"contents": "read", "actions": "read", "issues": "write"}, wf.Jobs["drift"].Permissions)

	data, err = os.ReadFile(actionPath)
	require.NoError(t, err)
	var action actionFile
	require.NoError(t, yaml.Unmarshal(data, &action))
	found := false
	for _, s := range action.Runs.Steps {
		if strings.HasPrefix(s.Uses, "actions/upload-artifact@") {
			found = true
			for _, f := range []string{"drift.json", "drift.xml", "drift.md", "drift-digest.md", "follow.diff", "follow.log"} {
				assert.Contains(t, s.With["path"], f)
			}
		}
	}
	assert.True(t, found)
}

// TestDriftActionScriptsPassShellcheck lints the action's run: scripts,
// which actionlint does not read (it lints workflows).
func TestDriftActionScriptsPassShellcheck(t *testing.T) {
	t.Parallel()
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("no shellcheck on PATH")
	}
	data, err := os.ReadFile(actionPath)
	require.NoError(t, err)
	var action actionFile
	require.NoError(t, yaml.Unmarshal(data, &action))
	dir := t.TempDir()
	for i, s := range action.Runs.Steps {
		if s.Run == "" {
			continue
		}
		script := filepath.Join(dir, fmt.Sprintf("step%d.sh", i))
		require.NoError(t, os.WriteFile(script, []byte("#!/usr/bin/env bash\n"+s.Run), 0o644))
		out, err := exec.Command(shellcheck, "-s", "bash", script).CombinedOutput()
		assert.NoError(t, err, "%s:\n%s", s.Name, out)
	}
}
