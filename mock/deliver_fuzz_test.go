package mock_test

import (
	"fmt"
	"testing"

	"github.com/webex-conformance/webhooks/mock"
)

func FuzzParseDeactivation(f *testing.F) {
	for _, s := range []string{"100/5m", "1/1ns", "3/1h30m", "0/5m", "100", "/", "9999999999999999999/1s", "5/-1m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		n, window, err := mock.ParseDeactivation(spec)
		if err != nil {
			return
		}
		if n < 1 || window <= 0 {
			t.Fatalf("%q accepted as %d/%s", spec, n, window)
		}
		again, w2, err := mock.ParseDeactivation(fmt.Sprintf("%d/%s", n, window))
		if err != nil || again != n || w2 != window {
			t.Fatalf("%q: %d/%s does not read back: %v", spec, n, window, err)
		}
	})
}
