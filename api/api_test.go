package api_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

func init() {
	// kin-openapi knows date-time but not uri; an example with a relative
	// or garbled targetUrl must fail here as it would for a real client.
	openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil {
			return err
		}
		if !u.IsAbs() {
			return fmt.Errorf("%q is not an absolute URI", s)
		}
		return nil
	}))
}

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	require.NoError(t, err)
	return doc
}

func TestSpecLoadsAndValidates(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	require.NoError(t, doc.Validate(context.Background(), openapi3.EnableExamplesValidation()))
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	require.Len(t, doc.Servers, 1)
	assert.Equal(t, "https://webexapis.com/v1", doc.Servers[0].URL)

	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	assert.ElementsMatch(t, []string{"listWebhooks", "createWebhook", "getWebhookDetails", "updateWebhook", "deleteWebhook"}, ids)
}

func getDetailsExample(t *testing.T, doc *openapi3.T) any {
	t.Helper()
	item := doc.Paths.Value("/webhooks/{webhookId}")
	require.NotNil(t, item)
	resp := item.Get.Responses.Status(200)
	require.NotNil(t, resp)
	mt := resp.Value.Content.Get("application/json")
	require.NotNil(t, mt)
	require.NotNil(t, mt.Example, "the Get Webhook Details response carries the seed page's example")
	return mt.Example
}

func TestGetWebhookDetailsExampleIsAWebhook(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	webhook := doc.Components.Schemas["Webhook"]
	require.NotNil(t, webhook)
	example := getDetailsExample(t, doc)
	require.NoError(t, webhook.Value.VisitJSON(example, openapi3.VisitAsResponse(), openapi3.MultiErrors()))
}

// The same validation must reject a damaged example, or the test above
// proves nothing.
func TestWebhookSchemaRejectsDamagedExamples(t *testing.T) {
	t.Parallel()
	damage := map[string]func(m map[string]any){
		"id missing":            func(m map[string]any) { delete(m, "id") },
		"created missing":       func(m map[string]any) { delete(m, "created") },
		"created not date-time": func(m map[string]any) { m["created"] = "18 Oct 2015" },
		"targetUrl relative":    func(m map[string]any) { m["targetUrl"] = "/mywebhook" },
		"status unknown":        func(m map[string]any) { m["status"] = "paused" },
		"resource unknown":      func(m map[string]any) { m["resource"] = "kittens" },
		"event unknown":         func(m map[string]any) { m["event"] = "exploded" },
		"name not a string":     func(m map[string]any) { m["name"] = 42 },
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := loadSpec(t)
			example, ok := getDetailsExample(t, doc).(map[string]any)
			require.True(t, ok)
			m := maps.Clone(example)
			f(m)
			require.Error(t, doc.Components.Schemas["Webhook"].Value.VisitJSON(m, openapi3.VisitAsResponse()))
		})
	}
}

// exampleCase is one example found in the spec with the schema it claims to follow.
type exampleCase struct {
	where  string
	schema *openapi3.Schema
	value  any
}

// specExamples walks every place OpenAPI 3.0 allows an example.
func specExamples(doc *openapi3.T) []exampleCase {
	var out []exampleCase
	seen := map[*openapi3.Schema]bool{}
	var walkSchema func(where string, ref *openapi3.SchemaRef)
	walkSchema = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Example != nil {
			out = append(out, exampleCase{where, s, s.Example})
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			walkSchema(where+"/properties/"+name, s.Properties[name])
		}
		walkSchema(where+"/items", s.Items)
		walkSchema(where+"/additionalProperties", s.AdditionalProperties.Schema)
		walkSchema(where+"/not", s.Not)
		for i, sub := range slices.Concat(s.AllOf, s.AnyOf, s.OneOf) {
			walkSchema(fmt.Sprintf("%s/of/%d", where, i), sub)
		}
	}
	withExamples := func(where string, schema *openapi3.SchemaRef, example any, examples openapi3.Examples) {
		walkSchema(where+"/schema", schema)
		if schema == nil || schema.Value == nil {
			return
		}
		if example != nil {
			out = append(out, exampleCase{where + "/example", schema.Value, example})
		}
		for _, name := range slices.Sorted(maps.Keys(examples)) {
			if ex := examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
				out = append(out, exampleCase{where + "/examples/" + name, schema.Value, ex.Value.Value})
			}
		}
	}
	content := func(where string, c openapi3.Content) {
		for _, ct := range slices.Sorted(maps.Keys(c)) {
			mt := c[ct]
			withExamples(where+"/content/"+ct, mt.Schema, mt.Example, mt.Examples)
		}
	}
	param := func(where string, p *openapi3.ParameterRef) {
		if p != nil && p.Value != nil {
			withExamples(where, p.Value.Schema, p.Value.Example, p.Value.Examples)
			content(where, p.Value.Content)
		}
	}
	header := func(where string, h *openapi3.HeaderRef) {
		if h != nil && h.Value != nil {
			withExamples(where, h.Value.Schema, h.Value.Example, h.Value.Examples)
			content(where, h.Value.Content)
		}
	}
	response := func(where string, r *openapi3.ResponseRef) {
		if r == nil || r.Value == nil {
			return
		}
		for _, name := range slices.Sorted(maps.Keys(r.Value.Headers)) {
			header(where+"/headers/"+name, r.Value.Headers[name])
		}
		content(where, r.Value.Content)
	}

	c := doc.Components
	for _, name := range slices.Sorted(maps.Keys(c.Schemas)) {
		walkSchema("#/components/schemas/"+name, c.Schemas[name])
	}
	for _, name := range slices.Sorted(maps.Keys(c.Parameters)) {
		param("#/components/parameters/"+name, c.Parameters[name])
	}
	for _, name := range slices.Sorted(maps.Keys(c.Headers)) {
		header("#/components/headers/"+name, c.Headers[name])
	}
	for _, name := range slices.Sorted(maps.Keys(c.Responses)) {
		response("#/components/responses/"+name, c.Responses[name])
	}
	for _, name := range slices.Sorted(maps.Keys(c.RequestBodies)) {
		if rb := c.RequestBodies[name]; rb != nil && rb.Value != nil {
			content("#/components/requestBodies/"+name, rb.Value.Content)
		}
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for i, p := range item.Parameters {
			param(fmt.Sprintf("#/paths%s/parameters/%d", path, i), p)
		}
		for method, op := range item.Operations() {
			where := "#/paths" + path + "/" + method
			for i, p := range op.Parameters {
				param(fmt.Sprintf("%s/parameters/%d", where, i), p)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(where+"/requestBody", op.RequestBody.Value.Content)
			}
			for _, status := range slices.Sorted(maps.Keys(op.Responses.Map())) {
				response(where+"/responses/"+status, op.Responses.Value(status))
			}
		}
	}
	return out
}

func TestEveryExampleValidates(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	cases := specExamples(doc)
	// At least the Get Webhook Details body and the webhook id parameter.
	require.GreaterOrEqual(t, len(cases), 2, "the walk found too few examples to be trusted")
	for _, c := range cases {
		t.Log(c.where)
	}
	for _, c := range cases {
		assert.NoError(t, c.schema.VisitJSON(c.value, openapi3.MultiErrors()), "example at %s", c.where)
	}
}
