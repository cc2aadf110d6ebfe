package mock

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// source hands out the random numbers behind ids and fault choices; one
// seeded generator makes a whole run reproducible under WithSeed.
type source struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newSource(seed uint64) *source {
	return &source{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *source) float64() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64()
}

// uuid returns a version-4 style UUID in lower case.
func (s *source) uuid() string {
	s.mu.Lock()
	hi, lo := s.rng.Uint64(), s.rng.Uint64()
	s.mu.Unlock()
	return formatUUID(hi, lo)
}

func formatUUID(hi, lo uint64) string {
	var b [16]byte
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// webexID builds an id the way Webex does: the base64 of
// "ciscospark://us/KIND/uuid". The URL-safe alphabet keeps ids path-safe.
func webexID(kind, uuid string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("ciscospark://us/" + kind + "/" + uuid))
}

// personID is the stable Webex person id of the holder of a token, so that
// each token is a different caller. The token itself never appears in it.
func personID(token string) string {
	sum := sha256.Sum256([]byte("mock-person:" + token))
	var hi, lo uint64
	for i := range 8 {
		hi = hi<<8 | uint64(sum[i])
		lo = lo<<8 | uint64(sum[8+i])
	}
	return webexID("PEOPLE", formatUUID(hi, lo))
}

// trackingIDs makes ROUTER_-style tracking ids without a lock: a random
// prefix per server and a counter in the last group.
type trackingIDs struct {
	prefix string
	n      atomic.Uint64
}

func newTrackingIDs(src *source) *trackingIDs {
	u := strings.ToUpper(src.uuid())
	return &trackingIDs{prefix: "ROUTER_" + u[:24]}
}

func (t *trackingIDs) next() string {
	n := t.n.Add(1)
	var buf [7 + 24 + 12]byte
	b := append(buf[:0], t.prefix...)
	var digits [16]byte
	d := strconv.AppendUint(digits[:0], n&0xffffffffffff, 16)
	for range 12 - len(d) {
		b = append(b, '0')
	}
	for _, c := range d {
		if c >= 'a' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// clientTrackingID accepts a TrackingID a client sent, as Webex lets
// clients correlate their own requests, when it is short and plain.
func clientTrackingID(v string) bool {
	if v == "" || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}
