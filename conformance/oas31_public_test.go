package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Real public OpenAPI 3.1 documents (testdata/oas31/public, see NOTICE.md
// there), each loaded unmodified: every JSON response example, and every
// JSON request example of a top-level webhook, is judged by the engine and
// by kin-openapi's JSON Schema 2020-12 path, and so is every request body
// example and every example (and examples entry) of a schema. Where
// kin-openapi passes an example the engine must pass it too (drift aside:
// undocumented properties are no error).
var publicDocs31 = []string{
	"redocly-museum.yaml",
	"oai-tictactoe.yaml",
	"oai-webhook-example.yaml",
	"adyen-DisputeService-v30.json",
	"adyen-BinLookupService-v54.json",
	"adyen-BalancePlatformDisputeNotification-v1.json",
	"adyen-A2APaymentsService-v1.json",
	"adyen-TokenizationNotification-v1.json",
}

func TestPublicOAS31Documents(t *testing.T) {
	t.Parallel()
	for _, name := range publicDocs31 {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc, err := os.ReadFile("testdata/oas31/public/" + name)
			require.NoError(t, err)
			e, err := New(doc)
			require.NoError(t, err)
			kinDoc, err := openapi3.NewLoader().LoadFromData(doc)
			require.NoError(t, err)
			byRoute := map[string]string{}
			for id, op := range e.ops {
				byRoute[op.Method+" "+op.PathTemplate] = id
			}
			judged, kinPassed, bothPassed, kinFailed, engineFailedToo := 0, 0, 0, 0, 0
			check := func(where string, body []byte, schema *openapi3.Schema, findings []Finding) {
				judged++
				var errs []Finding
				for _, f := range findings {
					if f.Severity != SeverityDrift && !strings.HasPrefix(f.Rule.ID(), "header.") && !strings.HasPrefix(f.Rule.ID(), "request.parameter") && f.Rule != RuleRequestSecurity {
						errs = append(errs, f)
					}
				}
				var v any
				require.NoError(t, json.Unmarshal(body, &v))
				kinOK := schema == nil || schema.VisitJSON(v, openapi3.EnableJSONSchema2020()) == nil
				if !kinOK {
					kinFailed++
					if len(errs) > 0 {
						engineFailedToo++
					}
					return
				}
				kinPassed++
				if assert.Empty(t, errs, "%s: kin-openapi passes the example, the engine does not", where) {
					bothPassed++
				}
			}
			for _, tmpl := range sortedKeys(kinDoc.Paths.Map()) {
				item := kinDoc.Paths.Value(tmpl)
				for method, op := range item.Operations() {
					method = strings.ToUpper(method)
					id := byRoute[method+" "+tmpl]
					require.NotEmpty(t, id, "%s %s is routed", method, tmpl)
					if op.Responses == nil {
						continue
					}
					for code, ref := range op.Responses.Map() {
						if ref == nil || ref.Value == nil {
							continue
						}
						for mediaName, mt := range ref.Value.Content {
							if mt == nil || !isJSONMedia(strings.ToLower(strings.TrimSpace(strings.Split(mediaName, ";")[0]))) {
								continue
							}
							var schema *openapi3.Schema
							if mt.Schema != nil {
								schema = mt.Schema.Value
							}
							bodies := exampleBodies(mt)
							for _, exName := range sortedKeys(bodies) {
								x := &Exchange{Operation: id, Response: Response{Status: statusFor(code), Header: http.Header{"Content-Type": {"application/json"}}, Body: bodies[exName]}}
								check(method+" "+tmpl+" "+code+" "+exName, bodies[exName], schema, e.Validate(x))
							}
						}
					}
				}
			}
			for _, hook := range sortedKeys(kinDoc.Webhooks) {
				op := kinDoc.Webhooks[hook].Post
				if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				rc, err := e.CompileWebhook(hook, http.MethodPost)
				require.NoError(t, err)
				for mediaName, mt := range op.RequestBody.Value.Content {
					if mt == nil || !isJSONMedia(mediaName) {
						continue
					}
					bodies := exampleBodies(mt)
					if mt.Schema != nil && mt.Schema.Value != nil {
						for i, ex := range mt.Schema.Value.Examples {
							if raw, err := json.Marshal(ex); err == nil {
								bodies["schema.examples."+strconv.Itoa(i)] = raw
							}
						}
					}
					for _, exName := range sortedKeys(bodies) {
						u, _ := url.Parse("https://receiver.example/hook")
						r := &Request{Method: http.MethodPost, URL: u, Header: http.Header{"Content-Type": {"application/json"}}, Body: bodies[exName]}
						check("webhook "+hook+" "+exName, bodies[exName], mt.Schema.Value, rc.Validate(r))
					}
				}
			}
			// Request body examples and the schemas' own examples, judged
			// by the engine's judge (as lint does) and by kin-openapi.
			judgeValue := func(where string, s *openapi3.Schema, v any, asRequest bool) {
				raw, err := json.Marshal(v)
				require.NoError(t, err)
				var decoded any
				require.NoError(t, json.Unmarshal(raw, &decoded))
				j := newJudge(len(raw), asRequest, e.dialect)
				j.neither = !asRequest
				var fs []Finding
				st := site{loc: responseBody}
				for _, is := range j.visit(s, j.tree(decoded)) {
					fs = append(fs, st.make(judgeIssue(is, "", false)))
				}
				check(where, raw, s, fs)
			}
			for _, tmpl := range sortedKeys(e.doc.Paths.Map()) {
				for method, op := range e.doc.Paths.Value(tmpl).Operations() {
					if op.RequestBody == nil || op.RequestBody.Value == nil {
						continue
					}
					for mediaName, mt := range op.RequestBody.Value.Content {
						if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || !isJSONMedia(mediaName) {
							continue
						}
						bodies := exampleBodies(mt)
						for _, exName := range sortedKeys(bodies) {
							var v any
							require.NoError(t, json.Unmarshal(bodies[exName], &v))
							judgeValue(method+" "+tmpl+" request "+exName, mt.Schema.Value, v, true)
						}
					}
				}
			}
			require.NoError(t, e.doc.WalkSchemas(func(ptr string, ref *openapi3.SchemaRef) error {
				s := ref.Value
				if s.Example != nil {
					judgeValue(ptr+" example", s, s.Example, false)
				}
				for i, ex := range s.Examples {
					judgeValue(ptr+" examples/"+strconv.Itoa(i), s, ex, false)
				}
				return nil
			}))
			t.Logf("%s: %d examples judged; kin-openapi passes %d, the engine passes all of those (%d); kin-openapi fails %d, the engine %d of them; %d spec notes",
				name, judged, kinPassed, bothPassed, kinFailed, engineFailedToo, len(e.SpecNotes()))
		})
	}
}
