package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHARProgress: a clock that moves a second per read shows entries,
// megabytes, the rate and the time left, at most five times a second, and
// the line is cleared at the end.
func TestHARProgress(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	entries := 0
	var out bytes.Buffer
	p := &harProgress{r: strings.NewReader(strings.Repeat("x", 4_000_000)), w: &out, name: "big.har", size: 4_000_000,
		entries: func() int { return entries }, now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	buf := make([]byte, 1_000_000)
	for {
		entries++
		if _, err := p.Read(buf); err == io.EOF {
			break
		}
	}
	p.done()
	s := out.String()
	assert.Contains(t, s, "\r\x1b[Kvalidate: big.har: 2 entries, 2.0 MB of 4.0 MB, 2.0 MB/s, 1s left")
	assert.Contains(t, s, "validate: big.har: 3 entries, 3.0 MB of 4.0 MB, 1.5 MB/s, 1s left")
	assert.Contains(t, s, "validate: big.har: 4 entries, 4.0 MB of 4.0 MB, 1.3 MB/s\r")
	assert.True(t, strings.HasSuffix(s, "\r\x1b[K"), "the line is cleared")

	quiet := &harProgress{r: strings.NewReader("x"), w: &out, name: "a", entries: func() int { return 0 }, now: time.Now}
	out.Reset()
	_, _ = quiet.Read(buf)
	quiet.done()
	assert.Empty(t, out.String(), "nothing before the first interval")
}

// TestValidateHARIsQuietWhenPiped: progress goes to a terminal only.
func TestValidateHARIsQuietWhenPiped(t *testing.T) {
	t.Parallel()
	code, _, errOut := validateRun(t, "", nil, "--har", validateSampleHAR, "--format", "json")
	require.NotEqual(t, exitUsage, code, errOut)
	assert.NotContains(t, errOut, "validate: ")
}
