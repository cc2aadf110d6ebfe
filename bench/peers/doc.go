// Package peers measures the engine beside its peers in the same run:
// kin-openapi (openapi3filter behind a gorillamux router) and
// pb33f/libopenapi-validator, on two large public documents, GitHub's REST
// description and Stripe's spec3, judging the examples and fixtures their
// authors publish. It is a module of its own so that the peers stay out of
// the main module's go.mod.
//
//	cd bench/peers && go test -run '^$' -bench . -count 6 | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest new.txt
//
// The documents are in testdata, compressed, with their licences: see
// testdata/NOTICE.md.
package peers
