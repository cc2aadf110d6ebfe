package conformance_test

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/generate"
	"github.com/webex-conformance/webhooks/webex"
)

// These tests see every catalogue the CLI links: the generic one, the
// generated requests' (conformance/generate) and the Webex layer's
// (package webex), as `conformance rules` and docs/rules.md list them.

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules.md's rule table from the catalogue")

// ruleIDShape is how every rule id is spelled.
var ruleIDShape = regexp.MustCompile(`^[a-z]+(-[a-z]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$`)

func TestCatalogueIsWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	rules := conformance.Rules()
	for i, r := range rules {
		assert.Regexp(t, ruleIDShape, r.ID())
		assert.False(t, seen[r.ID()], "%s declared twice", r)
		seen[r.ID()] = true
		assert.Contains(t, []conformance.Severity{conformance.SeverityError, conformance.SeverityDrift, conformance.SeverityInfo}, r.Severity(), r.ID())
		assert.NotEmpty(t, r.Enforces(), r.ID())
		assert.NotEmpty(t, r.FiresWhen(), r.ID())
		assert.NotContains(t, r.FiresWhen(), "\n", r.ID())
		origins := []conformance.Origin{conformance.OriginResponse, conformance.OriginRequest, conformance.OriginSpec, conformance.OriginRun, conformance.OriginProxy, conformance.OriginReceive}
		assert.Contains(t, origins, r.Origin(), r.ID())
		if r.Origin() == conformance.OriginSpec {
			assert.Empty(t, r.Side(), "%s: a note on the document blames no side", r)
		} else {
			assert.Contains(t, []conformance.Side{conformance.SideRequest, conformance.SideResponse}, r.Side(), r.ID())
		}
		got, ok := conformance.RuleByID(r.ID())
		assert.True(t, ok)
		assert.Equal(t, r, got)
		if i > 0 {
			// By origin, then by id: the listing does not depend on the
			// order in which the layers declared their rules.
			prev := rules[i-1]
			assert.True(t, slicesIndex(origins, prev.Origin()) < slicesIndex(origins, r.Origin()) ||
				prev.Origin() == r.Origin() && prev.ID() < r.ID(), "%s listed after %s", r, prev)
		}
	}
	// Each layer's rules are in the one listing.
	for _, r := range []conformance.Rule{conformance.RuleBodyType, generate.RuleInvalidAccepted, webex.RuleBehaviorNoToken, webex.RuleNotificationSignature} {
		assert.True(t, seen[r.ID()], "%s is not listed", r)
	}
	// The client's part and the server's: an undocumented method or path is
	// the client's whatever the server answered.
	for r, want := range map[conformance.Rule]conformance.Side{
		conformance.RuleOperationUnknown: conformance.SideRequest, conformance.RuleRequestSecurity: conformance.SideRequest, conformance.RuleRequestBodyType: conformance.SideRequest,
		conformance.RuleStatusUndocumented: conformance.SideResponse, conformance.RuleContentType: conformance.SideResponse, conformance.RuleHeaderRequired: conformance.SideResponse,
		conformance.RuleBodyType: conformance.SideResponse, webex.RuleBehaviorNoToken: conformance.SideResponse, webex.RuleNotificationSignature: conformance.SideRequest,
	} {
		assert.Equal(t, want, r.Side(), r.ID())
	}
	assert.PanicsWithValue(t, "conformance: rule body.enum declared twice", func() {
		conformance.Declare(conformance.OriginResponse, "body.enum", conformance.SeverityDrift, "-", "-")
	})
	f := conformance.NewFinding(conformance.RuleBodyEnum, "/x", "m", "e", "a")
	assert.Equal(t, conformance.Finding{Rule: conformance.RuleBodyEnum, Severity: conformance.SeverityDrift, Side: conformance.SideResponse, Pointer: "/x", Message: "m", Expected: "e", Actual: "a"}, f)
	assert.Equal(t, conformance.SeverityInfo, f.AsNote().Severity)
}

func slicesIndex(os []conformance.Origin, o conformance.Origin) int {
	for i, x := range os {
		if x == o {
			return i
		}
	}
	return -1
}

