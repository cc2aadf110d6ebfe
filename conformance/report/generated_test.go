package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run that generated requests says from which seed in every format.
func TestGeneratedSeedInEveryFormat(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	r.Generated = &Generated{Seed: 424242, Requested: 10, Cases: 10, Sent: 12}
	for f, want := range map[Format]string{
		Text:     "seed 424242",
		Markdown: "seed 424242",
		JUnit:    `name="generate.seed" value="424242"`,
		JSON:     `"seed": 424242`,
	} {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, f, r))
		assert.Contains(t, buf.String(), want, f)
	}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r.Generated, back.Generated)

	r.Generated = nil
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, JSON, r))
	assert.NotContains(t, buf.String(), `"generated"`)
}
