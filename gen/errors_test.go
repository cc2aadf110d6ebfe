package gen

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAsError(t *testing.T) {
	t.Parallel()
	intp := func(i int) *int { return &i }
	tests := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		want    *APIError
		wantMsg string // substring of Error()
	}{
		{name: "200", status: 200, body: `{"items":[]}`},
		{name: "204", status: 204},
		{name: "299", status: 299},
		{
			name:   "Webex 404",
			status: 404,
			header: http.Header{"Trackingid": {"ROUTER_HEADER"}},
			body:   `{"message":"The requested resource could not be found.","errors":[{"description":"The requested resource could not be found."}],"trackingId":"ROUTER_5A0CB5D2"}`,
			want: &APIError{Status: 404, Message: "The requested resource could not be found.",
				Errors: []ErrorDetail{{Description: "The requested resource could not be found."}}, TrackingID: "ROUTER_5A0CB5D2"},
			wantMsg: "webex: 404 Not Found: The requested resource could not be found. [trackingId ROUTER_5A0CB5D2]",
		},
		{
			name:    "with error codes",
			status:  400,
			body:    `{"message":"bad","errorCode":7,"errors":[{"description":"targetUrl is invalid","errorCode":12}],"trackingId":"T"}`,
			want:    &APIError{Status: 400, Message: "bad", Errors: []ErrorDetail{{Description: "targetUrl is invalid", ErrorCode: intp(12)}}, TrackingID: "T"},
			wantMsg: "webex: 400 Bad Request: bad [trackingId T]",
		},
		{
			name:    "429 with Retry-After",
			status:  429,
			header:  http.Header{"Retry-After": {"194"}},
			body:    `{"message":"Too many requests","trackingId":"T"}`,
			want:    &APIError{Status: 429, Message: "Too many requests", TrackingID: "T", RetryAfter: 194 * time.Second},
			wantMsg: "webex: 429 Too Many Requests: Too many requests (retry after 3m14s) [trackingId T]",
		},
		{
			name:   "429 with malformed Retry-After",
			status: 429,
			header: http.Header{"Retry-After": {"rand(30),add(30)"}},
			body:   `{"message":"Too many requests","trackingId":"T"}`,
			want:   &APIError{Status: 429, Message: "Too many requests", TrackingID: "T"},
		},
		{
			name:    "HTML from a proxy",
			status:  502,
			header:  http.Header{"Content-Type": {"text/html"}, "Trackingid": {"ROUTER_H"}},
			body:    "<html><body><h1>502 Bad Gateway</h1>\n</body></html>",
			want:    &APIError{Status: 502, Message: "Bad Gateway", TrackingID: "ROUTER_H"},
			wantMsg: "webex: 502 Bad Gateway [trackingId ROUTER_H]",
		},
		{
			name:    "empty body",
			status:  503,
			want:    &APIError{Status: 503, Message: "Service Unavailable"},
			wantMsg: "webex: 503 Service Unavailable",
		},
		{name: "JSON of another shape", status: 500, body: `{"error":"boom"}`, want: &APIError{Status: 500, Message: "Internal Server Error"}},
		{name: "JSON array", status: 500, body: `[1,2]`, want: &APIError{Status: 500, Message: "Internal Server Error"}},
		{name: "JSON null", status: 500, body: `null`, want: &APIError{Status: 500, Message: "Internal Server Error"}},
		{name: "message of wrong type keeps the rest", status: 409, body: `{"message":5,"trackingId":"T"}`,
			want: &APIError{Status: 409, Message: "Conflict", TrackingID: "T"}},
		{name: "only errors", status: 400, body: `{"errors":[{"description":"name is required"}]}`,
			want: &APIError{Status: 400, Message: "name is required", Errors: []ErrorDetail{{Description: "name is required"}}}},
		{name: "blank message", status: 403, body: `{"message":"  ","trackingId":"T"}`,
			want: &APIError{Status: 403, Message: "Forbidden", TrackingID: "T"}},
		{name: "body id wins over header", status: 401, header: http.Header{"Trackingid": {"H"}}, body: `{"message":"m","trackingId":"B"}`,
			want: &APIError{Status: 401, Message: "m", TrackingID: "B"}},
		{name: "truncated JSON", status: 500, body: `{"message":"cut`, want: &APIError{Status: 500, Message: "Internal Server Error"}},
		{name: "unknown status", status: 599, want: &APIError{Status: 599}, wantMsg: "webex: 599"},
		{name: "redirect not followed", status: 302, want: &APIError{Status: 302, Message: "Found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			err := AsError(&http.Response{StatusCode: tt.status, Header: h}, []byte(tt.body))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.want, apiErr)
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, err.Error())
			}
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestAsErrorNilResponse(t *testing.T) {
	t.Parallel()
	var apiErr *APIError
	require.ErrorAs(t, AsError(nil, nil), &apiErr)
	assert.Zero(t, apiErr.Status)
}

func TestAPIErrorIs(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("get webhook: %w", &APIError{Status: 404, Message: "gone", TrackingID: "T"})
	assert.ErrorIs(t, err, &APIError{Status: 404})
	assert.ErrorIs(t, err, &APIError{})
	assert.ErrorIs(t, err, &APIError{Status: 404, TrackingID: "T"})
	assert.NotErrorIs(t, err, &APIError{Status: 429})
	assert.NotErrorIs(t, err, &APIError{Status: 404, Message: "other"})
	assert.NotErrorIs(t, err, &APIError{Status: 404, TrackingID: "U"})
	assert.NotErrorIs(t, err, errors.New("webex: 404"))
	var nilTarget *APIError
	assert.False(t, (&APIError{Status: 404}).Is(nilTarget))
}

func TestAPIErrorMessageIsOneShortLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("spam\n\t", 500)
	err := AsError(&http.Response{StatusCode: 400, Header: http.Header{}}, []byte(`{"message":"`+strings.ReplaceAll(long, "\n", `\n`)+`"}`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\n")
	assert.Less(t, len(err.Error()), maxMessageLen+100)
}

func TestAPIErrorNeverShowsTheRequestCredentials(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodGet, "https://webexapis.com/v1/webhooks", nil)
	req.Header.Set("Authorization", "Bearer s3cr3t-token")
	resp := &http.Response{StatusCode: 401, Header: http.Header{}, Request: req}
	err := AsError(resp, []byte(`{"message":"The request requires a valid access token set in the Authorization request header.","trackingId":"T"}`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t-token")
	assert.NotContains(t, fmt.Sprintf("%+v", err), "s3cr3t-token")
}

func FuzzAsError(f *testing.F) {
	f.Add(404, `{"message":"The requested resource could not be found.","errors":[{"description":"x"}],"trackingId":"ROUTER_1"}`, "", "ROUTER_H")
	f.Add(429, `{"message":"slow","trackingId":"T"}`, "rand(30),add(30)", "")
	f.Add(502, "<html><body>Bad Gateway</body></html>", "", "")
	f.Add(503, "", "Wed, 21 Oct 2015 07:28:00 GMT", "")
	f.Add(200, `{"items":[]}`, "", "")
	f.Add(400, `{"message":"\u00e9\u00e9\n\t","errors":"nope","errorCode":"x"}`, "5", "")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter, trackingID string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("TrackingID", trackingID)
		err := AsError(&http.Response{StatusCode: status, Header: h}, []byte(body))
		if status >= 200 && status <= 299 {
			if err != nil {
				t.Fatalf("2xx gave %v", err)
			}
			return
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("status %d gave %T", status, err)
		}
		if apiErr.Status != status || apiErr.RetryAfter < 0 {
			t.Fatalf("bad APIError %+v", apiErr)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r") || len(msg) > 2*maxMessageLen+200 {
			t.Fatalf("Error() not one short line: %q", msg)
		}
	})
}

func TestTruncateKeepsRunesWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"abcdefghijk", 10, "abcdefghij…"},
		{"abcdefghié", 10, "abcdefghi…"}, // é is two bytes, straddling the cut
		{"ééééé", 3, "é…"},
	}
	for _, tt := range tests {
		got := truncate(tt.in, tt.limit)
		assert.Equal(t, tt.want, got, "truncate(%q, %d)", tt.in, tt.limit)
		assert.True(t, utf8.ValidString(got))
	}
}
