package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readHARFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// collectHAR reads every entry; err is nil at the end of a well-formed
// document.
func collectHAR(r io.Reader, opts ...Option) ([]*Entry, error) {
	d := NewDecoder(r, opts...)
	var got []*Entry
	for {
		e, err := d.Next()
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got = append(got, e)
	}
}

func TestDecoderSample(t *testing.T) {
	t.Parallel()
	entries, err := collectHAR(bytes.NewReader(readHARFile(t, "sample.har")))
	require.NoError(t, err)
	require.Len(t, entries, 8)
	for i, e := range entries {
		assert.Equal(t, i, e.Index)
		assert.NotNil(t, e.Response.Header)
		assert.NotNil(t, e.Request.Header)
	}

	get := entries[0]
	assert.Empty(t, get.Skip)
	assert.Equal(t, "GET", get.Request.Method)
	assert.Equal(t, "webexapis.com", get.Request.URL.Host)
	assert.True(t, strings.HasPrefix(get.Request.URL.Path, "/v1/webhooks/Y2lz"))
	assert.Equal(t, 200, get.Response.Status)
	assert.Equal(t, "application/json;charset=UTF-8", get.Response.Header.Get("Content-Type"))
	assert.Equal(t, "ROUTER_5A0CB5D2-6D9A-4F1B-9C3E-0F1E2D3C4B5A", get.Response.Header.Get("Trackingid"))
	assert.True(t, json.Valid(get.Response.Body))
	assert.Contains(t, string(get.Response.Body), `"resource": "messages"`)
	assert.InDelta(t, 42.5, get.Time, 1e-9)

	assert.Equal(t, "max=2", entries[1].Request.URL.RawQuery)
	assert.Contains(t, entries[1].Response.Header.Get("Link"), `rel="next"`)

	b64 := entries[2]
	assert.Contains(t, string(b64.Response.Body), `"resource": "someNewResource"`, "base64 text is decoded")

	assert.Equal(t, "localhost:8080", entries[3].Request.URL.Host)

	del := entries[4]
	assert.Empty(t, del.Skip)
	assert.Equal(t, 204, del.Response.Status)
	assert.Empty(t, del.Response.Body)
	assert.Empty(t, del.Response.Header.Get("Content-Type"), "mimeType does not invent a header")

	assert.Empty(t, entries[5].Skip, "matching an operation is the replay's job")
	assert.Contains(t, entries[6].Skip, "no response was recorded")
	assert.Contains(t, entries[7].Skip, "body was not recorded (content.size 812")
}

// TestDecoderAgreesWithEncodingJSON reads the sample through readers that
// hand out one byte at a time or fail late, and checks every body and
// header against encoding/json's reading of the same file.
func TestDecoderAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"sample.har", "requests.har"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			testDecoderAgreesWithEncodingJSON(t, readHARFile(t, file))
		})
	}
}

func testDecoderAgreesWithEncodingJSON(t *testing.T, data []byte) {
	want := decodeHARStd(t, data)
	for name, r := range map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(data) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"data+err": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := collectHAR(r())
			require.NoError(t, err)
			requireSameAsStd(t, want, got)
		})
	}
}

type stdHAR struct {
	Log struct {
		Entries []stdEntry
	}
}

type stdEntry struct {
	Request struct {
		Method   string
		URL      string `json:"url"`
		Headers  []struct{ Name, Value string }
		PostData struct {
			Text     string
			Encoding string
		}
	}
	Response struct {
		Status  int
		Headers []struct{ Name, Value string }
		Content struct {
			Text     string
			Encoding string
		}
	}
}

func decodeHARStd(t testing.TB, data []byte) *stdHAR {
	var doc stdHAR
	require.NoError(t, json.Unmarshal(data, &doc))
	return &doc
}

