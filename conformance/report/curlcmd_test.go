package report

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCurlRendersARequest(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		method, url, contentType, credential string
		header                               http.Header
		body                                 []byte
		want                                 string
	}{
		"get, default credential": {method: "GET", url: "https://api.example.com/v1/pets?limit=2", credential: DefaultCredential,
			want: `curl -sS -i -H "Authorization: Bearer $TOKEN" 'https://api.example.com/v1/pets?limit=2'`},
		"the Webex layer's variable": {method: "GET", url: "https://webexapis.com/v1/webhooks", credential: "Bearer $WEBEX_TOKEN",
			want: `curl -sS -i -H "Authorization: Bearer $WEBEX_TOKEN" 'https://webexapis.com/v1/webhooks'`},
		"no credential": {method: "DELETE", url: "https://api.example.com/x",
			want: `curl -sS -i -X DELETE 'https://api.example.com/x'`},
		"a literal credential is single-quoted": {method: "GET", url: "https://api.example.com/x", credential: "Bearer [invalid]",
			want: `curl -sS -i -H 'Authorization: Bearer [invalid]' 'https://api.example.com/x'`},
		"a credential the shell would run is single-quoted": {method: "GET", url: "u", credential: "Bearer $(rm -rf /)`x`",
			want: "curl -sS -i -H 'Authorization: Bearer $(rm -rf /)`x`' 'u'"},
		"headers sorted, body, quotes": {method: "POST", url: "https://api.example.com/it's", header: http.Header{"X-B": {"2"}, "X-A": {"1", "o'k"}},
			body: []byte(`{"a":"it's"}`), credential: DefaultCredential,
			want: `curl -sS -i -X POST -H "Authorization: Bearer $TOKEN" -H 'X-A: 1' -H 'X-A: o'\''k' -H 'X-B: 2' -H 'Content-Type: application/json' --data-raw '{"a":"it'\''s"}' 'https://api.example.com/it'\''s'`},
		"content type": {method: "PUT", url: "u", contentType: "text/plain", body: []byte("x"),
			want: `curl -sS -i -X PUT -H 'Content-Type: text/plain' --data-raw 'x' 'u'`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, Curl(tc.method, tc.url, tc.header, tc.contentType, tc.body, tc.credential))
		})
	}
}
