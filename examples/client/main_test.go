package main

import (
	"io"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/mock"
	"github.com/webex-conformance/webhooks/mock/mocktest"
)

// TestMainAgainstTheMock runs docs/client.md's program against the mock
// refusing about a third of all requests with 429, as docs/client.md suggests trying
// it: the program retries through them, prints what it did and leaves
// nothing behind. On any error it exits through log.Fatal, failing the test
// binary.
func TestMainAgainstTheMock(t *testing.T) {
	ts := mocktest.NewServer(t, mock.WithFaults(mock.MustParseFault("429:0.33:0")), mock.WithSeed(7))
	t.Setenv("WEBEX_BASE_URL", ts.URL)
	t.Setenv("WEBEX_TOKEN", ts.Token)

	out := captureStdout(t, main)
	assert.Regexp(t, regexp.MustCompile(`^got: New messages active \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \+0000 UTC
listed: New messages messages created
updated: New messages \(renamed\)
gone: 404 The requested resource could not be found\. trackingId \S+
$`), out)
	assert.Empty(t, ts.Webhooks(), "the program deletes what it created")
}

// captureStdout runs f with os.Stdout going to a pipe and returns what it
// wrote.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	saved := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	defer func() {
		os.Stdout = saved
	}()
	f()
	require.NoError(t, w.Close())
	return string(<-done)
}
