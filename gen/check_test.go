package gen

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	transport := errors.New("connection refused")
	notFound := &GetWebhookDetailsResponse{
		HTTPResponse: &http.Response{StatusCode: 404, Header: http.Header{"Trackingid": {"ROUTER_1"}}},
		Body:         []byte(`{"message":"The requested resource could not be found.","trackingId":"ROUTER_1"}`),
	}
	ok := &GetWebhookDetailsResponse{HTTPResponse: &http.Response{StatusCode: 200}, Body: []byte(`{}`)}

	tests := []struct {
		name    string
		resp    *GetWebhookDetailsResponse
		err     error
		want    error
		wantAPI *APIError
	}{
		{name: "2xx", resp: ok},
		{name: "transport error wins", resp: nil, err: transport, want: transport},
		{name: "404 becomes APIError", resp: notFound, wantAPI: &APIError{Status: 404, Message: "The requested resource could not be found.", TrackingID: "ROUTER_1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Check(tt.resp, tt.err)
			assert.Same(t, tt.resp, got)
			switch {
			case tt.wantAPI != nil:
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantAPI.Status, apiErr.Status)
				assert.Equal(t, tt.wantAPI.Message, apiErr.Message)
				assert.Equal(t, tt.wantAPI.TrackingID, apiErr.TrackingID)
			case tt.want != nil:
				assert.ErrorIs(t, err, tt.want)
			default:
				assert.NoError(t, err)
			}
		})
	}
}

func TestErrOnEveryResponseType(t *testing.T) {
	t.Parallel()
	status := func(code int) *http.Response { return &http.Response{StatusCode: code, Header: http.Header{}} }
	for name, r := range map[string]interface{ Err() error }{
		"list":   &ListWebhooksResponse{HTTPResponse: status(429), Body: []byte(`{"message":"slow down","trackingId":"T"}`)},
		"create": &CreateWebhookResponse{HTTPResponse: status(400), Body: []byte(`{"message":"bad","trackingId":"T"}`)},
		"get":    &GetWebhookDetailsResponse{HTTPResponse: status(404), Body: nil},
		"update": &UpdateWebhookResponse{HTTPResponse: status(500), Body: []byte(`<html>oops</html>`)},
		"delete": &DeleteWebhookResponse{HTTPResponse: status(403), Body: []byte(`{"message":"no","trackingId":"T"}`)},
	} {
		var apiErr *APIError
		assert.ErrorAs(t, r.Err(), &apiErr, name)
	}
	assert.NoError(t, (&DeleteWebhookResponse{HTTPResponse: status(204)}).Err())
}
