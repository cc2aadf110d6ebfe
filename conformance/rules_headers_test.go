package conformance

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIsCanonicalKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"Content-Type", "content-type", "TrackingID", "Trackingid", "X-1a", "X-1A", "Www-Authenticate", "A", "a", "", "-x", "X--Y", "Ab_c", "Ab c", "É"} {
		require.Equal(t, http.CanonicalHeaderKey(k) == k, isCanonicalKey(k), k)
	}
}