func requireSameAsStd(t testing.TB, want *stdHAR, got []*Entry) {
	require.Len(t, got, len(want.Log.Entries))
	for i, w := range want.Log.Entries {
		g := got[i]
		require.Equal(t, w.Request.Method, g.Request.Method, "entry %d", i)
		if g.Request.URL != nil {
			u, err := url.Parse(w.Request.URL)
			require.NoError(t, err)
			require.Equal(t, u.String(), g.Request.URL.String(), "entry %d", i)
		}
		require.Equal(t, w.Response.Status, g.Response.Status, "entry %d", i)
		for _, h := range w.Response.Headers {
			if !strings.HasPrefix(h.Name, ":") && h.Name != "" {
				require.Contains(t, g.Response.Header.Values(h.Name), h.Value, "entry %d", i)
			}
		}
		if text := w.Request.PostData.Text; text != "" && g.Request.BodySkip == "" {
			if strings.EqualFold(w.Request.PostData.Encoding, "base64") {
				text = stdBase64(t, text)
			}
			require.Equal(t, text, string(g.Request.Body), "entry %d: request body", i)
		}
		if got[i].Skip != "" {
			continue
		}
		body := w.Response.Content.Text
		if strings.EqualFold(w.Response.Content.Encoding, "base64") {
			body = stdBase64(t, body)
		}
		require.Equal(t, body, string(g.Response.Body), "entry %d", i)
	}
}

// stdBase64 decodes a base64 text as recorders write it: the encoding's
// name in any case, padded or not, wrapped or not.
func stdBase64(t testing.TB, text string) string {
	text = strings.NewReplacer("\n", "", "\r", "", " ", "", "\t", "").Replace(text)
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(text)
	}
	require.NoError(t, err)
	return string(b)
}

func TestDecoderBrokenInput(t *testing.T) {
	t.Parallel()
	deep := `{"log":{"entries":[{"_x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}]}}`
	for _, tc := range []struct {
		name, input string
		entry       int
		msg         string
	}{
		{"empty file", "", -1, "empty file"},
		{"html", string(readHARFile(t, "not-json.har")), -1, "JSON object"},
		{"no entries", string(readHARFile(t, "no-entries.har")), -1, `no "log.entries"`},
		{"no log", `{"version":"1.2"}`, -1, `no "log"`},
		{"truncated", string(readHARFile(t, "truncated.har")), 3, "truncated"},
		{"truncated after a colon", `{"log":{"entries":`, -1, "truncated"},
		{"truncated after an entry", `{"log":{"entries":[{}`, 1, "truncated"},
		{"truncated inside an entry", `{"log":{"entries":[{"time":1,`, 0, "truncated"},
		{"truncated in a string", `{"log":{"entries":[{"request":{"url":"http://x`, 0, "truncated"},
		{"truncated in an escape", `{"log":{"entries":[{"request":{"url":"\u00`, 0, "truncated"},
		{"trailing garbage", `{"log":{"entries":[]}} {}`, -1, "data after"},
		{"trailing comma", `{"log":{"entries":[{"_a":[1,]}]}}`, 0, "after ','"},
		{"missing colon", `{"log":{"entries":[{"request" {}}]}}`, 0, "':'"},
		{"bad literal", `{"log":{"entries":[{"_a":nul}]}}`, 0, "literal"},
		{"bad number", `{"log":{"entries":[{"time":01}]}}`, 0, "number"},
		{"truncated after a number", `{"log":{"entries":[{"_a":"","time":12`, 0, "truncated"},
		{"status not a code", `{"log":{"entries":[{"response":{"status":200.5}}]}}`, 0, "status"},
		{"control char", "{\"log\":{\"entries\":[{\"_a\":\"a\x00b\"}]}}", 0, "control character"},
		{"bad escape", `{"log":{"entries":[{"_a":"\q"}]}}`, 0, "escape"},
		{"header without name", `{"log":{"entries":[{"response":{"headers":[{"value":"x"}]}}]}}`, 0, "without a name"},
		{"text not a string", `{"log":{"entries":[{"response":{"content":{"text":{}}}}]}}`, 0, "content.text"},
		{"entries not an array", `{"log":{"entries":{}}}`, -1, "expected an array"},
		{"deep nesting", deep, 0, "nesting deeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := collectHAR(strings.NewReader(tc.input))
			require.Error(t, err)
			var he *SyntaxError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, tc.entry, he.Entry, "entry index")
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), "\n", "one line")
			if tc.entry >= 0 {
				assert.Contains(t, err.Error(), "entry ")
			}
		})
	}
}

func TestDecoderReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader(`{"log":{"entries":[`), iotest.ErrReader(boom))
	_, err := collectHAR(r)
	require.ErrorIs(t, err, boom)
}

