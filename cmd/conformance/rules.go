package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/webex-conformance/webhooks/conformance"
)

const rulesHelp = `usage: conformance rules [--format text|json|markdown]

Prints the rule catalogue: every rule id a finding can carry, its severity,
what makes it fire and the part of the OpenAPI document or the RFC it
enforces.

Exit status: 0, 2 usage error.
`

// catalogueRule is one rule as json prints it.
type catalogueRule struct {
	ID        string `json:"id"`
	Severity  string `json:"severity"`
	FiresWhen string `json:"fires_when"`
	Enforces  string `json:"enforces"`
}

// cmdRules implements `conformance rules`.
func cmdRules(_ context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "rules")
	format := fs.String("format", "text", "print the catalogue as `FORMAT`: text, json or markdown")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	var rules []catalogueRule
	for _, r := range conformance.Rules() {
		rules = append(rules, catalogueRule{ID: r.ID(), Severity: string(r.Severity()), FiresWhen: r.FiresWhen(), Enforces: r.Enforces()})
	}
	switch *format {
	case "text":
		writeRulesText(e.stdout, rules)
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		_ = enc.Encode(rules)
	case "markdown":
		writeRulesMarkdown(e.stdout, rules)
	default:
		return usageErr(e, "rules: --format %q: expected text, json or markdown", *format)
	}
	return exitOK
}

func writeRulesText(w io.Writer, rules []catalogueRule) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tFIRES WHEN [ENFORCES]")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s [%s]\n", r.ID, r.Severity, r.FiresWhen, r.Enforces)
	}
	_ = tw.Flush()
}

func writeRulesMarkdown(w io.Writer, rules []catalogueRule) {
	cell := strings.NewReplacer("|", `\|`, "\n", " ").Replace
	fmt.Fprintln(w, "| rule | severity | fires when | enforces |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rules {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", r.ID, r.Severity, cell(r.FiresWhen), cell(r.Enforces))
	}
}
