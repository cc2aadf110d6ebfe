// Package api is this project's client of the Webex webhooks API, generated
// from the spec the conformance tool embeds: go generate ./api refreshes both.
package api

//go:generate go tool conformance spec --output webex.yaml
//go:generate go tool oapi-codegen -generate types,client -package api -o webex.gen.go webex.yaml
