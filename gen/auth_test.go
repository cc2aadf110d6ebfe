package gen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithBearerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   string
		want    string
		wantErr string
	}{
		{name: "plain", token: "abc.DEF-123_x", want: "Bearer abc.DEF-123_x"},
		{name: "trailing newline trimmed", token: "abc\n", want: "Bearer abc"},
		{name: "empty", token: "", wantErr: "empty token"},
		{name: "blank", token: " \t\n", wantErr: "empty token"},
		{name: "inner space", token: "ab cd-secret", wantErr: "whitespace or control"},
		{name: "header injection", token: "ab\r\nX-Evil: 1", wantErr: "whitespace or control"},
		{name: "DEL", token: "ab\x7f", wantErr: "whitespace or control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- r.Header.Get("Authorization")
				w.WriteHeader(http.StatusNoContent)
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(srv.URL, WithBearerToken(tt.token))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "secret")
				return
			}
			require.NoError(t, err)
			resp, err := c.DeleteWebhook(context.Background(), "id")
			require.NoError(t, err)
			_ = resp.Body.Close()
			assert.Equal(t, tt.want, <-got)
		})
	}
}

func TestWithBearerTokenOverridesEarlierHeader(t *testing.T) {
	t.Parallel()
	c, err := NewClient("https://webexapis.com/v1",
		WithRequestEditorFn(func(_ context.Context, r *http.Request) error { r.Header.Set("Authorization", "Basic x"); return nil }),
		WithBearerToken("tok"))
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks", nil)
	require.NoError(t, c.applyEditors(context.Background(), req, nil))
	assert.Equal(t, "Bearer tok", req.Header.Get("Authorization"))
}
