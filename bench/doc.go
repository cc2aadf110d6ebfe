// Package bench holds the programs behind `make bench-har`: hargen writes a
// large HAR recording of Webex webhooks traffic, and kinreplay replays one
// with plain kin-openapi, the baseline `conformance validate --har` is
// measured against.
//
//	go run ./bench/hargen -n 40000 > /tmp/webhooks.har
//	go run ./bench/kinreplay /tmp/webhooks.har
package bench
