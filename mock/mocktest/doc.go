// Package mocktest runs the mock Webex webhooks API on a loopback port for
// the length of a test, as net/http/httptest does for any handler.
//
//	ts := mocktest.NewServer(t) // ts.URL is the base URL (…/v1), ts.Token a valid token
//	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/webhooks", nil)
//	req.Header.Set("Authorization", "Bearer "+ts.Token)
package mocktest
