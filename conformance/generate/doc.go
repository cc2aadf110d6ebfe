// Package generate draws requests from an OpenAPI document's operations:
// valid ones, which an API must accept, and invalid ones, each breaking
// exactly one thing the spec says (a type, a required part, an enum, a
// format, a bound, a pattern, a length, an array size,
// additionalProperties: false, the media type, the JSON itself), which an
// API must refuse with a 4xx. The engine's request judgement decides what
// is valid: a request it does not agree with is never handed out.
//
// It knows no particular API. The layer above sends the requests, tells
// the generator what came back (Observe: the ids of created and listed
// items, used in later paths), judges each answer (Judge) and shrinks a
// failing request (Shrink) with its own sender; WithValues gives the
// values that mean more to the API than their schemas say.
//
//	g, err := generate.New(eng, generate.WithSeed(7), generate.WithWrites(true))
//	if err != nil { ... }
//	for range 100 {
//		r := g.Next()
//		status, body := send(r) // r.Method, base URL + r.Path, r.Query, r.Header, r.Body
//		g.Observe(r, status, body)
//		if v, f := generate.Judge(r, status); v == generate.Broken {
//			g.Found(r)
//			small, _, _ := g.Shrink(ctx, r, 24, stillFails)
//			report(small, f)
//		}
//	}
//
// The same seed, document and answers give the same requests.
package generate
