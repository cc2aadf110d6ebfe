package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/webex-conformance/webhooks/api"
)

type har struct {
	Log struct {
		Entries []struct {
			Request struct {
				Method  string `json:"method"`
				URL     string `json:"url"`
				Headers []struct {
					Name  string `json:"name"`
					Value string `json:"value"`
				} `json:"headers"`
			} `json:"request"`
			Response struct {
				Status  int `json:"status"`
				Headers []struct {
					Name  string `json:"name"`
					Value string `json:"value"`
				} `json:"headers"`
				Content struct {
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
				} `json:"content"`
			} `json:"response"`
		} `json:"entries"`
	} `json:"log"`
}

func main() {
	specPath := flag.String("spec", "", "judge by the OpenAPI document at `PATH` (default: the embedded Webex spec)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: kinreplay [-spec PATH] FILE.har")
		os.Exit(2)
	}
	spec := api.Spec
	if *specPath != "" {
		var err error
		if spec, err = os.ReadFile(*specPath); err != nil {
			fmt.Fprintln(os.Stderr, "kinreplay:", err)
			os.Exit(2)
		}
	}
	if err := run(spec, *specPath != "", flag.Arg(0), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kinreplay:", err)
		os.Exit(2)
	}
}

// run replays the recording at path; a document of someone else's
// (tolerant) is judged by even when kin-openapi's validation finds fault
// with it, as the engine does.
func run(spec []byte, tolerant bool, path string, out io.Writer) error {
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return err
	}
	if err := doc.Validate(ctx); err != nil && !tolerant {
		return err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var rec har
	if err := json.Unmarshal(data, &rec); err != nil {
		return err
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	var passed, failed, skipped, findings int
	for _, e := range rec.Log.Entries {
		req, err := http.NewRequestWithContext(ctx, e.Request.Method, e.Request.URL, nil)
		if err != nil {
			skipped++
			continue
		}
		for _, h := range e.Request.Headers {
			if len(h.Name) > 0 && h.Name[0] != ':' {
				req.Header.Add(h.Name, h.Value)
			}
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			skipped++
			continue
		}
		header := http.Header{}
		for _, h := range e.Response.Headers {
			if len(h.Name) > 0 && h.Name[0] != ':' {
				header.Add(h.Name, h.Value)
			}
		}
		body := []byte(e.Response.Content.Text)
		if e.Response.Content.Encoding == "base64" {
			if body, err = base64.StdEncoding.DecodeString(e.Response.Content.Text); err != nil {
				skipped++
				continue
			}
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
			Status:                 e.Response.Status,
			Header:                 header,
			Options:                opts,
		}
		in.SetBodyBytes(body)
		err = openapi3filter.ValidateResponse(ctx, in)
		if err == nil {
			passed++
			continue
		}
		failed++
		var me openapi3.MultiError
		if errors.As(err, &me) {
			findings += len(me)
		} else {
			findings++
		}
	}
	_, err = fmt.Fprintf(out, "%d entries: %d passed, %d failed, %d skipped; %d findings\n",
		len(rec.Log.Entries), passed, failed, skipped, findings)
	return err
}
