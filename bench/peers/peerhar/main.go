// Command peerhar writes a HAR recording of GitHub's examples or Stripe's
// fixtures, n entries cycling through them, for timing `conformance
// validate --har` against a plain kin-openapi replay (bench/kinreplay
// -spec) as whole processes.
//
//	go run ./peerhar -doc github -n 20000 -spec gh.json > gh.har
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/webex-conformance/webhooks/bench/peers"
)

func main() {
	name := flag.String("doc", "github", "github or stripe")
	n := flag.Int("n", 20000, "entries")
	specOut := flag.String("spec", "", "also write the document to `PATH`")
	flag.Parse()
	if err := run(*name, *n, *specOut); err != nil {
		fmt.Fprintln(os.Stderr, "peerhar:", err)
		os.Exit(2)
	}
}

type header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type entry struct {
	Request struct {
		Method  string   `json:"method"`
		URL     string   `json:"url"`
		Headers []header `json:"headers"`
	} `json:"request"`
	Response struct {
		Status  int      `json:"status"`
		Headers []header `json:"headers"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
		} `json:"content"`
	} `json:"response"`
	Time float64 `json:"time"`
}

func run(name string, n int, specOut string) error {
	docs, err := peers.Load()
	if err != nil {
		return err
	}
	var d *peers.Doc
	for _, x := range docs {
		if x.Name == name {
			d = x
		}
	}
	if d == nil || len(d.Exchanges) == 0 {
		return fmt.Errorf("no document %q", name)
	}
	if specOut != "" {
		if err := os.WriteFile(specOut, d.Spec, 0o644); err != nil {
			return err
		}
	}
	w := bufio.NewWriter(os.Stdout)
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"peerhar","version":"1"},"entries":[`)
	enc := json.NewEncoder(w)
	for i := range n {
		x := d.Exchanges[i%len(d.Exchanges)]
		var e entry
		e.Request.Method, e.Request.URL = x.Method, x.URL.String()
		e.Request.Headers = []header{{"Accept", "application/json"}}
		e.Response.Status = x.Status
		e.Response.Headers = []header{{"Content-Type", "application/json; charset=utf-8"}}
		e.Response.Content.MimeType, e.Response.Content.Text = "application/json", string(x.Body)
		e.Time = 1
		if i > 0 {
			w.WriteByte(',')
		}
		if err := enc.Encode(&e); err != nil {
			return err
		}
	}
	w.WriteString("]}}\n")
	return w.Flush()
}