func TestDecoderAfterTheEnd(t *testing.T) {
	t.Parallel()
	d := NewDecoder(bytes.NewReader(readHARFile(t, "sample.har")))
	n := 0
	for {
		_, err := d.Next()
		if err != nil {
			require.Equal(t, io.EOF, err)
			break
		}
		n++
	}
	assert.Equal(t, 8, n)
	_, err := d.Next()
	assert.Equal(t, io.EOF, err, "the end stays the end")
}

func TestDecoderEntriesBeforeAFault(t *testing.T) {
	t.Parallel()
	doc := `{"log":{"entries":[{"response":{"status":200}},{"response":{"status":204}} x`
	d := NewDecoder(strings.NewReader(doc))
	for i := range 2 {
		e, err := d.Next()
		require.NoError(t, err, "entry %d comes before the fault after it", i)
		assert.Equal(t, i, e.Index)
	}
	_, err := d.Next()
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 2, se.Entry, "the fault is after entry 1")
	_, again := d.Next()
	assert.Same(t, err, again, "a broken document stays broken")
}

func TestDecoderReuseBuffers(t *testing.T) {
	t.Parallel()
	doc := `{"log":{"entries":[{"response":{"status":200,"content":{"text":"{\"a\":1}"}}},{"response":{"status":200,"content":{"text":"{\"b\":2}"}}}]}}`
	kept, err := collectHAR(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(kept[0].Response.Body), "without the option every body is the caller's")

	d := NewDecoder(strings.NewReader(doc), WithReusedBuffers())
	first, err := d.Next()
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(first.Response.Body))
	second, err := d.Next()
	require.NoError(t, err)
	assert.Equal(t, `{"b":2}`, string(second.Response.Body))
}

func TestDecoderReuseBuffersEntry(t *testing.T) {
	t.Parallel()
	doc := `{"log":{"entries":[` +
		`{"request":{"method":"GET","url":"https://x/a?b=1","headers":[{"name":"x-a","value":"1"}]},"response":{"status":200,"headers":[{"name":"link","value":"a"},{"name":"Link","value":"b"}],"content":{"text":"e30=","encoding":"base64"}}},` +
		`{"request":{"method":"POST","url":"http://y:8080/c","postData":{"params":[{"name":"n","value":"v w"}]}},"response":{"status":201,"headers":[{"name":"X-B","value":"2"}]}}]}}`
	d := NewDecoder(strings.NewReader(doc), WithReusedBuffers())
	first, err := d.Next()
	require.NoError(t, err)
	assert.Equal(t, "https://x/a?b=1", first.Request.URL.String())
	assert.Equal(t, http.Header{"X-A": {"1"}}, first.Request.Header)
	assert.Equal(t, http.Header{"Link": {"a", "b"}}, first.Response.Header)
	assert.Equal(t, "{}", string(first.Response.Body))
	second, err := d.Next()
	require.NoError(t, err)
	assert.Equal(t, 1, second.Index)
	assert.Equal(t, "http://y:8080/c", second.Request.URL.String())
	assert.Empty(t, second.Request.Header, "nothing of the entry before is left")
	assert.Equal(t, http.Header{"X-B": {"2"}}, second.Response.Header)
	assert.Equal(t, "n=v+w", string(second.Request.Body))
	assert.Nil(t, second.Response.Body)
}

// parseSimpleURL reads what it accepts as url.Parse does, and accepts the
// URLs recordings are made of.
func TestParseSimpleURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw    string
		simple bool
	}{
		{"https://webexapis.com/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmM", true},
		{"https://webexapis.com/v1/webhooks?max=3&cursor=abc%3D", true},
		{"http://localhost:8080/v1/webhooks", true},
		{"https://api.github.com", true},
		{"https://api.github.com?x=1", true},
		{"https://api.stripe.com/v1/customers/cus_123/sources;x=1,2@3", true},
		{"https://x/a?", false},
		{"https://x/a%20b", false},
		{"https://x/a b", false},
		{"https://x/a!b", false},
		{"https://x/a#frag", false},
		{"https://x/a?b#frag", false},
		{"https://user@x/a", false},
		{"https://[::1]:80/a", false},
		{"https://x:8a/a", false},
		{"https://x:80:81/a", false},
		{"HTTPS://x/a", false},
		{"https:///a", false},
		{"h2c://x/a", false},
		{"/relative", false},
		{"https://x/é", false},
		{"https://x/a?q=é", false},
		{"https://x/a?q=1", false},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			u, ok := parseSimpleURL(tc.raw)
			assert.Equal(t, tc.simple, ok)
			requireSimpleURLAsParsed(t, tc.raw)
			if ok {
				assert.Equal(t, tc.raw, u.String())
			}
		})
	}
}

