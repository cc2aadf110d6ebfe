package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type content struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

type request struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	HTTPVersion string `json:"httpVersion"`
	Cookies     []nv   `json:"cookies"`
	Headers     []nv   `json:"headers"`
	QueryString []nv   `json:"queryString"`
	PostData    *struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	} `json:"postData,omitempty"`
	HeadersSize int `json:"headersSize"`
	BodySize    int `json:"bodySize"`
}

type response struct {
	Status      int     `json:"status"`
	StatusText  string  `json:"statusText"`
	HTTPVersion string  `json:"httpVersion"`
	Cookies     []nv    `json:"cookies"`
	Headers     []nv    `json:"headers"`
	Content     content `json:"content"`
	RedirectURL string  `json:"redirectURL"`
	HeadersSize int     `json:"headersSize"`
	BodySize    int     `json:"bodySize"`
}

type entry struct {
	StartedDateTime string             `json:"startedDateTime"`
	Time            float64            `json:"time"`
	Request         request            `json:"request"`
	Response        response           `json:"response"`
	Cache           struct{}           `json:"cache"`
	Timings         map[string]float64 `json:"timings"`
	ServerIPAddress string             `json:"serverIPAddress"`
	Connection      string             `json:"connection"`
}

var resources = []string{"messages", "rooms", "memberships", "meetings", "recordings", "attachmentActions", "all"}
var events = []string{"created", "updated", "deleted", "started", "ended", "all"}

func main() {
	n := flag.Int("n", 40000, "number of entries")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := write(os.Stdout, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "hargen:", err)
		os.Exit(1)
	}
}

// write writes a recording of n entries, the same for the same seed.
func write(w io.Writer, n int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed))
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprint(bw, "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"WebInspector\", \"version\": \"537.36\"},\n    \"pages\": [],\n    \"entries\": [\n    ")
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		if i > 0 {
			bw.WriteString(",\n    ")
		}
		// Indented as browsers export: whitespace is a good part of a real
		// recording.
		b, err := json.MarshalIndent(makeEntry(rng, i, start.Add(time.Duration(i)*150*time.Millisecond)), "    ", "  ")
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	fmt.Fprint(bw, "\n    ]\n  }\n}\n")
	return bw.Flush()
}

func webhookID(rng *rand.Rand) string {
	return base64.RawStdEncoding.EncodeToString(fmt.Appendf(nil, "ciscospark://us/WEBHOOK/%08x-%04x-%04x-%04x-%012x",
		rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff))
}

func webhook(rng *rand.Rand, id string, deviate int) map[string]any {
	h := map[string]any{
		"id":        id,
		"name":      fmt.Sprintf("Webhook %d", rng.IntN(100000)),
		"targetUrl": "https://example.com/hooks/" + fmt.Sprint(rng.IntN(1000)),
		"resource":  resources[rng.IntN(len(resources))],
		"event":     events[rng.IntN(len(events))],
		"filter":    "roomId=Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
		"status":    "active",
		"created":   "2026-10-18T14:26:16.203Z",
		"ownedBy":   "creator",
		"orgId":     "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYS0zZGNjLTExZTUtYTE1Mi1mZTM0ODE5Y2RjOWE",
		"createdBy": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
		"appId":     "Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MzMmM4MDc3NDBjNmU3ZGYxMWRhZjE2ZjIyOGRmNjI4YmJjYTQ5YmE1MmZlY2JiMmM3ZDUxNWNiNGEwY2M5MWFh",
	}
	switch deviate {
	case 1:
		h["resource"] = "someNewResource"
	case 2:
		h["lastFiredAt"] = "2026-11-20T08:59:00Z"
	case 3:
		h["created"] = 1445178376
	}
	return h
}

