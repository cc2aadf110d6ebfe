// Package examples holds the complete programs the README and docs/ show,
// and the tests that keep those pages true: every Go block of README.md
// and docs/*.md is a copy of a file the build compiles (these programs,
// example_*_test.go files and tests of the packages they use), the README
// stays short, every page of docs/ is listed in docs/README.md, and every
// relative link leads somewhere.
//
//	go test ./examples
package examples
