// Package judgement turns an exchange into its case: the one judgement
// every front end (run, validate, proxy, receive, the test transport) goes
// through. Judge.Case finds the operation, judges the sides asked for,
// applies the project's policies once (an undocumented method or path is
// the client's finding; a credential a recorder may have dropped is a
// note, not an error) and returns the case with its verdict. A Collector
// folds the cases of a long session (the proxy's, the receiver's) into a
// bounded report.
//
//	j := judgement.New(eng, judgement.WithSides(conformance.JudgeResponses))
//	x := conformance.FromHTTP(req, reqBody, resp, respBody)
//	c := j.Case(&x)
//	rep.Add(c)
package judgement
