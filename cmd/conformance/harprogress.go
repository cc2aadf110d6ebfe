package main

import (
	"fmt"
	"io"
	"time"
)

// harProgress shows on a terminal how a long recording is coming along:
// entries judged, megabytes read, the rate, and the time left when the
// size is known. It reads nothing itself: it counts what the decoder
// reads through it, and draws at most five times a second, on the
// decoder's own goroutine.
type harProgress struct {
	r       io.Reader
	w       io.Writer // stderr, a terminal
	name    string
	size    int64      // 0 when unknown (stdin)
	entries func() int // judged so far
	now     func() time.Time

	read         int64
	start, drawn time.Time
	shown        bool
}

const harProgressEvery = 200 * time.Millisecond

func (p *harProgress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	now := p.now()
	if p.start.IsZero() {
		p.start, p.drawn = now, now
	}
	if now.Sub(p.drawn) >= harProgressEvery {
		p.drawn = now
		p.draw(now)
	}
	return n, err
}

func (p *harProgress) draw(now time.Time) {
	elapsed := now.Sub(p.start).Seconds()
	mb := float64(p.read) / 1e6
	line := fmt.Sprintf("validate: %s: %d %s, %.1f MB", p.name, p.entries(), plural(p.entries(), "entry", "entries"), mb)
	if p.size > 0 {
		line += fmt.Sprintf(" of %.1f MB", float64(p.size)/1e6)
	}
	if elapsed > 0 {
		rate := mb / elapsed
		line += fmt.Sprintf(", %.1f MB/s", rate)
		if p.size > 0 && rate > 0 && p.read < p.size {
			left := time.Duration(float64(p.size-p.read) / 1e6 / rate * float64(time.Second)).Round(time.Second)
			line += fmt.Sprintf(", %s left", left)
		}
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.shown = true
}

// done clears the line, so that what follows starts on a clean one.
func (p *harProgress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
