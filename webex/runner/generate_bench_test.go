package runner

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/webex-conformance/webhooks/mock"
)

// benchGenerated is how many requests one benchmark operation generates.
const benchGenerated = 1000

// BenchmarkGenerate runs the suite and benchGenerated generated requests
// against the mock over loopback, writes allowed: one operation is a run.
// exchanges/s counts the generated exchanges over the whole run's time,
// the suite's included; BenchmarkGenerateBaseline is the suite alone.
func BenchmarkGenerate(b *testing.B) {
	benchRun(b, benchGenerated)
}

func BenchmarkGenerateBaseline(b *testing.B) {
	benchRun(b, 0)
}

func benchRun(b *testing.B, n int) {
	tok := mock.NewToken()
	eng := engine(b, tok)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		ts := httptest.NewServer(mock.New(mock.WithTokens(tok)))
		b.StartTimer()
		rep, err := Run(context.Background(), eng, ts.URL+mock.BasePath, WithToken(tok), WithWrites(true), WithGenerate(n), WithSeed(uint64(i)+1))
		b.StopTimer()
		ts.Close()
		b.StartTimer()
		if err != nil || rep.Summary().Failed > 0 {
			b.Fatalf("run: %v, %d failed", err, rep.Summary().Failed)
		}
	}
	if n > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
	}
}
