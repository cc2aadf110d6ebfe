package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func routesSpec(servers string) []byte {
	return []byte(`openapi: 3.0.3
info: {title: routes, version: '1'}
servers: ` + servers + `
paths:
  /dataSources/:
    get: {operationId: listDataSources, responses: {'200': {description: ok}}}
  /dataSources/{id}:
    get: {operationId: getDataSource, parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}
  /things:
    get: {operationId: listThings, responses: {'200': {description: ok}}}
`)
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		servers string
		path    string
		want    string // "" for no match
	}{
		// A template ending in "/" is routed, and only with the slash.
		{`[{url: 'https://h/v1'}]`, "/v1/dataSources/", "listDataSources"},
		{`[{url: 'https://h/v1'}]`, "/v1/dataSources/abc", "getDataSource"},
		{`[{url: 'https://h/v1'}]`, "/v1/dataSources", ""},
		{`[{url: 'https://h/v1'}]`, "/v1/things/", ""},
		// Relative and network-path server URLs.
		{`[{url: api}]`, "/api/things", "listThings"},
		{`[{url: '//api.example.com/base'}]`, "/base/things", "listThings"},
		{`[{url: '//api.example.com'}]`, "/things", "listThings"},
		{`[{url: '/'}]`, "/things", "listThings"},
		// Percent-encoded server paths, matched by their decoded segments.
		{`[{url: 'https://h/caf%C3%A9'}]`, "/caf%C3%A9/things", "listThings"},
		{`[{url: 'https://h/caf%C3%A9'}]`, "/caf%c3%a9/things", "listThings"},
		{`[{url: 'https://h/my%20api'}]`, "/my%20api/things", "listThings"},
		{`[{url: 'https://h/a%2Fb'}]`, "/a%2Fb/things", "listThings"},
		{`[{url: 'https://h/a%2Fb'}]`, "/a/b/things", ""},
		// Variables at their defaults.
		{`[{url: 'https://{host}/{base}', variables: {host: {default: h}, base: {default: v2}}}]`, "/v2/things", "listThings"},
	}
	for _, tc := range cases {
		t.Run(tc.servers+" "+tc.path, func(t *testing.T) {
			e, err := New(routesSpec(tc.servers))
			require.NoError(t, err)
			op, ok := e.FindOperation("GET", tc.path)
			assert.Equal(t, tc.want != "", ok)
			assert.Equal(t, tc.want, op.ID)
		})
	}
}