// A finding's rule is written and read back as its id: reports and
// baselines written before rules were typed read the same.
func TestRuleTextIsItsID(t *testing.T) {
	t.Parallel()
	b, err := webex.RuleBehaviorLeftBehind.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "behavior.left-behind", string(b))
	var r conformance.Rule
	require.NoError(t, r.UnmarshalText([]byte("body.enum")))
	assert.Equal(t, conformance.RuleBodyEnum, r, "a declared id reads back as the declared rule")
	require.NoError(t, r.UnmarshalText([]byte("body.from-a-later-version")))
	assert.Equal(t, "body.from-a-later-version", r.ID(), "an id no linked catalogue declares is kept")
	assert.Empty(t, r.Severity())
	assert.Empty(t, conformance.Rule{}.ID(), "the zero rule is no rule")
}

// looseRuleID is a string literal shaped like the id of a rule family that
// code emits.
var looseRuleID = regexp.MustCompile(`^(operation|status|body|header|engine|request|behavior|pagination|proxy|notification|findings)\.[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$`)

// TestRuleIDsLiveInTheirCatalogues reads the module's code. The compiler
// already refuses a string where a rule goes (NewFinding, a Finding's
// Rule); what it cannot see is an id spelled out elsewhere, say compared
// with a rule's ID(): outside a Declare call, a string
// shaped like a rule id is one. And every Declare is a package-level
// variable, so that a layer's rules are all declared once its package is
// linked, before anything lists the catalogue.
func TestRuleIDsLiveInTheirCatalogues(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..")
	fset := token.NewFileSet()
	var problems []string
	report := func(n ast.Node, what string) {
		problems = append(problems, fset.Position(n.Pos()).String()+": "+what)
	}
	declared := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "node_modules", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, ".gen.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ids := map[*ast.BasicLit]bool{} // the literals of Declare calls
		atTop := map[*ast.CallExpr]bool{}
		for _, decl := range file.Decls {
			if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, spec := range g.Specs {
					for _, v := range spec.(*ast.ValueSpec).Values {
						if call, ok := v.(*ast.CallExpr); ok {
							atTop[call] = true
						}
					}
				}
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isDeclare(call) || len(call.Args) < 2 {
				return true
			}
			declared++
			if _, ok := call.Args[1].(*ast.BasicLit); !ok {
				report(call, "Declare takes the rule's id as a literal")
			}
			for _, a := range call.Args {
				if lit, ok := a.(*ast.BasicLit); ok {
					ids[lit] = true
				}
			}
			if !atTop[call] {
				report(call, "Declare outside a package-level variable: the rule is not in the catalogue until this code runs")
			}
			return true
		})
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && !ids[lit] {
				if s, err := strconv.Unquote(lit.Value); err == nil && looseRuleID.MatchString(s) {
					report(n, "rule id "+lit.Value+" written as a string; name the declared rule")
				}
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, len(conformance.Rules()), declared, "every declared rule was found in the code")
}

func isDeclare(call *ast.CallExpr) bool {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name == "Declare"
	case *ast.SelectorExpr:
		return fn.Sel.Name == "Declare"
	}
	return false
}

// updateRulesCommand rewrites docs/rules.md's table from the catalogue.
const updateRulesCommand = "go test ./conformance -run TestDocsRuleTable -update-docs"

// TestDocsRuleTable: docs/rules.md's table of rules is the catalogue's,
// every layer's rules included. After declaring a rule, updateRulesCommand
// (or make docs) rewrites it.
func TestDocsRuleTable(t *testing.T) {
	const begin, end = "<!-- rules: generated from conformance.Rules() -->\n", "<!-- end of rules -->\n"
	path := filepath.Join("..", "docs", "rules.md")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	require.True(t, i >= 0 && j > i, "%s has no rule table between %q and %q", path, begin, end)
	want := "\n" + conformance.RulesMarkdown() + "\n" // blank lines around the table, for Markdown
	if *updateDocs {
		doc = doc[:i+len(begin)] + want + doc[j:]
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
		return
	}
	assert.Equal(t, want, doc[i+len(begin):j], "docs/rules.md's rule table is not the catalogue's (a rule was declared, changed or removed): run "+updateRulesCommand)
}
