package har_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/webex-conformance/webhooks/conformance/har"
)

const recording = `{"log": {"version": "1.2", "creator": {"name": "browser", "version": "1"}, "entries": [
  {"startedDateTime": "2026-12-01T10:00:00Z", "time": 12.5,
   "request": {"method": "GET", "url": "https://api.example.com/v1/pets/7", "httpVersion": "HTTP/1.1",
               "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
   "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Content-Type", "value": "application/json"}], "cookies": [],
                "content": {"size": 20, "mimeType": "application/json", "text": "{\"id\":7,\"name\":\"x\"}"},
                "redirectURL": "", "headersSize": -1, "bodySize": 20},
   "cache": {}, "timings": {"send": 0, "wait": 12.5, "receive": 0}}
]}}`

func ExampleNewDecoder() {
	d := har.NewDecoder(strings.NewReader(recording))
	for {
		e, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			panic(err)
		}
		fmt.Println(e.Index, e.Request.Method, e.Request.URL, e.Response.Status, string(e.Response.Body), e.Time)
	}
	// Output:
	// 0 GET https://api.example.com/v1/pets/7 200 {"id":7,"name":"x"} 12.5
}
