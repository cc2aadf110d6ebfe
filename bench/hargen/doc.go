// Command hargen writes a HAR 1.2 recording of Webex webhooks API traffic
// to stdout, shaped like a browser's export: mostly Get Webhook Details,
// with list, create, update and delete calls, and a few responses that
// depart from the spec (an unknown enum value, an undocumented property, a
// number where a string belongs).
//
//	go run ./bench/hargen -n 40000 -seed 1 > session.har
package main
