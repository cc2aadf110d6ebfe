// Command kinreplay replays a HAR recording with plain kin-openapi, as a
// project without this tool would: encoding/json reads the recording,
// gorillamux finds each route and openapi3filter.ValidateResponse judges
// each response. It is the baseline `make bench-har` measures
// `conformance validate --har` against.
//
//	kinreplay recording.har
package main
