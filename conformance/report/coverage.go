package report

import (
	"bufio"
	"fmt"
	"slices"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// missingRequirements describes the report's requirements that no judged
// response satisfied; none without a coverage.
func (r *Report) missingRequirements() []string {
	if r.Coverage == nil || len(r.Requirements) == 0 {
		return nil
	}
	return r.Coverage.Missing(r.Requirements)
}

// RequiredNotJudged is the reason of a report untested for the
// requirements missing describes.
func RequiredNotJudged(missing []string) string {
	return "required " + plural(len(missing), "response", "responses") + " not judged: " + strings.Join(missing, "; ")
}

// Require adds requirements, each once.
func (r *Report) Require(qs ...conformance.Requirement) {
	for _, q := range qs {
		if !slices.Contains(r.Requirements, q) {
			r.Requirements = append(r.Requirements, q)
		}
	}
}

// CoverageRegression lists the required responses (of either report) that
// prev judged and cur did not: tonight's coverage of what must be judged
// is lower than the baseline night's. Empty when either has no coverage.
func CoverageRegression(prev, cur *Report) []string {
	if prev == nil || cur == nil || prev.Coverage == nil || cur.Coverage == nil {
		return nil
	}
	var reqs []conformance.Requirement
	for _, q := range append(append([]conformance.Requirement(nil), prev.Requirements...), cur.Requirements...) {
		if !slices.Contains(reqs, q) {
			reqs = append(reqs, q)
		}
	}
	var out []string
	for _, q := range reqs {
		if prev.Coverage.Judged(q) && !cur.Coverage.Judged(q) {
			what := q.Operation
			if q.Status != "" {
				what += " " + q.Status
			}
			out = append(out, what)
		}
	}
	return out
}

// CoverageRegressionMarkdown is the paragraph a step summary or an issue
// shows for regs (from CoverageRegression); "" when there are none.
func CoverageRegressionMarkdown(regs []string) string {
	if len(regs) == 0 {
		return ""
	}
	cells := make([]string, len(regs))
	for i, s := range regs {
		cells[i] = mdCell(s)
	}
	return fmt.Sprintf("**⚠️ Coverage is lower than the baseline's:** %s judged by the baseline and not by this run: %s.\n",
		plural(len(regs), "this required response was", "these required responses were"), strings.Join(cells, ", "))
}

// coverageSummary is the text format's coverage lines.
func coverageSummary(bw *bufio.Writer, c *conformance.CoverageReport) {
	t := c.Totals
	fmt.Fprintf(bw, "coverage: operations %s, responses %s, headers %s, properties %s, enum values %s, parameters %s\n",
		t.Operations, t.Responses, t.Headers, t.Properties, t.EnumValues, t.Parameters)
	var notJudged []string
	for _, op := range c.Operations {
		if op.Exchanges == 0 && op.Requests == 0 {
			notJudged = append(notJudged, op.Operation)
		}
	}
	if len(notJudged) > 0 {
		fmt.Fprintf(bw, "not judged: %s\n", oneLine(strings.Join(notJudged, ", ")))
	}
}

// markdownCoverage writes the totals, a table per operation and, folded,
// the schemas.
func markdownCoverage(bw *bufio.Writer, c *conformance.CoverageReport) {
	t := c.Totals
	bw.WriteString("\n### Coverage\n\n")
	bw.WriteString("| Operations | Responses | Headers | Properties | Enum values | Parameters |\n|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", t.Operations, t.Responses, t.Headers, t.Properties, t.EnumValues, t.Parameters)
	if c.Unmatched > 0 {
		fmt.Fprintf(bw, "\n%d %s matched no operation of the spec.\n", c.Unmatched, plural(c.Unmatched, "exchange", "exchanges"))
	}
	for _, op := range c.Operations {
		fmt.Fprintf(bw, "\n#### %s · %s %s · %d %s judged\n\n", mdCell(op.Operation), mdCell(op.Method), mdCell(op.Path),
			op.Exchanges, plural(op.Exchanges, "response", "responses"))
		bw.WriteString("| Status | Documented | Judged | Headers seen | Headers not seen |\n|---|---|---:|---|---|\n")
		for _, resp := range op.Responses {
			fmt.Fprintf(bw, "| %s | yes | %d | %s | %s |\n", mdCell(resp.Status), resp.Exchanges,
				mdList(resp.Headers.Seen), mdList(resp.Headers.Unseen))
		}
		for _, s := range op.Statuses.Judged {
			if documentedKey(s, op.Statuses.Documented) == "" {
				fmt.Fprintf(bw, "| %s | **no** | %d | | |\n", mdCell(s), op.Statuses.Exchanges[s])
			}
		}
		if len(op.Parameters) > 0 {
			var seen, unseen []string
			for _, p := range op.Parameters {
				name := p.In + " " + p.Name
				if p.Enum != nil && len(p.Enum.Unseen) > 0 {
					name += " (values not seen: " + strings.Join(p.Enum.Unseen, ", ") + ")"
				}
				if p.Exercised {
					seen = append(seen, name)
				} else {
					unseen = append(unseen, name)
				}
			}
			fmt.Fprintf(bw, "\nParameters sent: %s. Not sent: %s.\n", mdList(seen), mdList(unseen))
		}
	}
	if len(c.Schemas) > 0 {
		bw.WriteString("\n<details><summary>Schemas: properties and enum values seen</summary>\n\n")
		bw.WriteString("| Schema | Properties seen | Properties not seen | Enum values seen | Enum values not seen |\n|---|---:|---|---:|---|\n")
		for _, s := range c.Schemas {
			props, propsNot, enum, enumNot := "", "", "", ""
			if s.Properties != nil {
				props = fmt.Sprintf("%d/%d", len(s.Properties.Seen), len(s.Properties.Documented))
				propsNot = mdList(s.Properties.Unseen)
			}
			if s.Enum != nil {
				enum = fmt.Sprintf("%d/%d", len(s.Enum.Seen), len(s.Enum.Documented))
				enumNot = mdList(s.Enum.Unseen)
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s |\n", mdCell(s.Schema), props, propsNot, enum, enumNot)
		}
		bw.WriteString("\n</details>\n")
	}
}

func mdList(ss []string) string {
	if len(ss) == 0 {
		return "—"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = mdCell(s)
	}
	return strings.Join(out, ", ")
}

// documentedKey is the documented response key a judged status falls
// under ("404", "4XX", "default"), or "".
func documentedKey(status string, documented []string) string {
	if slices.Contains(documented, status) {
		return status
	}
	for _, k := range documented {
		if len(k) == 3 && strings.HasSuffix(strings.ToUpper(k), "XX") && len(status) == 3 && k[0] == status[0] {
			return k
		}
	}
	if slices.Contains(documented, "default") {
		return "default"
	}
	return ""
}

// junitCoverageProps are the testsuite properties of the coverage: the
// totals on every suite, an operation's own figures on its suite.
func junitCoverageProps(c *conformance.CoverageReport, operation string) []junitProperty {
	if c == nil {
		return nil
	}
	t := c.Totals
	props := []junitProperty{
		{"coverage.operations", t.Operations.String()},
		{"coverage.responses", t.Responses.String()},
		{"coverage.headers", t.Headers.String()},
		{"coverage.properties", t.Properties.String()},
		{"coverage.enum_values", t.EnumValues.String()},
		{"coverage.parameters", t.Parameters.String()},
	}
	var notJudged []string
	for _, op := range c.Operations {
		if op.Exchanges == 0 && op.Requests == 0 {
			notJudged = append(notJudged, op.Operation)
		}
	}
	props = append(props, junitProperty{"coverage.operations.not_judged", strings.Join(notJudged, ",")})
	if op, ok := c.Operation(operation); ok {
		props = append(props,
			junitProperty{"coverage.operation.exchanges", fmt.Sprint(op.Exchanges)},
			junitProperty{"coverage.operation.statuses.documented", strings.Join(op.Statuses.Documented, ",")},
			junitProperty{"coverage.operation.statuses.judged", strings.Join(op.Statuses.Judged, ",")})
	}
	return props
}

// digestCoverage is the coverage in a digest: the totals and one row per
// operation, statuses documented beside statuses judged.
func digestCoverage(bw *bufio.Writer, c *conformance.CoverageReport) {
	t := c.Totals
	bw.WriteString("\n### Coverage\n\n")
	bw.WriteString("| Operations | Responses | Headers | Properties | Enum values | Parameters |\n|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n\n", t.Operations, t.Responses, t.Headers, t.Properties, t.EnumValues, t.Parameters)
	bw.WriteString("| Operation | Exchanges | Statuses judged | Documented, not judged |\n|---|---:|---|---|\n")
	for i, op := range c.Operations {
		if i == digestMaxGroups {
			fmt.Fprintf(bw, "\nand %d more operations; the reports hold them.\n", len(c.Operations)-i)
			break
		}
		var notJudged []string
		for _, resp := range op.Responses {
			if resp.Exchanges == 0 {
				notJudged = append(notJudged, resp.Status)
			}
		}
		fmt.Fprintf(bw, "| %s %s %s | %d | %s | %s |\n", mdCell(op.Operation), mdCell(op.Method), mdCell(op.Path), op.Exchanges,
			mdList(op.Statuses.Judged), mdList(notJudged))
	}
}
