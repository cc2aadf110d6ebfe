// Package conformancetest judges the requests a client sends and the
// responses it receives in its tests, as net/http/httptest serves them: a
// Transport is an http.RoundTripper that validates every request (before
// sending it) and every response passing through it against the spec and
// passes both on unchanged.
//
// NewTestTransport fails the test at its end if any exchange did not
// conform, or matched no operation of the spec (so nothing checked it; the
// failure suggests the base path a client's URL may lack), unless
// Transport.IgnorePaths opts its path out; a Transport of one's own (or NewTransport, for engine options
// such as conformance.WithSpec) is checked with AssertConformant when the
// test chooses.
//
//	client := &http.Client{Transport: conformancetest.NewTestTransport(t, nil)}
//
//	tr := &conformancetest.Transport{}
//	client := &http.Client{Transport: tr}
//	// ... exercise the client ...
//	tr.AssertConformant(t)
package conformancetest
