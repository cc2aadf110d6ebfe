package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

// TestRunJudgesTheSample checks that the baseline really validates: the
// sample recording's type error and unknown enum value fail, the entry no
// route matches is skipped.
func TestRunJudgesTheSample(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run(api.Spec, false, "../../conformance/har/testdata/sample.har", &out))
	assert.Regexp(t, `^8 entries: \d+ passed, [1-9]\d* failed, [1-9]\d* skipped; [1-9]\d* findings\n$`, out.String())
}

func TestRunBrokenRecording(t *testing.T) {
	t.Parallel()
	require.Error(t, run(api.Spec, false, "../../conformance/har/testdata/truncated.har", &bytes.Buffer{}))
}
