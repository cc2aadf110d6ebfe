package proxy

import (
	"io"
	"log"
	"os"
	"testing"
)

// TestMain silences the standard logger: http.Transport writes to it each
// time a test upstream that misbehaves on purpose sends bytes unasked.
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}
