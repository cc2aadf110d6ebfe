//go:build race

package proxy

// raceEnabled: the race detector makes each request many times slower, so
// the tests that make tens of thousands of them make fewer.
const raceEnabled = true
