package conformance

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

// testPetEngine judges by testdata/petstore.yaml, a spec that has nothing to
// do with Webex.
var testPetEngine = onceEngine(func() (*Engine, error) {
	doc, err := os.ReadFile("testdata/petstore.yaml")
	if err != nil {
		return nil, err
	}
	return New(doc)
})

func pets(path string, status int, body string, headers ...string) *Exchange {
	x := exchange(http.MethodGet, path, status, body, headers...)
	x.Request.URL.Host = "petstore.example"
	return x
}

func withRule(fs []Finding, rule string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// webhook returns the seed webhook with top-level fields replaced (a nil
// value removes the field).
func webhook(t testing.TB, edits map[string]any) string {
	t.Helper()
	return editJSON(t, seedWebhook, edits)
}

func TestRulesFireAndStayQuiet(t *testing.T) {
	t.Parallel()
	smallBody, err := New(api.Spec, WithMaxBodyBytes(100))
	require.NoError(t, err)
	shallow, err := New(api.Spec, WithMaxDepth(2))
	require.NoError(t, err)
	wh := testEngine(t)
	pet := testPetEngine(t)
	errBody := `{"message":"no","trackingId":"ROUTER_1"}`

	type side struct {
		eng *Engine
		x   *Exchange
	}
	cases := []struct {
		rule    string
		pointer string
		fire    side
		quiet   side
	}{
		{RuleOperationUnknown, "", side{wh, exchange("GET", "/v1/rooms", 200, "{}", jsonCT)}, side{wh, getDetails(200, seedWebhook, jsonCT, tracking)}},
		{RuleOperationUnknown, "", side{wh, exchange("PATCH", "/v1/webhooks/abc", 200, "{}", jsonCT)}, side{wh, exchange("PUT", "/v1/webhooks/abc", 200, seedWebhook, jsonCT, tracking)}},
		{RuleOperationUnknown, "", side{wh, exchange("GET", "/webhooks/abc", 200, seedWebhook, jsonCT, tracking)}, side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[]}`, jsonCT, tracking)}},
		{RuleStatusUndocumented, "", side{wh, getDetails(201, seedWebhook, jsonCT, tracking)}, side{wh, getDetails(404, errBody, jsonCT, tracking)}},
		{RuleStatusUndocumented, "", side{pet, pets("/api/v3/pets/1", 500, `{}`, jsonCT)}, side{pet, pets("/api/v3/pets", 500, `{"code":1,"message":"x"}`, jsonCT)}},
		{RuleContentType, "header:Content-Type", side{wh, getDetails(200, "<html></html>", "Content-Type: text/html", tracking)}, side{wh, getDetails(200, seedWebhook, "Content-Type: application/json; charset=utf-8", tracking)}},
		{RuleContentType, "header:Content-Type", side{wh, getDetails(200, seedWebhook, tracking)}, side{wh, getDetails(200, seedWebhook, "Content-Type: Application/JSON", tracking)}},
		{RuleContentType, "header:Content-Type", side{wh, getDetails(200, seedWebhook, "Content-Type: application/json; charset=iso-8859-1", tracking)}, side{wh, getDetails(200, seedWebhook, `Content-Type: application/json; charset="UTF-8"`, tracking)}},
		{RuleContentType, "header:Content-Type", side{pet, pets("/api/v3/pets", 404, `{"code":1,"message":"x"}`, jsonCT)}, side{pet, pets("/api/v3/pets", 404, `{"code":1,"message":"x"}`, "Content-Type: application/problem+json")}},
		{RuleBodyJSON, "", side{wh, getDetails(200, seedWebhook[:len(seedWebhook)-3], jsonCT, tracking)}, side{wh, getDetails(200, seedWebhook, jsonCT, tracking)}},
		{RuleBodyJSON, "", side{wh, getDetails(200, "", jsonCT, tracking)}, side{wh, exchange("DELETE", "/v1/webhooks/abc", 204, "", tracking)}},
		{RuleBodyJSON, "", side{wh, getDetails(200, `{"id":"a`+"\x00"+`b"}`, jsonCT, tracking)}, side{wh, getDetails(200, `{"id":"a\u0000b","name":"n","targetUrl":"https://x.example","resource":"all","event":"all","status":"active","created":"2015-10-18T14:26:16Z"}`, jsonCT, tracking)}},
		{RuleBodyJSON, "", side{wh, getDetails(200, "{\"id\":\"\xff\xfe\"}", jsonCT, tracking)}, side{wh, getDetails(200, `{"message":"é ✓ 😀","trackingId":"x"}`, jsonCT, tracking)}},
		{RuleBodyEmpty, "", side{wh, exchange("DELETE", "/v1/webhooks/abc", 204, "{}", tracking, jsonCT)}, side{wh, exchange("DELETE", "/v1/webhooks/abc", 204, "", tracking, jsonCT)}},
		{RuleBodyLimit, "", side{smallBody, getDetails(200, seedWebhook, jsonCT, tracking)}, side{smallBody, getDetails(404, errBody, jsonCT, tracking)}},
		{RuleBodyDepth, "", side{shallow, getDetails(200, `{"id":"x","extra":{"a":{"b":1}}}`, jsonCT, tracking)}, side{shallow, getDetails(200, `{"id":"x","extra":{"a":1}}`, jsonCT, tracking)}},
		{RuleBodyType, "/id", side{wh, getDetails(200, webhook(t, map[string]any{"id": 42}), jsonCT, tracking)}, side{wh, getDetails(200, seedWebhook, jsonCT, tracking)}},
		{RuleBodyType, "/name", side{wh, getDetails(200, webhook(t, map[string]any{"name": nil, "filter": nil}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"filter": nil, "secret": nil}), jsonCT, tracking)}},
		{RuleBodyType, "/errorCode", side{wh, getDetails(400, `{"message":"x","trackingId":"y","errorCode":1.5}`, jsonCT, tracking)}, side{wh, getDetails(400, `{"message":"x","trackingId":"y","errorCode":1.0}`, jsonCT, tracking)}},
		{RuleBodyRequired, "/created", side{wh, getDetails(200, webhook(t, map[string]any{"created": deleteField}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"filter": deleteField, "secret": deleteField, "ownedBy": deleteField}), jsonCT, tracking)}},
		{RuleBodyRequired, "/errors/0/description", side{wh, getDetails(500, `{"message":"x","trackingId":"y","errors":[{"errorCode":3}]}`, jsonCT, tracking)}, side{wh, getDetails(500, `{"message":"x","trackingId":"y","errors":[{"description":"d","errorCode":3}]}`, jsonCT, tracking)}},
		{RuleBodyFormat, "/created", side{wh, getDetails(200, webhook(t, map[string]any{"created": "2015-10-18T14:26:16"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"created": "2015-10-18T14:26:16.123Z"}), jsonCT, tracking)}},
		{RuleBodyFormat, "/targetUrl", side{wh, getDetails(200, webhook(t, map[string]any{"targetUrl": "/relative/path"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"targetUrl": "http://localhost:8080/hook?a=b"}), jsonCT, tracking)}},
		{RuleBodyFormat, "/0/born", side{pet, pets("/api/v3/pets", 200, `[{"id":1,"name":"rex","born":"2023-02-29"}]`, jsonCT, "X-Rate-Limit: 5")}, side{pet, pets("/api/v3/pets", 200, `[{"id":1,"name":"rex","born":"2024-02-29"}]`, jsonCT, "X-Rate-Limit: 5")}},
		{RuleBodyEnum, "/resource", side{wh, getDetails(200, webhook(t, map[string]any{"resource": "someNewResource"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"resource": "all", "event": "all"}), jsonCT, tracking)}},
		{RuleBodyEnum, "/items/1/status", side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[`+seedWebhook+`,`+webhook(t, map[string]any{"status": "paused"})+`]}`, jsonCT, tracking)}, side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[`+seedWebhook+`,`+webhook(t, map[string]any{"status": "inactive"})+`]}`, jsonCT, tracking)}},
		{RuleBodyUndocumented, "/color", side{wh, getDetails(200, webhook(t, map[string]any{"color": "red"}), jsonCT, tracking)}, side{wh, getDetails(200, webhook(t, map[string]any{"orgId": "o", "createdBy": "c", "appId": "a"}), jsonCT, tracking)}},
		{RuleBodyUndocumented, "/errors/0/hint", side{wh, getDetails(400, `{"message":"x","trackingId":"y","errors":[{"description":"d","hint":"h"}]}`, jsonCT, tracking)}, side{wh, getDetails(400, `{"message":"x","trackingId":"y","errorCode":4,"errors":[{"description":"d","errorCode":3}]}`, jsonCT, tracking)}},
		{RuleBodyUndocumented, "/items/0/a~1b~0c", side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[`+webhook(t, map[string]any{"a/b~c": 1})+`]}`, jsonCT, tracking)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","notes":{"text":"t","anything":[1,2]}}`, jsonCT)}},
		{RuleBodyRequired, "/friends/0/friends/1/name", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"a","friends":[{"id":2,"name":"b","friends":[{"id":3,"name":"c"},{"id":4}]}]}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"a","friends":[{"id":2,"name":"b","friends":[{"id":3,"name":"c"}]}]}`, jsonCT)}},
		{RuleBodyAdditional, "/owner", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","owner":"me"}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","tag":"dog"}`, jsonCT)}},
		{RuleBodyConstraint, "/name", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":""}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"r"}`, jsonCT)}},
		{RuleBodyConstraint, "/tag", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","tag":"Dog!"}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","tag":"dog"}`, jsonCT)}},
		{RuleBodyConstraint, "/age", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","age":51}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","age":50}`, jsonCT)}},
		{RuleBodyConstraint, "/weight", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","weight":0}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","weight":0.1}`, jsonCT)}},
		// A oneOf that matches no branch is reported at the nearest branch's cause.
		{RuleBodyAdditional, "/toy/length", side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","toy":{"radius":1,"length":2}}`, jsonCT)}, side{pet, pets("/api/v3/pets/1", 200, `{"id":1,"name":"rex","toy":{"radius":1}}`, jsonCT)}},
		{RuleBodyConstraint, "", side{pet, pets("/api/v3/pets", 200, `[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"},{"id":4,"name":"d"}]`, jsonCT, "X-Rate-Limit: 5")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 5")}},
		{RuleBodyDuplicate, "/status", side{wh, getDetails(200, strings.Replace(seedWebhook, `"status": "active"`, `"status": "active", "status": "inactive"`, 1), jsonCT, tracking)}, side{wh, getDetails(200, strings.Replace(seedWebhook, `"status": "active"`, `"status": "active", "color": 1, "colour": 2`, 1), jsonCT, tracking)}},
		{RuleHeaderRequired, "header:Retry-After", side{wh, getDetails(429, errBody, jsonCT, tracking)}, side{wh, getDetails(429, errBody, jsonCT, tracking, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT")}},
		{RuleHeaderRequired, "header:TrackingID", side{wh, getDetails(200, seedWebhook, jsonCT)}, side{wh, getDetails(200, seedWebhook, jsonCT, "trackingid: x")}},
		{RuleHeaderRequired, "header:X-Rate-Limit", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT)}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 5")}},
		{RuleHeaderFormat, "header:Retry-After", side{wh, getDetails(429, errBody, jsonCT, tracking, "Retry-After: rand(30),add(30)")}, side{wh, getDetails(429, errBody, jsonCT, tracking, "Retry-After: 194")}},
		{RuleHeaderFormat, "header:Retry-After", side{wh, getDetails(503, errBody, jsonCT, tracking, "Retry-After: -1")}, side{wh, getDetails(503, errBody, jsonCT, tracking, "Retry-After: 0")}},
		{RuleHeaderFormat, "header:Link", side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[]}`, jsonCT, tracking, `Link: https://webexapis.com/v1/webhooks?max=1; rel="next"`)}, side{wh, exchange("GET", "/v1/webhooks", 200, `{"items":[]}`, jsonCT, tracking, `Link: <https://webexapis.com/v1/webhooks?max=1&cursor=abc>; rel="next"`)}},
		{RuleHeaderFormat, "header:X-Rate-Limit", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: many")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 12")}},
		{RuleHeaderFormat, "header:X-Request-Id", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Request-Id: nothex!!")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Request-Id: 0a1b2c3d")}},
		{RuleHeaderFormat, "header:X-Shard", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Shard: 5")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Shard: 12")}},
		{RuleHeaderEnum, "header:X-Mode", side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Mode: turbo")}, side{pet, pets("/api/v3/pets", 200, `[]`, jsonCT, "X-Rate-Limit: 1", "X-Mode: slow")}},
	}
	// 21 webhooks without created break body.required 21 times, one more
	// than a body keeps; 20 break it exactly as often as kept.
	noCreated := webhook(t, map[string]any{"created": deleteField})
	list := func(n int) string {
		return `{"items":[` + strings.TrimSuffix(strings.Repeat(noCreated+",", n), ",") + `]}`
	}
	cases = append(cases, struct {
		rule    string
		pointer string
		fire    side
		quiet   side
	}{RuleFindingsCapped, "", side{wh, exchange("GET", "/v1/webhooks", 200, list(21), jsonCT, tracking)}, side{wh, exchange("GET", "/v1/webhooks", 200, list(20), jsonCT, tracking)}})
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			fired := withRule(tc.fire.eng.Validate(tc.fire.x), tc.rule)
			require.NotEmpty(t, fired, "rule %s should fire", tc.rule)
			assert.Equal(t, tc.pointer, fired[0].Pointer)
			assert.Equal(t, ruleSeverity[tc.rule], fired[0].Severity)
			assert.NotEmpty(t, fired[0].Message)
			assert.Empty(t, withRule(tc.quiet.eng.Validate(tc.quiet.x), tc.rule), "rule %s should stay quiet", tc.rule)
		})
	}
	covered[RuleEngineInternal] = true // TestEngineFailureIsAFinding
	covered[RuleBodyBudget] = true     // TestBodyBudget
	// Spec notes: TestNewToleratesDocumentDefects, TestNewEmbeddedSpecHasNoNotes;
	// request rules: TestRequestRulesFireAndStayQuiet; the run's and the
	// proxy's rules are fired by their packages' tests.
	for _, r := range Rules() {
		if r.Origin == OriginResponse {
			assert.True(t, covered[r.ID], "rule %s has no fire/quiet case", r.ID)
		}
	}
}

