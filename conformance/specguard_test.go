package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/api"
)

const guardHead = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"

// laughsSpec is a "billion laughs" of levels schemas, each holding two
// aliases of the one before: 2*levels aliases, under the YAML library's
// alias-count guard, expanding to 2^levels schemas. kin-openapi decodes
// each schema on its own, so that guard never sees the sum.
func laughsSpec(levels int) string {
	var b strings.Builder
	b.WriteString(guardHead + "paths: {}\ncomponents:\n  schemas:\n    L0: &l0 {type: string}\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "    L%d: &l%d {type: object, properties: {a: *l%d, b: *l%d}}\n", i, i, i-1, i-1)
	}
	return b.String()
}

// refChainSpec has a response schema at the head of a chain of n $refs, each
// component only a $ref to the next.
func refChainSpec(n int, last string) string {
	var b strings.Builder
	b.WriteString(guardHead + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n" +
		"          content: {application/json: {schema: {$ref: '#/components/schemas/S0'}}}\ncomponents:\n  schemas:\n")
	for i := range n {
		fmt.Fprintf(&b, "    S%d: {$ref: '#/components/schemas/S%d'}\n", i, i+1)
	}
	fmt.Fprintf(&b, "    S%d: %s\n", n, last)
	return b.String()
}

func TestHostileSpecsAreRefused(t *testing.T) {
	t.Parallel()
	jsonCycle := map[string]any{
		"openapi": "3.0.3", "info": map[string]any{"title": "t", "version": "1"}, "paths": map[string]any{},
		"components": map[string]any{"schemas": map[string]any{
			"A": map[string]any{"$ref": "#/components/schemas/B"},
			"B": map[string]any{"$ref": "#/components/schemas/A"},
		}},
	}
	jc, err := json.Marshal(jsonCycle)
	require.NoError(t, err)
	for name, tc := range map[string]struct{ spec, want string }{
		// 36 aliases; 2^18 schemas once expanded (2.8 GB and 15 s before
		// the expansion was measured first).
		"billion laughs": {laughsSpec(18), "YAML aliases expand the document's"},
		"A→B→A":          {refChainSpec(1, "{$ref: '#/components/schemas/S0'}"), "circular $ref with no schema in the loop: #/components/schemas/S0 → #/components/schemas/S1 → #/components/schemas/S0"},
		"self":           {guardHead + "paths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n", "#/components/schemas/A → #/components/schemas/A"},
		"json A→B→A":     {string(jc), "circular $ref with no schema in the loop"},
		"long loop":      {refChainSpec(40, "{$ref: '#/components/schemas/S3'}"), "→ … 34 more →"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := New([]byte(tc.spec))
			require.ErrorIs(t, err, ErrSpecHostile)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestGuardLeavesOrdinarySpecsAlone(t *testing.T) {
	t.Parallel()
	for name, spec := range map[string]string{
		// A schema in the loop: a recursive type, which is legal.
		"recursive schema": guardHead + "paths: {}\ncomponents: {schemas: {Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}}}\n",
		"one hop":          refChainSpec(1, "{type: string}"),
		"shared anchors": guardHead + "paths: {}\ncomponents:\n  schemas:\n    A: &a {type: object, properties: {x: {type: string}}}\n" +
			"    B: {type: object, properties: {a: *a, b: *a, c: *a}}\n",
	} {
		data := []byte(spec)
		out, err := guardSpec(data)
		require.NoError(t, err, name)
		assert.Equal(t, string(data), string(out), "%s: loaded as written", name)
		_, err = New(data)
		require.NoError(t, err, name)
	}
}

// A chain of 4,000 $refs took kin-openapi 21 s to 47 s (it follows the chain
// from every link to its end); each link now points at the end, and the
// document loads and judges as the chain means.
func TestRefChainLoadsLinearly(t *testing.T) {
	t.Parallel()
	spec := refChainSpec(4000, "{type: string}")
	out, err := guardSpec([]byte(spec))
	require.NoError(t, err)
	assert.Equal(t, 4000, strings.Count(string(out), "#/components/schemas/S4000"), "every link but the last points at the end")

	e, err := New([]byte(spec))
	require.NoError(t, err)
	judge := func(body string) []Finding {
		return e.Validate(&Exchange{Operation: "GET /a", Response: Response{Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}})
	}
	assert.Empty(t, judge(`"x"`))
	assert.NotEmpty(t, judge(`7`), "the end of the chain is a string schema")
}

// A body breaking one rule 2.1 million times keeps 20 findings of it and a
// count of the rest: before, every one was kept (a 675 MB JSON report).
func TestFindingsPerRuleAreBounded(t *testing.T) {
	t.Parallel()
	e, err := New(api.Spec)
	require.NoError(t, err)
	body := `{"items":[` + strings.TrimSuffix(strings.Repeat("{},", 300_000), ",") + `]}`
	fs := e.Validate(&Exchange{Operation: "listWebhooks", Response: Response{Status: 200,
		Header: http.Header{"Content-Type": {"application/json"}, "Trackingid": {"x"}}, Body: []byte(body)}})
	byRule := map[Rule]int{}
	var capped Finding
	for _, f := range fs {
		byRule[f.Rule]++
		if f.Rule == RuleFindingsCapped {
			capped = f
		}
	}
	assert.Equal(t, map[Rule]int{RuleBodyRequired: 20, RuleFindingsCapped: 1}, byRule)
	assert.Equal(t, "2099980 more body.required findings in this body were not kept (at most 20 of a rule)", capped.Message)
	assert.Equal(t, "2100000 findings", capped.Actual)
	assert.Equal(t, SeverityInfo, capped.Severity)
	assert.Equal(t, "listWebhooks", capped.Operation)
}

// An enum of many values is listed in an expected value up to a few dozen
// values and a count of the rest: before, a 1M-value enum was repeated in
// every finding (an 8.9 GB report).
func TestEnumExpectedIsAbbreviated(t *testing.T) {
	t.Parallel()
	vals := make([]string, 5000)
	for i := range vals {
		vals[i] = fmt.Sprintf("v%d", i)
	}
	for name, schema := range map[string]string{
		"fast path": "{type: string, enum: [" + strings.Join(vals, ", ") + "]}",
		"judge":     "{oneOf: [{type: string, enum: [" + strings.Join(vals, ", ") + "]}, {type: integer}]}",
	} {
		spec := guardHead + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n" +
			"          content: {application/json: {schema: " + schema + "}}\n"
		e, err := New([]byte(spec))
		require.NoError(t, err, name)
		fs := e.Validate(&Exchange{Operation: "GET /a", Response: Response{Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`"nope"`)}})
		var expected string
		for _, f := range fs {
			if f.Expected != "" && strings.HasPrefix(f.Expected, "one of [") {
				expected = f.Expected
			}
		}
		require.NotEmpty(t, expected, "%s: %v", name, fs)
		assert.Less(t, len(expected), 1100, name)
		assert.True(t, strings.HasPrefix(expected, "one of [v0, v1, v2, "), name)
		assert.True(t, strings.HasSuffix(expected, ", … 4968 more]"), "%s: %s", name, expected)
	}
	assert.Equal(t, "one of [a, b]", enumList([]string{"a", "b"}))
	assert.Equal(t, "one of [… 1 more]", enumList([]string{strings.Repeat("x", 2000)}))
}
