package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/webex-conformance/webhooks/conformance"
)

// ReadJSON reads a report in the project's JSON format, as an earlier run
// wrote it, for use as a baseline or as the drift to follow. Anything else
// is an error of one line: a file that is not JSON, JSON that is not a
// report of this tool, a finding without a rule or with an unknown
// severity.
func ReadJSON(data []byte) (*Report, error) {
	var probe struct {
		Tool  *string           `json:"tool"`
		Cases []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, jsonError(data, err)
	}
	if probe.Tool == nil || *probe.Tool != "conformance" {
		return nil, errors.New(`not a conformance JSON report (no "tool": "conformance")`)
	}
	if probe.Cases == nil {
		return nil, errors.New(`not a conformance JSON report (no "cases")`)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, jsonError(data, err)
	}
	for i, c := range r.Cases {
		for j, f := range c.Findings {
			if f.Rule.ID() == "" {
				return nil, fmt.Errorf("case %d, finding %d: no rule", i+1, j+1)
			}
			switch f.Severity {
			case conformance.SeverityError, conformance.SeverityDrift, conformance.SeverityInfo:
			default:
				return nil, fmt.Errorf("case %d, finding %d: unknown severity %q", i+1, j+1, f.Severity)
			}
		}
	}
	return &r, nil
}

// jsonError says where a report stops being what it should be.
func jsonError(data []byte, err error) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty file, not a JSON report")
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("not JSON at byte %d: %v", syn.Offset, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("not a conformance JSON report: %q holds a %s where a %s belongs", typ.Field, typ.Value, typ.Type)
	}
	return fmt.Errorf("not a JSON report: %v", err)
}
