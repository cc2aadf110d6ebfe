package api

import _ "embed"

// Spec is api/openapi.yaml, byte for byte.
//
//go:embed openapi.yaml
var Spec []byte
