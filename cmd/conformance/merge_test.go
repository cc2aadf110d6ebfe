package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance/report"
)

func mergeRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := cmdMerge(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

// shardReport validates a HAR of entries into a JSON report file.
func shardReport(t *testing.T, name string, requires []string, entries ...string) string {
	t.Helper()
	har := validateWriteHAR(t, entries...)
	path := filepath.Join(t.TempDir(), name)
	args := []string{"--har", har, "--output", path}
	for _, q := range requires {
		args = append(args, "--require", q)
	}
	_, _, errOut := validateRun(t, "", nil, args...)
	_, err := os.Stat(path)
	require.NoError(t, err, errOut)
	return path
}

// withoutNames drops what names a recording and an entry in it: a shard's
// case names cite its own file.
func withoutNames(r report.Report) report.Report {
	for i := range r.Cases {
		r.Cases[i].Name = ""
	}
	return r
}

func TestMergeOfShardsIsTheWhole(t *testing.T) {
	t.Parallel()
	bad := strings.Replace(validateEntry(`{"id":5}`), `"status":200`, `"status":200`, 1)
	entries := []string{validateEntry(validateWebhook), listEntry, bad, listEntry, validateEntry(validateWebhook)}
	reqs := []string{"getWebhookDetails:200", "listWebhooks:2XX"}
	whole := shardReport(t, "whole.json", reqs, entries...)
	a := shardReport(t, "a.json", reqs, entries[:2]...)
	b := shardReport(t, "b.json", reqs, entries[2:]...)

	merged := filepath.Join(t.TempDir(), "merged.json")
	code, _, errOut := mergeRun(t, a, b, "--output", merged)
	require.Equal(t, exitFindings, code, errOut)

	read := func(path string) report.Report {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		r, err := report.ReadJSON(data)
		require.NoError(t, err)
		return *r
	}
	w, m := withoutNames(read(whole)), withoutNames(read(merged))
	assert.Equal(t, w, m)
	assert.Equal(t, w.Summary(), m.Summary())
	require.NotNil(t, m.Coverage)
	get, _ := m.Coverage.Operation("getWebhookDetails")
	assert.Equal(t, 3, get.Exchanges)
}

// A required response one shard lacks and another judged is judged.
func TestMergeRecomputesRequirements(t *testing.T) {
	t.Parallel()
	reqs := []string{"getWebhookDetails:200"}
	lists := shardReport(t, "lists.json", reqs, listEntry)
	gets := shardReport(t, "gets.json", reqs, validateEntry(validateWebhook))
	code, out, errOut := mergeRun(t, lists, "--format", "text")
	assert.Equal(t, exitUntestable, code, errOut)
	assert.Contains(t, out, "getWebhookDetails 200 was never judged")
	code, out, errOut = mergeRun(t, lists, gets)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "outcome: conformant")
}

func TestMergeRefusesMixedSpecs(t *testing.T) {
	t.Parallel()
	a := shardReport(t, "a.json", nil, listEntry)
	data, err := os.ReadFile(a)
	require.NoError(t, err)
	r, err := report.ReadJSON(data)
	require.NoError(t, err)
	other := filepath.Join(t.TempDir(), "other.json")
	r.Spec.SHA256 = strings.Repeat("0", 64)
	f, err := os.Create(other)
	require.NoError(t, err)
	require.NoError(t, report.Write(f, report.JSON, r))
	require.NoError(t, f.Close())

	code, out, errOut := mergeRun(t, a, other)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	assert.Contains(t, errOut, "conformance merge: "+other+" was judged by another spec (sha256 000000000000)")
	assert.Contains(t, errOut, "--allow-mixed-specs")

	code, _, errOut = mergeRun(t, a, other, "--allow-mixed-specs")
	assert.Equal(t, exitOK, code, errOut)

	code, _, errOut = mergeRun(t)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "give the JSON reports")
	code, _, errOut = mergeRun(t, filepath.Join(t.TempDir(), "missing.json"))
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
}
