package conformancetest

// Apply changes t's options between requests, for the tests that judge
// the same exchanges under several settings.
func Apply(t *Transport, opts ...Option) {
	for _, o := range opts {
		o(t)
	}
}
