package har

import (
	"bytes"
	"testing"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/judgement"
	"github.com/webex-conformance/webhooks/conformance/report"
)

// BenchmarkReplay judges a 1,000-entry recording, request and response of
// every entry, into a report: the work of validate --har without the files.
func BenchmarkReplay(b *testing.B) {
	data := benchHAR(b, 1000)
	eng, err := conformance.New(api.Spec)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rep := &report.Report{}
		if err := Replay(judgement.New(eng), bytes.NewReader(data), "bench.har", rep); err != nil {
			b.Fatal(err)
		}
	}
}
