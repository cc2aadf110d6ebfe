package report

import (
	"encoding/json"
	"io"

	"github.com/webex-conformance/webhooks/conformance"
)

// writeJSON writes the report in the project's JSON report format.
func writeJSON(w io.Writer, r *Report, scrub func(string) string) error {
	out := redacted(r, scrub)
	if out.Cases == nil {
		out.Cases = []Case{}
	}
	for i := range out.Cases {
		if out.Cases[i].Findings == nil {
			out.Cases[i].Findings = []conformance.Finding{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