func makeEntry(rng *rand.Rand, i int, at time.Time) entry {
	const base = "https://webexapis.com/v1"
	id := webhookID(rng)
	deviate := 0
	if rng.IntN(100) < 3 {
		deviate = 1 + rng.IntN(3)
	}
	var method, url string
	status := 200
	var body any
	switch p := rng.IntN(100); {
	case p < 70:
		method, url, body = "GET", base+"/webhooks/"+id, webhook(rng, id, deviate)
	case p < 82:
		items := make([]any, 3)
		for k := range items {
			items[k] = webhook(rng, webhookID(rng), deviate)
		}
		method, url, body = "GET", base+"/webhooks?max=3", map[string]any{"items": items}
	case p < 90:
		method, url, body = "POST", base+"/webhooks", webhook(rng, id, deviate)
	case p < 96:
		method, url, body = "PUT", base+"/webhooks/"+id, webhook(rng, id, deviate)
	default:
		method, url, status = "DELETE", base+"/webhooks/"+id, 204
	}
	e := entry{
		StartedDateTime: at.Format(time.RFC3339Nano),
		Time:            20 + rng.Float64()*200,
		Request: request{
			Method: method, URL: url, HTTPVersion: "http/2.0",
			Cookies: []nv{},
			Headers: []nv{
				{":authority", "webexapis.com"}, {":method", method}, {":path", url[len(base)-3:]}, {":scheme", "https"},
				{"accept", "application/json"}, {"accept-encoding", "gzip, deflate, br"}, {"accept-language", "en-US,en;q=0.9"},
				{"authorization", "Bearer NjQ1ZTQ2YzQtYjY0Ny00ZGVhLWE4ZTUtMDAxMTIyMzM0NDU1MGQ0ZGQ1YjMtNDQ4"},
				{"origin", "https://developer.webex.com"}, {"referer", "https://developer.webex.com/"},
				{"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
			},
			QueryString: []nv{},
			HeadersSize: -1, BodySize: 0,
		},
		Response: response{
			Status: status, HTTPVersion: "http/2.0", Cookies: []nv{}, RedirectURL: "", HeadersSize: -1, BodySize: -1,
			Headers: []nv{
				{"date", at.Format(time.RFC1123)}, {"server", "Redacted"}, {"trackingid", fmt.Sprintf("ROUTER_%08X-%04X-%04X", rng.Uint32(), rng.IntN(0xffff), rng.IntN(0xffff))},
				{"vary", "Accept-Encoding"}, {"strict-transport-security", "max-age=63072000; includeSubDomains; preload"},
				{"cache-control", "no-cache"}, {"x-content-type-options", "nosniff"},
			},
			Content: content{MimeType: "x-unknown"},
		},
		Timings:         map[string]float64{"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.2, "wait": 120.5, "receive": 1.1, "_blocked_queueing": 0.8},
		ServerIPAddress: "170.72.245.220",
		Connection:      fmt.Sprint(443 + i%7),
	}
	if method == "GET" && status == 200 && body.(map[string]any)["items"] != nil {
		e.Request.QueryString = []nv{{"max", "3"}}
	}
	if method == "POST" || method == "PUT" {
		text := `{"name":"Webhook","targetUrl":"https://example.com/hooks/1","resource":"messages","event":"created","secret":"s3cr3t"}`
		if method == "PUT" {
			text = `{"name":"Webhook","targetUrl":"https://example.com/hooks/1","secret":"s3cr3t","status":"active"}`
		}
		e.Request.Headers = append(e.Request.Headers, nv{"content-type", "application/json"})
		e.Request.BodySize = len(text)
		e.Request.PostData = &struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
		}{"application/json", text}
	}
	if status == 204 {
		e.Response.StatusText = "No Content"
	} else {
		e.Response.StatusText = "OK"
		b, _ := json.Marshal(body)
		e.Response.Headers = append(e.Response.Headers, nv{"content-type", "application/json;charset=UTF-8"})
		if method == "GET" && body.(map[string]any)["items"] != nil {
			e.Response.Headers = append(e.Response.Headers, nv{"link", `<https://webexapis.com/v1/webhooks?max=3&cursor=` + id[:20] + `>; rel="next"`})
		}
		e.Response.Content = content{Size: len(b), MimeType: "application/json", Text: string(b)}
	}
	return e
}
