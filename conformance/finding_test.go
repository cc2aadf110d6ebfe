package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFailOn(t *testing.T) {
	t.Parallel()
	for _, s := range []Severity{SeverityError, SeverityDrift} {
		got, err := ParseFailOn(string(s))
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	for _, s := range []string{"", "info", "ERROR", "warning"} {
		_, err := ParseFailOn(s)
		require.Error(t, err, s)
		assert.Contains(t, err.Error(), "error or drift")
		assert.NotContains(t, err.Error(), "--", "a library names no flag")
	}
}

func TestAtLeast(t *testing.T) {
	t.Parallel()
	assert.True(t, SeverityError.AtLeast(SeverityDrift))
	assert.True(t, SeverityDrift.AtLeast(SeverityDrift))
	assert.False(t, SeverityDrift.AtLeast(SeverityError))
	assert.False(t, SeverityInfo.AtLeast(SeverityDrift))
	assert.True(t, SeverityInfo.AtLeast(SeverityInfo))
}