func requireSimpleURLAsParsed(t *testing.T, raw string) {
	t.Helper()
	u, ok := parseSimpleURL(raw)
	if !ok {
		return
	}
	std, err := url.Parse(raw)
	require.NoError(t, err, "%q accepted", raw)
	require.Equal(t, *std, u, "%q", raw)
}

// FuzzParseSimpleURL checks that a URL parseSimpleURL accepts is one
// url.Parse reads to the same fields.
func FuzzParseSimpleURL(f *testing.F) {
	for _, s := range []string{"https://webexapis.com/v1/webhooks/abc", "http://localhost:8080/a?b=c&d", "https://x:/a;b=c,d@e", "https://x?y", "ftp://a.b-c_d~e/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) { requireSimpleURLAsParsed(t, raw) })
}

func TestDecoderRequestHeaders(t *testing.T) {
	t.Parallel()
	doc := `{"log":{"entries":[{"request":{"method":"GET","url":"https://x/a","headers":[{"name":"authorization","value":"Bearer x"},{"name":"Cookie","value":"c=1"}]},"response":{"status":200,"headers":[{"name":"X-A","value":"1"}]}}]}}`
	all, err := collectHAR(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Len(t, all[0].Request.Header, 2)
	some, err := collectHAR(strings.NewReader(doc), WithRequestHeaders("Authorization"))
	require.NoError(t, err)
	assert.Equal(t, http.Header{"Authorization": {"Bearer x"}}, some[0].Request.Header)
	assert.Equal(t, "1", some[0].Response.Header.Get("X-A"), "response headers are all kept")
}

func TestReadEntryDetails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		entry string
		check func(t *testing.T, e *Entry)
	}{
		{"escapes and surrogates", `{"request":{"method":"GET","url":"https://x/v1/webhooks/a"},"response":{"status":200,"content":{"text":"{\"n\":\"caf\u00e9 \ud83d\ude00 \\\" \/ \t\"}"}}}`,
			func(t *testing.T, e *Entry) {
				assert.Equal(t, "{\"n\":\"café 😀 \\\" / \t\"}", string(e.Response.Body))
			}},
		{"lone surrogate", `{"response":{"status":200,"content":{"text":"\ud83d!"}}}`,
			func(t *testing.T, e *Entry) { assert.Equal(t, "\uFFFD!", string(e.Response.Body)) }},
		{"headers canonical, repeated, pseudo dropped", `{"response":{"status":200,"headers":[{"name":":status","value":"200"},{"name":"content-type","value":"application/json"},{"name":"link","value":"<a>; rel=\"next\""},{"name":"LINK","value":"<b>; rel=\"prev\""}]}}`,
			func(t *testing.T, e *Entry) {
				h := e.Response.Header
				assert.Equal(t, []string{"application/json"}, h["Content-Type"])
				assert.Equal(t, []string{`<a>; rel="next"`, `<b>; rel="prev"`}, h["Link"])
				assert.NotContains(t, h, ":status")
			}},
		{"mimeType when no headers were recorded", `{"response":{"status":200,"headers":[],"content":{"mimeType":"application/json","text":"{}"}}}`,
			func(t *testing.T, e *Entry) {
				assert.Equal(t, "application/json", e.Response.Header.Get("Content-Type"))
			}},
		{"recorded headers win over mimeType", `{"response":{"status":200,"headers":[{"name":"X-A","value":"1"}],"content":{"mimeType":"application/json","text":"{}"}}}`,
			func(t *testing.T, e *Entry) { assert.Empty(t, e.Response.Header.Get("Content-Type")) }},
		{"null text and empty text are an empty body", `{"request":{"method":"DELETE","url":"https://x/"},"response":{"status":204,"content":{"size":0,"text":null}}}`,
			func(t *testing.T, e *Entry) {
				assert.Empty(t, e.Skip)
				assert.Nil(t, e.Response.Body)
			}},
		{"members in any order", `{"response":{"content":{"encoding":"base64","text":"e30="},"status":200},"request":{"url":"https://x/a","method":"GET"}}`,
			func(t *testing.T, e *Entry) {
				assert.Equal(t, "{}", string(e.Response.Body))
				assert.Equal(t, "GET", e.Request.Method)
			}},
		{"base64 without padding and wrapped", `{"request":{"method":"GET","url":"https://x/a"},"response":{"status":200,"content":{"text":"eyJh\nIjox\r\nfQ","encoding":"base64"}}}`,
			func(t *testing.T, e *Entry) { assert.Equal(t, `{"a":1}`, string(e.Response.Body)) }},
		{"bad base64 is a skip", `{"request":{"method":"GET","url":"https://x/a"},"response":{"status":200,"content":{"text":"!!!","encoding":"base64"}}}`,
			func(t *testing.T, e *Entry) { assert.Contains(t, e.Skip, "not valid base64") }},
		{"unknown encoding is a skip", `{"request":{"method":"GET","url":"https://x/a"},"response":{"status":200,"content":{"text":"x","encoding":"gzip"}}}`,
			func(t *testing.T, e *Entry) { assert.Contains(t, e.Skip, `"gzip"`) }},
		{"bad URL is a skip", `{"request":{"method":"GET","url":"http://[::1"},"response":{"status":200}}`,
			func(t *testing.T, e *Entry) { assert.Contains(t, e.Skip, "does not parse") }},
		{"no method is a skip", `{"request":{"url":"https://x/a"},"response":{"status":200}}`,
			func(t *testing.T, e *Entry) { assert.Contains(t, e.Skip, "no request method") }},
		{"null entry is a skip", `null`,
			func(t *testing.T, e *Entry) { assert.NotEmpty(t, e.Skip) }},
		{"unknown members skipped", `{"_webSocketMessages":[{"a":[1,2.5e3,-0.1,true,false,null,{"b":"\u0041"}]}],"request":{"method":"GET","url":"https://x/a","postData":{"text":"secret"}},"response":{"status":200,"_transferSize":12}}`,
			func(t *testing.T, e *Entry) {
				assert.Empty(t, e.Skip)
				assert.Equal(t, 200, e.Response.Status)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := `{"log":{"version":"1.2","entries":[` + tc.entry + `]}}`
			got, err := collectHAR(strings.NewReader(doc))
			require.NoError(t, err)
			require.Len(t, got, 1)
			tc.check(t, got[0])
		})
	}
}

