package receiver_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/webex/receiver"
)

// 40,000 deliveries to random paths make a bounded report: a case each up
// to MaxCases, one per path for the first 100 paths after that, and one
// for every further path. Before, each path got a case (41,000 paths: a
// 164 MB report).
func TestRandomPathsFoldIntoBoundedCases(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "", receiver.WithMaxCases(10))
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 40_000 {
		path := fmt.Sprintf("/hook/%d/%x", i, rnd.Uint64())
		require.Equal(t, http.StatusNoContent, deliver(t, rcv, path, envelope, "application/json"))
	}
	rep := rcv.Report()
	assert.Len(t, rep.Cases, 10+100+1)
	last := rep.Cases[len(rep.Cases)-1]
	assert.Contains(t, last.Name, "POST (any further path, past the first 100) → 204 (39890 more deliveries")
	assert.Equal(t, 40_000, rcv.Deliveries())
}

// blockingBody is a delivery body that is read only when released.
type blockingBody struct {
	started chan struct{}
	release chan struct{}
	read    atomic.Bool
}

func (b *blockingBody) Read(p []byte) (int, error) {
	if !b.read.Swap(true) {
		close(b.started)
	}
	<-b.release
	return 0, fmt.Errorf("cut")
}

// At most MaxConcurrent deliveries are read at once; the next waits with
// its body unread (before, any number were read at once: 40 concurrent
// 10 MB posts held 1.03 GB).
func TestConcurrentDeliveriesAreBounded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rcv := newReceiver(t, "", receiver.WithMaxConcurrent(2))
		bodies := make([]*blockingBody, 3)
		done := make(chan struct{}, 3)
		for i := range bodies {
			bodies[i] = &blockingBody{started: make(chan struct{}), release: make(chan struct{})}
			req := httptest.NewRequest(http.MethodPost, "/hook", bodies[i])
			go func() {
				rcv.ServeHTTP(httptest.NewRecorder(), req)
				done <- struct{}{}
			}()
			synctest.Wait()
		}
		assert.True(t, bodies[0].read.Load())
		assert.True(t, bodies[1].read.Load())
		assert.False(t, bodies[2].read.Load(), "a third delivery is read while two are")
		close(bodies[0].release)
		<-done
		synctest.Wait()
		assert.True(t, bodies[2].read.Load(), "read once a slot is free")
		close(bodies[1].release)
		close(bodies[2].release)
		<-done
		<-done
	})
}
