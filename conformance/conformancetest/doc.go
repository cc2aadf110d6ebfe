// Package conformancetest judges the requests a client sends and the
// responses it receives in its tests, as net/http/httptest serves them: a
// Transport is an http.RoundTripper that validates every request (before
// sending it) and every response passing through it against the engine's
// spec and passes both on unchanged.
//
// NewTestTransport fails the test at its end if any exchange did not
// conform (an undocumented method or path is the client's operation.unknown
// finding; its message suggests the base path a client's URL may lack),
// unless WithIgnorePaths opts its path out; a Transport of one's own is
// checked with AssertConformant when the test chooses. WithJudge counts
// only the client's requests or only the server's responses.
//
//	eng, _ := conformance.New(spec)
//	client := &http.Client{Transport: conformancetest.NewTestTransport(t, eng)}
//
//	tr := conformancetest.NewTransport(eng, conformancetest.WithIgnorePaths("/healthz"))
//	client := &http.Client{Transport: tr}
//	// ... exercise the client ...
//	tr.AssertConformant(t)
//
// For the Webex webhooks API, webextest.NewTransport(t) is the one line.
package conformancetest