// A value of the wrong type is reported once, as the error: nothing below
// it (enum, undocumented properties) adds noise.
func TestWrongTypeReportsOnce(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	cases := []struct {
		name, body, pointer string
	}{
		{"enum as number", webhook(t, map[string]any{"resource": 7}), "/resource"},
		{"enum as null", webhook(t, map[string]any{"event": nil}), "/event"},
		{"object for string", webhook(t, map[string]any{"name": map[string]any{"x": 1, "y": []any{1}}}), "/name"},
		{"array for object", `{"message":"m","trackingId":"t","errors":[["description"]]}`, "/errors/0"},
		{"string for array", `{"items":"many"}`, "/items"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, path := 200, "/v1/webhooks/abc"
			if strings.Contains(tc.body, "trackingId") {
				status = 400
			}
			if strings.HasPrefix(tc.body, `{"items"`) {
				path = "/v1/webhooks"
			}
			fs := e.Validate(exchange("GET", path, status, tc.body, jsonCT, tracking))
			require.Len(t, fs, 1, "%v", fs)
			assert.Equal(t, RuleBodyType, fs[0].Rule)
			assert.Equal(t, tc.pointer, fs[0].Pointer)
		})
	}
}

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules.md's rule table from the catalogue")

// ruleIDShape is how every rule id is spelled.
var ruleIDShape = regexp.MustCompile(`^[a-z]+(-[a-z]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$`)

