package conformance

import (
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The eight-bytes-at-a-time string scan must stop exactly where the
// byte-at-a-time one does.
func TestStringRunEndMatchesByteScan(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte{'a', 'Z', ' ', '~', 0x7f, '"', '\\', 0x00, 0x1f, 0x20, 0x21, 0x80, 0xc3, 0xff, '0'}
	for i := 0; i < 20000; i++ {
		b := make([]byte, r.IntN(40))
		for j := range b {
			if r.IntN(6) == 0 {
				b[j] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[j] = byte('a' + r.IntN(26))
			}
		}
		start := 0
		if len(b) > 0 {
			start = r.IntN(len(b))
		}
		want := start
		for want < len(b) && !stringChar[b[want]] {
			want++
		}
		require.Equal(t, want, stringRunEnd(b, start), "%q from %d", b, start)
	}
}

func TestIsCanonicalKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"Content-Type", "content-type", "TrackingID", "Trackingid", "X-1a", "X-1A", "Www-Authenticate", "A", "a", "", "-x", "X--Y", "Ab_c", "Ab c", "É"} {
		require.Equal(t, http.CanonicalHeaderKey(k) == k, isCanonicalKey(k), k)
	}
}