func TestDecoderBodyCap(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 1000)
	for _, tc := range []struct{ name, content string }{
		{"text", `{"text":"` + big + `"}`},
		{"base64", `{"encoding":"base64","text":"` + base64.StdEncoding.EncodeToString([]byte(big)) + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := `{"log":{"entries":[{"request":{"method":"GET","url":"https://x/a"},"response":{"status":200,"content":` + tc.content + `}}]}}`
			got, err := collectHAR(strings.NewReader(doc), WithMaxBodyBytes(100))
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Len(t, got[0].Response.Body, 101, "cut one byte past the cap, so the engine sees it is too large")
			assert.Equal(t, strings.Repeat("x", 101), string(got[0].Response.Body))
		})
	}
}

func TestDecoderEmptyEntries(t *testing.T) {
	t.Parallel()
	got, err := collectHAR(bytes.NewReader(readHARFile(t, "empty.har")))
	require.NoError(t, err)
	assert.Empty(t, got)
}

// FuzzDecoder checks that no input panics the reader, that input which is
// not JSON is always an error, and that what it reads from valid JSON
// agrees with encoding/json.
func FuzzDecoder(f *testing.F) {
	for _, name := range []string{"sample.har", "truncated.har", "empty.har", "no-entries.har", "requests.har"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://x/v1/webhooks/a"},"response":{"status":200,"content":{"text":"e30=","encoding":"base64"}}}]}}`))
	f.Add([]byte(`{"log":{"entries":[null,{"response":{"headers":[{"name":":status","value":"1"}]}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := collectHAR(bytes.NewReader(data), WithMaxBodyBytes(1<<16))
		requireReuseAgrees(t, data, got, err)
		if !json.Valid(data) {
			require.Error(t, err, "invalid JSON accepted")
			return
		}
		if err != nil {
			return
		}
		// encoding/json turns invalid UTF-8 into U+FFFD, where the reader
		// keeps the bytes as recorded.
		if !utf8.Valid(data) {
			return
		}
		doc, ok := stdHARExact(data)
		if !ok {
			return
		}
		for _, e := range got {
			if len(e.Response.Body) > 1<<16+1 {
				t.Fatalf("entry %d: body of %d bytes passed the cap", e.Index, len(e.Response.Body))
			}
		}
		require.Len(t, got, len(doc.Log.Entries))
		if !hasBigBody(*doc) {
			requireSameAsStd(t, doc, got)
		}
	})
}

// requireReuseAgrees reads data again with WithReusedBuffers, through a reader
// that hands over a few bytes at a time, and requires every entry, looked
// at before the next is read, to be what the plain read made of it, and
// the same error.
func requireReuseAgrees(t *testing.T, data []byte, want []*Entry, wantErr error) {
	t.Helper()
	d := NewDecoder(chunkReader{r: bytes.NewReader(data), n: 7}, WithMaxBodyBytes(1<<16), WithReusedBuffers())
	for i := 0; ; i++ {
		e, err := d.Next()
		if err != nil {
			if wantErr == nil {
				require.Equal(t, io.EOF, err)
			} else {
				require.EqualError(t, err, wantErr.Error())
			}
			require.Len(t, want, i)
			return
		}
		require.Less(t, i, len(want), "an entry more than the plain read")
		require.Equal(t, entryView(want[i]), entryView(e), "entry %d", i)
	}
}

// entryView is what an entry holds, as plain values.
func entryView(e *Entry) map[string]any {
	v := map[string]any{
		"index": e.Index, "time": e.Time, "skip": e.Skip,
		"method": e.Request.Method, "reqHeader": e.Request.Header, "reqBody": string(e.Request.Body),
		"bodySkip": e.Request.BodySkip, "kept": e.Request.CredentialsKept,
		"status": e.Response.Status, "respHeader": e.Response.Header, "respBody": string(e.Response.Body),
		"respNil": e.Response.Body == nil, "reqNil": e.Request.Body == nil,
	}
	if e.Request.URL != nil {
		v["url"] = *e.Request.URL
	}
	return v
}

func hasBigBody(doc stdHAR) bool {
	for _, e := range doc.Log.Entries {
		if len(e.Response.Content.Text) > 1<<16 || len(e.Request.PostData.Text) > 1<<16 {
			return true
		}
	}
	return false
}

// benchHAR is a recording of n entries cycled from the sample.
func benchHAR(b *testing.B, n int) []byte {
	var doc struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "sample.har"))
	require.NoError(b, err)
	require.NoError(b, json.Unmarshal(raw, &doc))
	var buf bytes.Buffer
	buf.WriteString(`{"log":{"version":"1.2","entries":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(doc.Log.Entries[i%5]) // the five judged entries
	}
	buf.WriteString("]}}")
	return buf.Bytes()
}

// benchRecordings are the recordings the decoder benchmarks read: the
// sample's entries (2.2 KB each) and entries shaped like a browser's
// export of Webex traffic, as bench/hargen writes them (about 4 KB each).
func benchRecordings(b *testing.B) []struct {
	name string
	data []byte
} {
	return []struct {
		name string
		data []byte
	}{{"sample", benchHAR(b, 1000)}, {"browser", benchBrowserHAR(b, 1000)}}
}

// BenchmarkDecoder reads a 1,000-entry recording as Replay does: each
// entry's storage reused for the next, of the request headers those the
// engine reads. BenchmarkDecoderCopies keeps every entry and every header;
// the baseline decodes the same bytes with encoding/json into just the
// fields a replay needs.
func BenchmarkDecoder(b *testing.B) {
	for _, rec := range benchRecordings(b) {
		b.Run(rec.name, func(b *testing.B) {
			benchDecode(b, rec.data, WithReusedBuffers(), WithRequestHeaders("Authorization", "Content-Type", "Cookie"))
		})
	}
}

func BenchmarkDecoderCopies(b *testing.B) {
	for _, rec := range benchRecordings(b) {
		b.Run(rec.name, func(b *testing.B) { benchDecode(b, rec.data) })
	}
}

func benchDecode(b *testing.B, data []byte, opts ...Option) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), opts...)
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkDecoderBaseline(b *testing.B) {
	for _, rec := range benchRecordings(b) {
		b.Run(rec.name, func(b *testing.B) {
			b.SetBytes(int64(len(rec.data)))
			b.ReportAllocs()
			for b.Loop() {
				var doc stdHAR
				if err := json.Unmarshal(rec.data, &doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecoderTokenizer reads the same bytes with encoding/json's
// tokenizer, building nothing: what a streaming reader on the standard
// library pays before it keeps a single field.
func BenchmarkDecoderTokenizer(b *testing.B) {
	for _, rec := range benchRecordings(b) {
		b.Run(rec.name, func(b *testing.B) {
			b.SetBytes(int64(len(rec.data)))
			b.ReportAllocs()
			for b.Loop() {
				dec := json.NewDecoder(bytes.NewReader(rec.data))
				for {
					if _, err := dec.Token(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkDecoderPlainRead reads the same bytes in the decoder's 64 KB
// reads and looks at none of them: the ceiling.
func BenchmarkDecoderPlainRead(b *testing.B) {
	for _, rec := range benchRecordings(b) {
		b.Run(rec.name, func(b *testing.B) {
			b.SetBytes(int64(len(rec.data)))
			buf := make([]byte, harBufSize)
			for b.Loop() {
				r := bytes.NewReader(rec.data)
				for {
					if _, err := r.Read(buf); err == io.EOF {
						break
					}
				}
			}
		})
	}
}

// benchBrowserHAR is a recording of n entries shaped like bench/hargen's:
// a browser's export, indented, with HTTP/2 pseudo-headers and the
// headers a browser sends and Webex answers, mostly Get Webhook Details,
// some lists of three and some creates.
func benchBrowserHAR(b *testing.B, n int) []byte {
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	webhook := func(i int) map[string]any {
		return map[string]any{
			"id": fmt.Sprintf("Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUz%08d", i), "name": fmt.Sprintf("Webhook %d", i),
			"targetUrl": "https://example.com/hooks/1", "resource": "messages", "event": "created",
			"filter": "roomId=Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0", "status": "active",
			"created": "2026-10-18T14:26:16.203Z", "ownedBy": "creator",
			"orgId":     "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYS0zZGNjLTExZTUtYTE1Mi1mZTM0ODE5Y2RjOWE",
			"createdBy": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
			"appId":     "Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MzMmM4MDc3NDBjNmU3ZGYxMWRhZjE2ZjIyOGRmNjI4YmJjYTQ5YmE1MmZlY2JiMmM3ZDUxNWNiNGEwY2M5MWFh",
		}
	}
	var buf bytes.Buffer
	buf.WriteString("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"entries\": [\n    ")
	for i := range n {
		if i > 0 {
			buf.WriteString(",\n    ")
		}
		method, url, body := "GET", "https://webexapis.com/v1/webhooks/Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1", any(webhook(i))
		switch i % 10 {
		case 7, 8:
			method, url, body = "GET", "https://webexapis.com/v1/webhooks?max=3", map[string]any{"items": []any{webhook(i), webhook(i + 1), webhook(i + 2)}}
		case 9:
			method = "POST"
		}
		text, err := json.Marshal(body)
		require.NoError(b, err)
		req := map[string]any{
			"method": method, "url": url, "httpVersion": "http/2.0", "cookies": []nv{}, "queryString": []nv{}, "headersSize": -1, "bodySize": 0,
			"headers": []nv{{":authority", "webexapis.com"}, {":method", method}, {":path", url[24:]}, {":scheme", "https"},
				{"accept", "application/json"}, {"accept-encoding", "gzip, deflate, br"}, {"accept-language", "en-US,en;q=0.9"},
				{"authorization", "Bearer NjQ1ZTQ2YzQtYjY0Ny00ZGVhLWE4ZTUtMDAxMTIyMzM0NDU1MGQ0ZGQ1YjMtNDQ4"},
				{"origin", "https://developer.webex.com"}, {"referer", "https://developer.webex.com/"},
				{"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}},
		}
		if method == "POST" {
			post := `{"name":"Webhook","targetUrl":"https://example.com/hooks/1","resource":"messages","event":"created","secret":"s3cr3t"}`
			req["postData"] = map[string]any{"mimeType": "application/json", "text": post}
			req["bodySize"] = len(post)
		}
		entry := map[string]any{
			"startedDateTime": "2026-11-20T09:00:00.15Z", "time": 120.5, "request": req,
			"response": map[string]any{
				"status": 200, "statusText": "OK", "httpVersion": "http/2.0", "cookies": []nv{}, "redirectURL": "", "headersSize": -1, "bodySize": -1,
				"headers": []nv{{"date", "Fri, 20 Nov 2026 09:00:00 UTC"}, {"server", "Redacted"}, {"trackingid", "ROUTER_5A0CB5D2-6D9A-4F1B"},
					{"vary", "Accept-Encoding"}, {"strict-transport-security", "max-age=63072000; includeSubDomains; preload"},
					{"cache-control", "no-cache"}, {"x-content-type-options", "nosniff"}, {"content-type", "application/json;charset=UTF-8"}},
				"content": map[string]any{"size": len(text), "mimeType": "application/json", "text": string(text)},
			},
			"cache":           map[string]any{},
			"timings":         map[string]float64{"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.2, "wait": 120.5, "receive": 1.1},
			"serverIPAddress": "170.72.245.220", "connection": "443",
		}
		e, err := json.MarshalIndent(entry, "    ", "  ")
		require.NoError(b, err)
		buf.Write(e)
	}
	buf.WriteString("\n    ]\n  }\n}\n")
	return buf.Bytes()
}

// stdHARExact decodes data with encoding/json into a generic tree and picks
// the fields out with exact, case-sensitive names: decoding into stdHAR
// would match "stAtus" to Status, where JSON and the reader are
// case-sensitive. ok is false for a shape the reader would reject.
func stdHARExact(data []byte) (*stdHAR, bool) {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return nil, false
	}
	root, ok := stdObj(v)
	if !ok {
		return nil, false
	}
	log, ok := stdObj(root["log"])
	if !ok {
		return nil, false
	}
	list, ok := log["entries"].([]any)
	if !ok {
		return nil, false
	}
	doc := &stdHAR{}
	doc.Log.Entries = make([]stdEntry, len(list))
	for i, item := range list {
		e, ok1 := stdObj(item)
		req, ok2 := stdObj(e["request"])
		resp, ok3 := stdObj(e["response"])
		content, ok4 := stdObj(resp["content"])
		d := &doc.Log.Entries[i]
		post, ok12 := stdObj(req["postData"])
		var ok5, ok6, ok7, ok8, ok9, ok10, ok11, ok13, ok14 bool
		d.Request.PostData.Text, ok13 = stdStr(post["text"])
		d.Request.PostData.Encoding, ok14 = stdStr(post["encoding"])
		d.Request.Method, ok5 = stdStr(req["method"])
		d.Request.URL, ok6 = stdStr(req["url"])
		d.Request.Headers, ok7 = stdHeaders(req["headers"])
		d.Response.Headers, ok8 = stdHeaders(resp["headers"])
		d.Response.Content.Text, ok9 = stdStr(content["text"])
		d.Response.Content.Encoding, ok10 = stdStr(content["encoding"])
		switch st := resp["status"].(type) {
		case float64:
			d.Response.Status, ok11 = int(st), st == float64(int(st))
		case nil:
			ok11 = true
		}
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && ok9 && ok10 && ok11 && ok12 && ok13 && ok14) {
			return nil, false
		}
	}
	return doc, true
}

func stdObj(v any) (map[string]any, bool) {
	if v == nil {
		return nil, true
	}
	m, ok := v.(map[string]any)
	return m, ok
}

func stdStr(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

func stdHeaders(v any) ([]struct{ Name, Value string }, bool) {
	if v == nil {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	var out []struct{ Name, Value string }
	for _, h := range list {
		m, ok1 := stdObj(h)
		name, ok2 := stdStr(m["name"])
		value, ok3 := stdStr(m["value"])
		if !ok1 || !ok2 || !ok3 {
			return nil, false
		}
		out = append(out, struct{ Name, Value string }{name, value})
	}
	return out, true
}

// chunkReader hands over at most n bytes a Read, as a pipe does.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) {
	if len(p) > c.n {
		p = p[:c.n]
	}
	return c.r.Read(p)
}

// A long number read from a pipe is scanned once, not once more after
// every read that cut it.
func TestDecoderLongNumberFromAPipe(t *testing.T) {
	t.Parallel()
	digits := "1" + strings.Repeat("0", 4<<20)
	doc := `{"log":{"custom":` + digits + `,"entries":[]}}`
	d := NewDecoder(chunkReader{r: strings.NewReader(doc), n: 64 << 10})
	_, err := d.Next()
	require.Equal(t, io.EOF, err)
	assert.LessOrEqual(t, d.s.numberScanned, int64(len(digits)),
		"every byte of the number is examined once")
}
