package har

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/internal/redact"
)

func TestWriterRoundTripsThroughTheDecoder(t *testing.T) {
	t.Parallel()
	const token = "writer-canary-token-41c9e2"
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "conformance", "v0", func(s string) string { return redact.Text(s, token) })
	require.NoError(t, err)
	u, _ := url.Parse("https://webexapis.com/v1/webhooks?max=2&ownedBy=org")
	binary := []byte{0xff, 0xfe, 0x00, 'x'}
	require.NoError(t, w.Write(&Record{
		Start: time.Date(2026, 12, 1, 10, 0, 0, 123e6, time.UTC), Duration: 1500 * time.Microsecond,
		Method: "POST", URL: u,
		RequestHeader: http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"},
			"X-Auth-Token": {"plain-value"}, "Cookie": {"a=b"}},
		RequestBody: []byte(`{"name":"n","secret":"s3cr3t-value"}`),
		Status:      200, ResponseHeader: http.Header{"Content-Type": {"application/octet-stream"}},
		ResponseBody: binary,
	}))
	require.NoError(t, w.Write(&Record{Start: time.Now(), Method: "GET", URL: u, RequestHeader: http.Header{}, Status: 0,
		ResponseHeader: http.Header{}, Comment: "no response"}))
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "twice is fine")
	assert.Error(t, w.Write(&Record{URL: u}), "not after close")
	assert.Equal(t, 2, w.Entries())

	out := buf.String()
	for _, hidden := range []string{token, "s3cr3t-value", "plain-value", "a=b"} {
		assert.NotContains(t, out, hidden)
	}
	assert.True(t, json.Valid(buf.Bytes()), out)

	d := NewDecoder(strings.NewReader(out))
	e, err := d.Next()
	require.NoError(t, err)
	assert.Equal(t, "POST", e.Request.Method)
	assert.Equal(t, u.String(), e.Request.URL.String())
	assert.Equal(t, "Bearer [redacted]", e.Request.Header.Get("Authorization"))
	assert.Equal(t, "[redacted]", e.Request.Header.Get("X-Auth-Token"))
	assert.JSONEq(t, `{"name":"n","secret":"[redacted]"}`, string(e.Request.Body))
	assert.Nil(t, e.Response.Body, "a body that is not UTF-8 is left out: no redactor sees into it")
	assert.Contains(t, e.Skip, "the response body was not recorded")
	assert.Contains(t, out, `"comment":"the response body is left out: not UTF-8 text, and a secret in it could not be redacted"`)
	assert.Equal(t, 1.5, e.Time)
	e, err = d.Next()
	require.NoError(t, err)
	assert.Contains(t, e.Skip, "no response was recorded")
	_, err = d.Next()
	assert.Equal(t, io.EOF, err)
}

func TestWriterEmptyAndConcurrent(t *testing.T) {
	t.Parallel()
	var empty bytes.Buffer
	w, err := NewWriter(&empty, "c", "v", nil)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = NewDecoder(&empty).Next()
	assert.Equal(t, io.EOF, err, "an empty session is a valid recording")

	var buf bytes.Buffer
	w, err = NewWriter(&buf, "c", "v", nil)
	require.NoError(t, err)
	u, _ := url.Parse("http://h/v1/webhooks")
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 10 {
				assert.NoError(t, w.Write(&Record{Method: "GET", URL: u, Status: 200, RequestHeader: http.Header{}, ResponseHeader: http.Header{}}))
			}
		})
	}
	wg.Wait()
	require.NoError(t, w.Close())
	d := NewDecoder(&buf)
	n := 0
	for {
		_, err := d.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 160, n)
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriterErrorsStick(t *testing.T) {
	t.Parallel()
	w, err := NewWriter(&failingWriter{after: 1}, "c", "v", nil)
	require.NoError(t, err)
	u, _ := url.Parse("http://h/v1/webhooks")
	rec := &Record{Method: "GET", URL: u, Status: 200, RequestHeader: http.Header{}, ResponseHeader: http.Header{}}
	assert.ErrorContains(t, w.Write(rec), "disk full")
	assert.ErrorContains(t, w.Write(rec), "disk full")
	assert.ErrorContains(t, w.Close(), "disk full")
	_, err = NewWriter(&failingWriter{}, "c", "v", nil)
	assert.Error(t, err)
	rel, _ := url.Parse("/v1/webhooks")
	assert.ErrorContains(t, w.Write(&Record{URL: rel}), "absolute URL")
}

// Every kind of secret a client or a server can put in an exchange stays
// out of the recording, wherever it is put.
func TestWriterHidesEveryKindOfSecret(t *testing.T) {
	t.Parallel()
	const c = "CANARY"
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write([]byte(s))
		_ = zw.Close()
		return b.Bytes()
	}
	u, err := url.Parse("https://user:" + c + "pw@api.example/v1/webhooks?access_token=" + c + "q&max=2&api%5Fkey=" + c + "k")
	require.NoError(t, err)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "conformance", "v0", nil)
	require.NoError(t, err)
	require.NoError(t, w.Write(&Record{
		Start: time.Now(), Method: "POST", URL: u,
		RequestHeader: http.Header{
			"Authorization": {"Bearer " + c + "!TOKEN"}, "Proxy-Authorization": {"Basic " + c + "pa"},
			"X-Api-Key": {c + "xak"}, "Api-Key": {c + "ak"}, "X-Session-Id": {c + "sid"}, "Cookie": {"sid=" + c + "ck; theme=dark"},
			"Content-Type": {"application/x-www-form-urlencoded"},
		},
		RequestBody: []byte("password=" + c + "pw2&client_secret=" + c + "cs&name=n"),
		Status:      200,
		ResponseHeader: http.Header{
			"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"},
			"Set-Cookie":       {"sid=" + c + "sc; Path=/; HttpOnly"},
			"Location":         {"https://h/cb?refresh_token=" + c + "rt"},
			"Www-Authenticate": {`Bearer realm="x", access_token="` + c + `wa"`},
		},
		ResponseBody: gz(`{"x_api_key":"` + c + `1","apiKey":"` + c + `2","pwd":"` + c + `3","private_key":"` + c + `4","credentials":{"u":"` + c + `5"},"id_token":"` + c + `6"}`),
	}))
	require.NoError(t, w.Write(&Record{
		Start: time.Now(), Method: "POST", URL: u,
		RequestHeader: http.Header{"Content-Type": {"application/json; charset=iso-8859-1"}},
		RequestBody:   []byte("{\"password\":\"" + c + "\xe9\"}"),
		Status:        200, ResponseHeader: http.Header{},
	}))
	require.NoError(t, w.Close())
	out := buf.String()
	assert.NotContains(t, out, c, "%s", out)
	assert.True(t, json.Valid(buf.Bytes()), out)
	for _, kept := range []string{`realm=\"x\"`, "Bearer [redacted]", "theme=[redacted]", "Path=/; HttpOnly", "max=2",
		`"name":"max","value":"2"`, "recorded decoded", "left out: not UTF-8 text"} {
		assert.Contains(t, out, kept)
	}
	assert.NotContains(t, out, `"Content-Encoding"`, "the body is recorded decoded")
}
