package generate

import (
	"os"
	"testing"

	"github.com/webex-conformance/webhooks/conformance"
)

// FuzzGenerate: whatever document the engine loads, drawing requests from
// it never panics nor hangs, and each request keeps or breaks the contract
// as it says.
func FuzzGenerate(f *testing.F) {
	pets, err := os.ReadFile("testdata/pets.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pets, uint64(1))
	f.Fuzz(func(t *testing.T, doc []byte, seed uint64) {
		eng, err := conformance.New(doc)
		if err != nil {
			return
		}
		g, err := New(eng, WithSeed(seed), WithWrites(true))
		if err != nil {
			return
		}
		for range 50 {
			r := g.Next()
			if r == nil {
				return
			}
			if r.Valid && !g.accepts(r) || !r.Valid && !g.refuses(r) {
				t.Fatalf("%s: the engine disagrees", r.Name())
			}
		}
	})
}
