package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var proxyURLLine = regexp.MustCompile(`conformance proxy: (http://127\.0\.0\.1:\d+) →`)

// The proxy's memory is bounded in total: 16 clients posting 1 MB bodies
// to an upstream that answers 1 MB, recorded with --har, and the backlog
// judged after SIGINT, stay far below 512 MB of peak RSS (before: 11.8 GB
// with --har). The peak is the kernel's, over the whole process life.
func TestProxyMemoryIsBoundedInTotal(t *testing.T) {
	if testing.Short() {
		t.Skip("moves a gigabyte through a proxy process")
	}
	bin := tool(t)
	if p := os.Getenv("CONFORMANCE_PROXY_BINARY"); p != "" {
		bin = p
	}
	const (
		clients  = 16
		requests = 12 // each
		size     = 1 << 20
	)
	body := bytes.Repeat([]byte("a"), size)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(body)
	}))
	defer upstream.Close()

	cmd := exec.Command(bin, "proxy", "--listen", "127.0.0.1:0", "--upstream", upstream.URL,
		"--har", os.DevNull, "--format", "json", "--output", os.DevNull)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	var base string
	for base == "" && lines.Scan() {
		if m := proxyURLLine.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	require.NotEmpty(t, base, "the proxy did not start")
	var rest strings.Builder
	drained := make(chan struct{})
	go func() {
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), "conformance") {
				rest.WriteString(lines.Text() + "\n")
			}
		}
		close(drained)
	}()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var (
		wg  sync.WaitGroup
		cut atomic.Int32
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range requests {
				resp, err := client.Post(base+"/v1/webhooks", "application/octet-stream", bytes.NewReader(body))
				if !assert.NoError(t, err) {
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					cut.Add(1)
				}
				assert.NoError(t, err, "the response is not cut (the transport's read past the request's Content-Length, TestRequestBodyEndsAtItsDeclaredLength)")
				assert.Equal(t, int64(size), n, "forwarded untouched")
			}
		}()
	}
	wg.Wait()
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	<-drained
	_ = cmd.Wait()
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	t.Logf("peak RSS %d MiB for %d exchanges of 1 MiB each way (%d responses cut); %s", peak>>20, clients*requests, cut.Load(), rest.String())
	assert.Less(t, peak, int64(512<<20), "peak RSS")
}
