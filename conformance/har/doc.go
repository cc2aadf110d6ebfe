// Package har reads HAR 1.2 recordings (browser devtools, proxies) entry by
// entry and replays them against the conformance engine, and writes them
// (Writer: what conformance proxy --har records), redacted.
//
// A Decoder streams the entries: memory is bounded by one entry, not by the
// recording, and a request or response body is kept only up to the
// engine's size cap plus one byte.
//
//	d := har.NewDecoder(f, har.WithMaxBodyBytes(eng.MaxBodyBytes()))
//	for {
//		e, err := d.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil { ... } // a *har.SyntaxError names the entry and byte
//		x := e.Exchange()
//		findings := eng.ValidateExchange(&x) // request (postData) and response
//	}
//
// Replay does that for a whole recording and adds one case per entry to a
// report: pass or fail by its findings, skip with the reason when the entry
// matches no operation or cannot be judged.
//
//	err = har.Replay(eng, f, "recording.har", rep)
package har
