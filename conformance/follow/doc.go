// Package follow amends an OpenAPI document so that it documents the drift
// a conformance report found: each enum value the API sent that the spec
// lacks goes into the enum of the schema that declares it (through $ref,
// into components), each undocumented property into the object schema that
// should have declared it, with the JSON type seen and a description of
// when and where it was seen.
//
//	res, err := follow.Follow(specYAML, findings, follow.WithObserved("2026-12-01"))
//	os.WriteFile("api/openapi.yaml", res.Spec, 0o644)
//
// The document is edited in place, not re-encoded: the YAML node tree says
// where each schema is, and the new lines are spliced into the original
// bytes, so comments, key order, quoting and line widths stay as they were
// and a diff shows only what was added. Following the same findings again
// changes nothing. Findings of severity error, and drift that cannot be
// placed, are not followed: they come back in Result.NeedsPerson.
package follow