// looseRuleID is a string literal shaped like the id of a rule family that
// code emits: outside the catalogue it means an id written by hand.
var looseRuleID = regexp.MustCompile(`^(operation|status|body|header|engine|request|behavior|pagination|proxy|notification)\.[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$`)

func TestCatalogueIsWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.Regexp(t, ruleIDShape, r.ID)
		assert.False(t, seen[r.ID], "%s declared twice", r.ID)
		seen[r.ID] = true
		assert.Contains(t, []Severity{SeverityError, SeverityDrift, SeverityInfo}, r.Severity, r.ID)
		assert.NotEmpty(t, r.Enforces, r.ID)
		assert.NotEmpty(t, r.FiresWhen, r.ID)
		assert.NotContains(t, r.FiresWhen, "\n", r.ID)
		assert.Contains(t, []Origin{OriginResponse, OriginRequest, OriginSpec, OriginRun, OriginProxy, OriginReceive}, r.Origin, r.ID)
		if r.Origin == OriginSpec {
			assert.Empty(t, r.Side, "%s: a note on the document blames no side", r.ID)
		} else {
			assert.Contains(t, []Side{SideRequest, SideResponse}, r.Side, r.ID)
		}
		got, ok := RuleByID(r.ID)
		assert.True(t, ok)
		assert.Equal(t, r, got)
	}
	// The client's part and the server's: an undocumented method or path is
	// the client's whatever the server answered.
	for id, want := range map[string]Side{
		RuleOperationUnknown: SideRequest, RuleRequestSecurity: SideRequest, RuleRequestBodyType: SideRequest,
		RuleStatusUndocumented: SideResponse, RuleContentType: SideResponse, RuleHeaderRequired: SideResponse,
		RuleBodyType: SideResponse, RuleBehaviorNoToken: SideResponse, RuleNotificationSignature: SideRequest,
	} {
		r, _ := RuleByID(id)
		assert.Equal(t, want, r.Side, id)
	}
	assert.Panics(t, func() { NewFinding("body.no-such-rule", "", "", "", "") })
	f := NewFinding(RuleBodyEnum, "/x", "m", "e", "a")
	assert.Equal(t, Finding{Rule: RuleBodyEnum, Severity: SeverityDrift, Side: SideResponse, Pointer: "/x", Message: "m", Expected: "e", Actual: "a"}, f)
	assert.Equal(t, SeverityInfo, f.AsNote().Severity)
}

