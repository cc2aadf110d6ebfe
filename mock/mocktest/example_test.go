package mocktest_test

import (
	"net/http"
	"testing"

	"github.com/webex-conformance/webhooks/mock/mocktest"
)

func TestAgainstTheMock(t *testing.T) {
	ts := mocktest.NewServer(t) // ts.URL is the base URL (…/v1), ts.Token a valid token; closed with the test

	req, err := http.NewRequest(http.MethodGet, ts.URL+"/webhooks", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ts.Token)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list webhooks: %s", resp.Status)
	}
}
