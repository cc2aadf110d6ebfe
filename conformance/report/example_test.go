package report_test

import (
	"net/http"
	"os"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/report"
)

func ExampleWrite() {
	rep := &report.Report{Tool: "conformance", Version: "v0.1.0", Target: "https://api.example.com/v1",
		Spec: conformance.SpecInfo{Title: "Pets", Version: "1.0.0", SHA256: "5ba4fcc563d4"}}
	rep.Add(report.Case{Name: "get a pet", Operation: "getPet", Method: "GET", Path: "/pets/{id}", Status: 200,
		Findings: []conformance.Finding{{Rule: conformance.RuleBodyType, Severity: conformance.SeverityError, Pointer: "/name",
			Message: "expected string, got null", Side: conformance.SideResponse}},
		Curl: report.Curl(http.MethodGet, "https://api.example.com/v1/pets/7", nil, "", nil, report.DefaultCredential)})
	rep.Conclude(conformance.SeverityDrift)
	if err := report.Write(os.Stdout, report.Text, rep); err != nil {
		panic(err)
	}
	// Output:
	// conformance v0.1.0 · Pets 1.0.0 (sha256 5ba4fcc563d4)
	// target https://api.example.com/v1
	//
	// FAIL get a pet  getPet  GET /pets/{id} → 200
	//      error  body.type  /name  expected string, got null
	//      reproduce: curl -sS -i -H "Authorization: Bearer $TOKEN" 'https://api.example.com/v1/pets/7'
	//
	// by rule: body.type 1
	// 1 case: 0 passed, 1 failed, 0 skipped; 1 error, 0 drift (requests: 0 errors, 0 drift; responses: 1 error, 0 drift)
	// outcome: nonconformant: 1 finding at or above drift, in responses (the server's side)
}
