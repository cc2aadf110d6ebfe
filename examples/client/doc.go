// Command client is the complete program docs/client.md shows: it creates
// a webhook with the typed client (package gen), reads it, pages through
// the list, updates it and deletes it, against the live API or the mock.
//
//	WEBEX_BASE_URL=http://127.0.0.1:8080/v1 WEBEX_TOKEN=local-token go run ./examples/client
package main
