package webex

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -generate types,client -package webex -o webex.gen.go webex-webhooks.yaml
