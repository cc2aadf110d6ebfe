// Package api holds the OpenAPI description of the Webex webhooks API that
// the rest of the module is built from: the client in gen is generated from
// it, the conformance engine judges responses by it, and the mock serves it.
//
//	eng, err := conformance.New(api.Spec) // webex.NewEngine() does the same
package api
