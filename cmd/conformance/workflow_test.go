package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/api"
)

// The nightly workflow's shell steps, run as a runner would run them
// (bash -eo pipefail, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), with a fake gh
// that records what it is asked and the real tool against a drifting
// target. The uses: steps (checkout, setup-go, upload-artifact) are the
// runner's business and are left out; the build step is replaced by a
// prebuilt binary.

type workflowStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

type workflowFile struct {
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

// fakeGH answers the gh calls the workflow makes from files in its
// directory and logs every call, one per line, to calls.log.
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
  "issue list") cat "$dir/issues.json" 2>/dev/null || echo '[]' ;;
  "issue create"|"issue edit")
    while [ $# -gt 0 ]; do case "$1" in --body-file) cp "$2" "$dir/issue-body.md"; shift 2 ;; *) shift ;; esac; done ;;
  "issue comment"|"issue close") ;;
  *) echo "fake gh: unexpected: $*" >&2; exit 1 ;;
esac
`

var expr = regexp.MustCompile(`\$\{\{\s*([^}]+?)\s*\}\}`)

type workflowRun struct {
	t        *testing.T
	steps    []workflowStep
	jobEnv   map[string]string
	workDir  string // the checkout
	tempDir  string // RUNNER_TEMP
	ghDir    string
	token    string
	outputs  map[string]map[string]string
	logs     strings.Builder
	summary  string
	exitCode string
}

func loadWorkflow(t *testing.T) ([]workflowStep, map[string]string) {
	t.Helper()
	data, err := os.ReadFile("../../.github/workflows/drift.yml")
	require.NoError(t, err)
	var wf workflowFile
	require.NoError(t, yaml.Unmarshal(data, &wf))
	job, ok := wf.Jobs["drift"]
	require.True(t, ok)
	return job.Steps, job.Env
}

// eval fills in the expressions the workflow uses.
func (w *workflowRun) eval(s string) string {
	return expr.ReplaceAllStringFunc(s, func(m string) string {
		e := strings.TrimSpace(expr.FindStringSubmatch(m)[1])
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
		case strings.HasPrefix(e, "steps."):
			parts := strings.Split(e, ".") // steps.ID.outputs.NAME
			require.Len(w.t, parts, 4, e)
			return w.outputs[parts[1]][parts[3]]
		}
		w.t.Fatalf("the test does not know the expression %q", e)
		return ""
	})
}

// runs reports whether a step runs: the workflow's conditions are all
// "always() && steps.run.outputs.exit != ”".
func (w *workflowRun) runs(s workflowStep) bool {
	switch s.If {
	case "":
		return w.exitCode == "" // before the run step nothing has failed
	case "always() && steps.run.outputs.exit != ''":
		return w.outputs["run"]["exit"] != ""
	}
	w.t.Fatalf("the test does not know the condition %q", s.If)
	return false
}

func (w *workflowRun) night() {
	t := w.t
	summary := filepath.Join(w.tempDir, "summary.md")
	require.NoError(t, os.WriteFile(summary, nil, 0o644))
	w.outputs = map[string]map[string]string{}
	w.exitCode = ""
	for _, s := range w.steps {
		if s.Uses != "" || !w.runs(s) {
			continue
		}
		if strings.HasPrefix(s.Run, "go build") {
			continue // the binary is prebuilt
		}
		out := filepath.Join(w.tempDir, "output-"+s.ID)
		require.NoError(t, os.WriteFile(out, nil, 0o644))
		script := filepath.Join(w.tempDir, "step.sh")
		require.NoError(t, os.WriteFile(script, []byte(s.Run), 0o644))
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = w.workDir
		cmd.Env = append(os.Environ(), "PATH="+w.ghDir+":"+os.Getenv("PATH"), "FAKE_GH_DIR="+w.ghDir,
			"RUNNER_TEMP="+w.tempDir, "GITHUB_OUTPUT="+out, "GITHUB_STEP_SUMMARY="+summary, "GITHUB_RUN_ID=100")
		for k, v := range w.jobEnv {
			cmd.Env = append(cmd.Env, k+"="+w.eval(v))
		}
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+w.eval(v))
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
			w.outputs[s.ID] = outputs
		}
		if err != nil {
			w.exitCode = err.Error()
			if strings.HasPrefix(s.Name, "Fail on") {
				break
			}
			t.Fatalf("step %q failed: %v\n%s", s.Name, err, w.logs.String())
		}
	}
	data, err := os.ReadFile(summary)
	require.NoError(t, err)
	w.summary = string(data)
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
	for _, f := range []string{"drift.json", "drift.xml", "drift.md", "follow.diff", "follow.log"} {
		if b, err := os.ReadFile(filepath.Join(w.workDir, f)); err == nil {
			require.NoError(w.t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
		}
	}
	runs, _ := os.ReadFile(filepath.Join(w.ghDir, "runs.txt"))
	require.NoError(w.t, os.WriteFile(filepath.Join(w.ghDir, "runs.txt"), append([]byte(id+"\n"), runs...), 0o644))
}

func TestDriftWorkflowNightAfterNight(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "jq", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on PATH", tool)
		}
	}
	const token = "CANARY-workflow-token-0123456789"
	var hook atomic.Value
	hook.Store(driftHook)
	target := driftTarget(t, token, func() string { return hook.Load().(string) })

	steps, jobEnv := loadWorkflow(t)
	w := &workflowRun{t: t, steps: steps, jobEnv: jobEnv, workDir: t.TempDir(), tempDir: t.TempDir(), ghDir: t.TempDir(), token: token}
	require.NoError(t, os.MkdirAll(filepath.Join(w.workDir, "api"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(w.workDir, "api", "openapi.yaml"), api.Spec, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(w.ghDir, "gh"), []byte(fakeGH), 0o755))

	// The tool, with the live API's address pointing at the test's target.
	bin := filepath.Join(w.tempDir, "conformance-real")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	// --rate only exists on run; follow gets its arguments untouched.
	wrapper := "#!/usr/bin/env bash\nif [ \"$1\" = run ]; then\n  shift\n  args=(run --rate 0)\n  for a in \"$@\"; do args+=(\"${a/https:\\/\\/webexapis.com\\/v1/" + strings.ReplaceAll(target, "/", "\\/") + "}\"); done\n  exec " + bin + " \"${args[@]}\"\nfi\nexec " + bin + " \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(w.tempDir, "conformance"), []byte(wrapper), 0o755))

	// Night 1: no earlier report; drift is new, an issue is opened with the
	// findings and the amendment, and the job fails.
	w.night()
	assert.Contains(t, w.exitCode, "exit status 1", w.logs.String())
	calls := w.calls()
	assert.Contains(t, calls, "run list --workflow drift.yml")
	assert.Contains(t, calls, "issue create --title Nightly drift check: the Webex API does not match api/openapi.yaml --body-file issue.md")
	body, err := os.ReadFile(filepath.Join(w.ghDir, "issue-body.md"))
	require.NoError(t, err)
	assert.Contains(t, string(body), "### New findings")
	assert.Contains(t, string(body), "`\"meetingSummaries\"`")
	assert.Contains(t, string(body), "+        - meetingSummaries # seen")
	assert.Contains(t, string(body), "+        orgName:")
	assert.Contains(t, w.summary, "### Failing cases", "the first night has no baseline")
	assert.Contains(t, w.summary, "Spec amendment proposed by conformance follow")
	w.publish("1")

	// Night 2: the same drift is known from night 1; the job passes, the
	// open issue's description is brought up to date without a comment.
	require.NoError(t, os.WriteFile(filepath.Join(w.ghDir, "issues.json"),
		[]byte(`[{"number": 7, "title": "Nightly drift check: the Webex API does not match api/openapi.yaml"}]`), 0o644))
	w.night()
	assert.Empty(t, w.exitCode, w.logs.String())
	calls = w.calls()
	assert.Contains(t, calls, "run download 1 --name drift-report --dir baseline/run")
	assert.Contains(t, calls, "issue edit 7 --body-file issue.md")
	assert.NotContains(t, calls, "issue comment")
	assert.NotContains(t, calls, "issue create")
	assert.Contains(t, w.summary, "Known from the baseline")
	w.publish("2")

	// Night 3: a new enum value; the job fails and the issue gets a comment.
	hook.Store(strings.Replace(driftHook, "meetingSummaries", "wellbeing", 1))
	w.night()
	assert.Contains(t, w.exitCode, "exit status 1", w.logs.String())
	calls = w.calls()
	assert.Contains(t, calls, "issue comment 7 --body New drift found: ")
	assert.Contains(t, w.summary, "### New findings")
	assert.Less(t, strings.Index(w.summary, "### New findings"), strings.Index(w.summary, "Known from the baseline"), "new first")
	w.publish("3")

	// Night 4: the API matches the spec again; the issue is closed.
	hook.Store(`{"id":"a","name":"n","targetUrl":"https://example.com/","resource":"messages","event":"created","status":"active","created":"2024-01-01T00:00:00Z"}`)
	w.night()
	assert.Empty(t, w.exitCode, w.logs.String())
	calls = w.calls()
	assert.Contains(t, calls, "issue close 7 --comment A clean run")

	// The token never reaches a log, a report, the summary or the issue.
	for name, s := range map[string]string{"logs": w.logs.String(), "summary": w.summary, "calls": calls} {
		assert.NotContains(t, s, token, name)
	}
	for _, id := range []string{"1", "2", "3"} {
		entries, err := os.ReadDir(filepath.Join(w.ghDir, "artifacts", id))
		require.NoError(t, err)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(w.ghDir, "artifacts", id, e.Name()))
			require.NoError(t, err)
			assert.NotContains(t, string(b), token, e.Name())
		}
	}
}

func TestDriftWorkflowPinsActionsAndUploadsEveryReport(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../.github/workflows/drift.yml")
	require.NoError(t, err)
	pinned := regexp.MustCompile(`^\s*(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$`)
	uses := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "uses:") {
			uses++
			assert.Regexp(t, pinned, line, "pinned to a commit, with its version beside it")
		}
	}
	assert.Equal(t, 3, uses)

	var wf struct {
		Jobs map[string]struct {
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(data, &wf))
	job := wf.Jobs["drift"]
	assert.Equal(t, map[string]string{"contents": "read", "actions": "read", "issues": "write"}, job.Permissions)
	found := false
	for _, s := range job.Steps {
		if strings.HasPrefix(s.Uses, "actions/upload-artifact@") {
			found = true
			for _, f := range []string{"drift.json", "drift.xml", "drift.md", "follow.diff"} {
				assert.Contains(t, s.With["path"], f)
			}
		}
	}
	assert.True(t, found)
}
