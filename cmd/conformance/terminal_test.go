package main

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostilePath is a request target that, decoded, sets the terminal's
// title (OSC 0) and rings its bell.
const hostilePath = "/%1b%5d0%3bPWNED%07"

// assertTerminalSafe checks that out holds no control character but the
// newlines that end its lines, and that the hostile path is shown escaped.
func assertTerminalSafe(t *testing.T, name, out string) {
	t.Helper()
	for _, c := range out {
		if c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c <= 0x9f {
			t.Errorf("%s holds control character %U: %q", name, c, out)
			return
		}
	}
}

// A delivery to a path that decodes to terminal controls is logged, and
// reported in text, with the controls escaped.
func TestReceiveEscapesControlCharactersFromThePath(t *testing.T) {
	t.Parallel()
	base, stdout, stderr, stop := receiveStart(t, "", "--format", "text")
	resp, _ := sendRaw(t, base, "POST "+hostilePath+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", false, 5*time.Second)
	require.Contains(t, resp, "204")
	stop()
	assert.Contains(t, stderr.String(), "PWNED", "the delivery is logged")
	assertTerminalSafe(t, "stderr", stderr.String())
	assert.Contains(t, stdout.String(), "PWNED", "the delivery is reported")
	assertTerminalSafe(t, "the text report", stdout.String())
}

// The proxy's line for an upstream that failed quotes the client's path
// with its controls escaped.
func TestProxyUpstreamFailureLineEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: the upstream fails
	base, stdout, stderr, stop := proxyStart(t, nil, "--upstream", dead, "--format", "text")
	resp, _ := sendRaw(t, base, "GET /v1"+hostilePath+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false, 5*time.Second)
	require.Contains(t, resp, "502")
	stop()
	assert.Contains(t, stderr.String(), "upstream failed")
	assert.True(t, strings.Contains(stderr.String(), "PWNED") || strings.Contains(stderr.String(), "%1b"), stderr.String())
	assertTerminalSafe(t, "stderr", stderr.String())
	assertTerminalSafe(t, "the text report", stdout.String())
}
