package peers

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// Doc is one vendored document and the exchanges built from what its
// authors publish beside it.
type Doc struct {
	Name      string
	Spec      []byte
	Exchanges []Exchange
}

// Exchange is a response an example or fixture stands for, on a request
// to its operation.
type Exchange struct {
	Operation string
	Method    string
	URL       *url.URL
	Status    int
	Body      []byte
}

func readGz(name string) ([]byte, error) {
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

// fill puts a value in each path parameter.
func fill(tmpl string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteString("x1")
		tmpl = tmpl[i+j+1:]
	}
}

type rawDoc struct {
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Examples map[string]struct {
			Value json.RawMessage `json:"value"`
		} `json:"examples"`
	} `json:"components"`
}

type rawOp struct {
	OperationID string `json:"operationId"`
	Responses   map[string]struct {
		Content map[string]struct {
			Schema struct {
				Ref string `json:"$ref"`
			} `json:"schema"`
			Example  json.RawMessage `json:"example"`
			Examples map[string]struct {
				Ref   string          `json:"$ref"`
				Value json.RawMessage `json:"value"`
			} `json:"examples"`
		} `json:"content"`
	} `json:"responses"`
}

// ops lists the documented operations in a stable order.
func ops(d *rawDoc) (out []struct {
	method, tmpl string
	op           rawOp
}) {
	tmpls := make([]string, 0, len(d.Paths))
	for t := range d.Paths {
		tmpls = append(tmpls, t)
	}
	sort.Strings(tmpls)
	for _, t := range tmpls {
		methods := make([]string, 0, 8)
		for m := range d.Paths[t] {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			switch m {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
			default:
				continue
			}
			var op rawOp
			if json.Unmarshal(d.Paths[t][m], &op) != nil {
				continue
			}
			out = append(out, struct {
				method, tmpl string
				op           rawOp
			}{strings.ToUpper(m), t, op})
		}
	}
	return out
}

func base(d *rawDoc) string {
	if len(d.Servers) == 0 {
		return ""
	}
	u, err := url.Parse(d.Servers[0].URL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// routed keeps the exchanges the engine routes to the operation they
// were made for (a filled-in path can fall on a more specific template).
func routed(e *conformance.Engine, xs []Exchange) []Exchange {
	out := xs[:0]
	for _, x := range xs {
		if op, ok := e.FindOperation(x.Method, x.URL.Path); ok && op.ID == x.Operation {
			out = append(out, x)
		}
	}
	return out
}

// GitHub is GitHub's description with a response per example it gives
// (application/json, numbered statuses).
func GitHub() (*Doc, error) {
	spec, err := readGz("github-api.json.gz")
	if err != nil {
		return nil, err
	}
	var d rawDoc
	if err := json.Unmarshal(spec, &d); err != nil {
		return nil, err
	}
	var xs []Exchange
	for _, o := range ops(&d) {
		codes := make([]string, 0, len(o.op.Responses))
		for c := range o.op.Responses {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, code := range codes {
			status, err := strconv.Atoi(code)
			if err != nil {
				continue
			}
			mt, ok := o.op.Responses[code].Content["application/json"]
			if !ok {
				continue
			}
			names := make([]string, 0, len(mt.Examples))
			for n := range mt.Examples {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				ex := mt.Examples[n]
				body := ex.Value
				if ref, ok := strings.CutPrefix(ex.Ref, "#/components/examples/"); ok {
					body = d.Components.Examples[ref].Value
				}
				if len(body) == 0 {
					continue
				}
				u, _ := url.Parse("https://api.github.com" + base(&d) + fill(o.tmpl))
				xs = append(xs, Exchange{Operation: o.op.OperationID, Method: o.method, URL: u, Status: status, Body: body})
			}
		}
	}
	return &Doc{Name: "github", Spec: spec, Exchanges: xs}, nil
}

// Stripe is Stripe's spec3 with a response per fixture: the object
// returned by the GET operation whose 200 response is that object's
// schema, on a path with parameters (a retrieve).
func Stripe() (*Doc, error) {
	spec, err := readGz("stripe-spec3.json.gz")
	if err != nil {
		return nil, err
	}
	rawFix, err := readGz("stripe-fixtures3.json.gz")
	if err != nil {
		return nil, err
	}
	var d rawDoc
	if err := json.Unmarshal(spec, &d); err != nil {
		return nil, err
	}
	var fix struct {
		Resources map[string]json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(rawFix, &fix); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(fix.Resources))
	for n := range fix.Resources {
		names = append(names, n)
	}
	sort.Strings(names)
	all := ops(&d)
	var xs []Exchange
	for _, name := range names {
		for _, o := range all {
			if o.method != http.MethodGet || !strings.Contains(o.tmpl, "{") {
				continue
			}
			mt, ok := o.op.Responses["200"].Content["application/json"]
			if !ok || mt.Schema.Ref != "#/components/schemas/"+name {
				continue
			}
			u, _ := url.Parse("https://api.stripe.com" + base(&d) + fill(o.tmpl))
			xs = append(xs, Exchange{Operation: o.op.OperationID, Method: o.method, URL: u, Status: 200, Body: fix.Resources[name]})
		}
	}
	return &Doc{Name: "stripe", Spec: spec, Exchanges: xs}, nil
}

// Load reads both documents and keeps the exchanges the engine routes.
func Load() ([]*Doc, error) {
	var docs []*Doc
	for _, f := range []func() (*Doc, error){GitHub, Stripe} {
		d, err := f()
		if err != nil {
			return nil, err
		}
		e, err := conformance.New(d.Spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Name, err)
		}
		d.Exchanges = routed(e, d.Exchanges)
		docs = append(docs, d)
	}
	return docs, nil
}

// EngineExchange is x as the engine takes it.
func (x *Exchange) EngineExchange() *conformance.Exchange {
	return &conformance.Exchange{
		Request:  conformance.Request{Method: x.Method, URL: x.URL, Header: http.Header{}},
		Response: conformance.Response{Status: x.Status, Header: http.Header{"Content-Type": {"application/json"}}, Body: x.Body},
	}
}

// HTTP is x as net/http holds it; the body is fresh on every call.
func (x *Exchange) HTTP() (*http.Request, *http.Response) {
	req := &http.Request{Method: x.Method, URL: x.URL, Header: http.Header{}, Host: x.URL.Host}
	resp := &http.Response{StatusCode: x.Status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(x.Body)), Request: req}
	return req, resp
}
