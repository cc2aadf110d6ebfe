package har

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPlainRun(t *testing.T) {
	t.Parallel()
	naive := func(b []byte) int {
		for i, c := range b {
			if c == '"' || c == '\\' || c < 0x20 {
				return i
			}
		}
		return len(b)
	}
	// Every special byte at every position of a 20-byte run, amid bytes
	// that sit next to the special ones in value.
	for _, special := range []byte{'"', '\\', 0x00, 0x1f, '\n'} {
		for pos := 0; pos <= 20; pos++ {
			b := []byte("!#[]\x20\x21\x7f\x80\xff\xe9!#[]\x20\x21\xc3\xa9ab")
			if pos < len(b) {
				b[pos] = special
			}
			require.Equal(t, naive(b), plainRun(b), "special %q at %d", special, pos)
		}
	}
	for i := 0; i < 256; i++ {
		b := bytes.Repeat([]byte{byte(i)}, 17)
		require.Equal(t, naive(b), plainRun(b), "byte %#x", i)
	}
}