// TestEveryEmittedRuleIsCatalogued reads the module's code: a rule id
// written as a string anywhere but the catalogue, as the Rule of a finding
// literal, assigned to a finding's Rule or handed to NewFinding, is an id
// that can reach a report without an entry in Rules(). Emitting code names
// the catalogue's variables instead.
func TestEveryEmittedRuleIsCatalogued(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..")
	fset := token.NewFileSet()
	var problems []string
	report := func(n ast.Node, what string) {
		problems = append(problems, fset.Position(n.Pos()).String()+": "+what)
	}
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
		if filepath.ToSlash(path) == "../conformance/rules.go" {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if s, err := strconv.Unquote(n.Value); err == nil && looseRuleID.MatchString(s) {
						report(n, "rule id "+n.Value+" written as a string; declare it in rules.go and use its variable")
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Rule" {
					if lit, ok := n.Value.(*ast.BasicLit); ok {
						report(n, "Rule: "+lit.Value+" is a loose string")
					}
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Rule" && i < len(n.Rhs) {
						if lit, ok := n.Rhs[i].(*ast.BasicLit); ok {
							report(n, ".Rule = "+lit.Value+" is a loose string")
						}
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if name == "NewFinding" && len(n.Args) > 0 {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok {
						report(n, "NewFinding("+lit.Value+") takes a loose string")
					}
				}
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, problems)
}

// updateRulesCommand rewrites docs/rules.md's table from the catalogue.
const updateRulesCommand = "go test ./conformance -run TestDocsRuleTable -update-docs"

// TestDocsRuleTable: docs/rules.md's table of rules is the catalogue's.
// After adding a rule to rules.go, updateRulesCommand rewrites it.
func TestDocsRuleTable(t *testing.T) {
	const begin, end = "<!-- rules: generated from conformance.Rules() -->\n", "<!-- end of rules -->\n"
	path := filepath.Join("..", "docs", "rules.md")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	require.True(t, i >= 0 && j > i, "%s has no rule table between %q and %q", path, begin, end)
	want := "\n" + RulesMarkdown() + "\n" // blank lines around the table, for Markdown
	if *updateDocs {
		doc = doc[:i+len(begin)] + want + doc[j:]
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
		return
	}
	assert.Equal(t, want, doc[i+len(begin):j], "docs/rules.md's rule table is not the catalogue's (a rule was added, changed or removed in conformance/rules.go): run "+updateRulesCommand)
}
