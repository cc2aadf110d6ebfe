package follow

import (
	"bytes"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/internal/udiff"
)

var update = flag.Bool("update", false, "rewrite the golden amended specs in testdata/golden")

var opts = []Option{WithObserved("2026-12-01"), WithTarget("https://webexapis.com/v1")}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs; review and run go test -update", path)
}

func drift(rule conformance.Rule, op string, status int, ptr, actual string) conformance.Finding {
	sev := conformance.SeverityDrift
	return conformance.Finding{Rule: rule, Severity: sev, Operation: op, Status: status, Pointer: ptr, Actual: actual}
}

// changedLines counts the lines a diff removes and adds.
func changedLines(d []byte) (removed, added int) {
	for i, l := range strings.Split(string(d), "\n") {
		switch {
		case i < 2:
		case strings.HasPrefix(l, "-"):
			removed++
		case strings.HasPrefix(l, "+"):
			added++
		}
	}
	return removed, added
}

func TestFollowEachDriftKind(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		spec     string
		findings []conformance.Finding
		// removed is how many lines the amendment rewrites; every other
		// change is an added line.
		removed int
		schema  string // the schema amended
	}{
		{"enum-block-through-ref", "webhooks.yaml", []conformance.Finding{
			drift(conformance.RuleBodyEnum, "listWebhooks", 200, "/items/3/resource", `"meetingSummaries"`),
		}, 0, "/components/schemas/WebhookResource"},
		{"enum-flow", "webhooks.yaml", []conformance.Finding{
			drift(conformance.RuleBodyEnum, "getWebhookDetails", 200, "/status", `"paused"`),
		}, 1, "/components/schemas/WebhookStatus"},
		{"property", "webhooks.yaml", []conformance.Finding{
			drift(conformance.RuleBodyUndocumented, "getWebhookDetails", 200, "/orgName", `"Acme"`),
		}, 0, "/components/schemas/Webhook"},
		{"property-in-error-items", "webhooks.yaml", []conformance.Finding{
			drift(conformance.RuleBodyUndocumented, "deleteWebhook", 404, "/errors/0/hint", `{"text":"try again"}`),
		}, 0, "/components/schemas/ErrorDetail"},
		{"enum-flow-multiline-trailing-comma", "layouts.yaml", []conformance.Finding{
			drift(conformance.RuleBodyEnum, "getThing", 200, "/kind", `"c"`),
		}, 1, "/components/schemas/Thing/allOf/1/properties/kind"},
		{"enum-indentless-block", "layouts.yaml", []conformance.Finding{
			drift(conformance.RuleBodyEnum, "getThing", 200, "/tags/0", `"blue"`),
			drift(conformance.RuleBodyEnum, "getThing", 200, "/tags/1", `"true"`),
		}, 0, "/components/schemas/Base/properties/tags/items"},
		{"property-after-literal-block", "layouts.yaml", []conformance.Finding{
			drift(conformance.RuleBodyUndocumented, "getThing", 200, "/weight", `1.5`),
		}, 0, "/components/schemas/Thing/allOf/1"},
		{"property-before-trailing-comment", "layouts.yaml", []conformance.Finding{
			drift(conformance.RuleBodyUndocumented, "getThing", 200, "/tags/0/x", `1`), // tags items are strings: a person's job
			drift(conformance.RuleBodyUndocumented, "getThing", 200, "/owner", `"o"`),
			drift(conformance.RuleBodyUndocumented, "getThing", 200, "/owner", `null`),
		}, 0, "/components/schemas/Thing/allOf/1"},
		{"property-schema-without-properties", "layouts.yaml", []conformance.Finding{
			drift(conformance.RuleBodyUndocumented, "getThing", 204, "/note", `"n"`),
			drift(conformance.RuleBodyUndocumented, "getThing", 204, "/count", `3`),
		}, 0, "/paths/~1things~1{id}/get/responses/2XX/content/application~1json/schema"},
		{"header-enum-through-ref", "layouts.yaml", []conformance.Finding{
			drift(conformance.RuleHeaderEnum, "getThing", 200, "header:x-mode", "warm up"),
		}, 1, "/components/headers/Mode/schema"},
		{"crlf-no-final-newline", "crlf-no-final-eol.yaml", []conformance.Finding{
			drift(conformance.RuleBodyEnum, "getX", 200, "/state", `"off"`),
			drift(conformance.RuleBodyUndocumented, "getX", 200, "/since", `"2026-01-01"`),
		}, 1, "/paths/~1x/get/responses/200/content/application~1json/schema"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := readFile(t, tc.spec)
			res, err := Follow(src, tc.findings, opts...)
			require.NoError(t, err)
			require.NotEmpty(t, res.Changes)
			schemas := map[string]bool{}
			for _, c := range res.Changes {
				schemas[c.Schema] = true
			}
			assert.True(t, schemas[tc.schema], "amended %v, want %s", res.Changes, tc.schema)
			golden(t, tc.name+".yaml", res.Spec)

			removed, added := changedLines(udiff.Unified("a", "b", src, res.Spec))
			assert.Equal(t, tc.removed, removed, "lines rewritten")
			assert.Positive(t, added)

			again, err := Follow(res.Spec, tc.findings, opts...)
			require.NoError(t, err)
			assert.Equal(t, string(res.Spec), string(again.Spec), "following twice changes nothing the second time")
			assert.Empty(t, again.Changes)
			assert.Equal(t, len(res.NeedsPerson), len(again.NeedsPerson))
		})
	}
}

func TestFollowLeavesToAPerson(t *testing.T) {
	t.Parallel()
	src := readFile(t, "webhooks.yaml")
	findings := []conformance.Finding{
		{Rule: conformance.RuleBodyFormat, Severity: conformance.SeverityError, Operation: "getWebhookDetails", Status: 200, Pointer: "/created", Actual: `"yesterday"`},
		drift(conformance.RuleBodyEnum, "getWebhookDetails", 200, "/resource", `"`+strings.Repeat("x", 79)+`…`),
		drift(conformance.RuleBodyEnum, "getWebhookDetails", 200, "/name", `"n"`),
		drift(conformance.RuleBodyEnum, "noSuchOperation", 200, "/resource", `"r"`),
		drift(conformance.RuleBodyEnum, "getWebhookDetails", 299, "/resource", `"r"`),
		drift(conformance.RuleBodyUndocumented, "getWebhookDetails", 200, "/clientSecret", "[redacted]"),
		drift(conformance.RuleBodyUndocumented, "getWebhookDetails", 200, "/$ref", `"x"`),
		drift(conformance.RuleBodyUndocumented, "getWebhookDetails", 200, "/mixed", `"x"`),
		drift(conformance.RuleBodyUndocumented, "getWebhookDetails", 200, "/mixed", `3`),
		drift(conformance.RuleBodyUndocumented, "getWebhookDetails", 200, "/unknown", `null`),
		drift(conformance.RuleHeaderFormat, "listWebhooks", 200, "header:Link", "<…>"),
		drift(conformance.RuleRequestBodyUndocumented, "createWebhook", 0, "/colour", `"red"`),
		{Rule: conformance.RuleBehaviorNotJudged, Severity: conformance.SeverityInfo, Operation: "listWebhooks", Status: 200},
	}
	res, err := Follow(src, findings, opts...)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(res.Spec), "nothing here can be followed")
	assert.Empty(t, res.Changes)
	reasons := map[string]string{}
	for _, u := range res.NeedsPerson {
		reasons[u.Finding.Rule.ID()+" "+u.Finding.Operation+" "+u.Finding.Pointer+" "+u.Finding.Actual] = u.Reason
	}
	assert.Len(t, res.NeedsPerson, len(findings)-1, "all but the info note: %v", reasons)
	for key, want := range map[string]string{
		`body.format getWebhookDetails /created "yesterday"`:           "an error, not drift",
		`body.enum getWebhookDetails /name "n"`:                        "has no enum",
		`body.enum noSuchOperation /resource "r"`:                      `no operation "noSuchOperation"`,
		`body.undocumented getWebhookDetails /clientSecret [redacted]`: "does not show the value's type",
		`body.undocumented getWebhookDetails /mixed 3`:                 "seen as string and integer",
		`header.format listWebhooks header:Link <…>`:                   "no automatic amendment",
		`body.undocumented getWebhookDetails /unknown null`:            "only null was seen",
	} {
		assert.Contains(t, reasons[key], want, key)
	}
}

func TestFollowRejectsWhatIsNotASpec(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"a: [", "- a\n- b\n", ""} {
		_, err := Follow([]byte(src), nil, opts...)
		assert.Error(t, err, "%q", src)
	}
}

// The yardstick for "follow makes the same target pass": the engine,
// judging the same drifted responses by the amended spec.
func TestFollowedSpecPassesTheDriftedResponses(t *testing.T) {
	t.Parallel()
	src := readFile(t, "webhooks.yaml")
	before, err := conformance.New(src)
	require.NoError(t, err)

	webhook := `{"id":"w1","name":"n","targetUrl":"https://example.com/h","resource":"meetingSummaries","event":"created",` +
		`"status":"paused","created":"2026-01-01T00:00:00Z","orgName":"Acme","labels":["a"],"region":"emea"}`
	exchanges := []*conformance.Exchange{
		exchange(t, "/v1/webhooks", 200, `{"items":[`+webhook+`,`+strings.Replace(webhook, "meetingSummaries", "wellbeing", 1)+`]}`),
		exchange(t, "/v1/webhooks/w1", 200, webhook),
		exchange(t, "/v1/webhooks/w2", 404, `{"message":"gone","trackingId":"ROUTER_1","errors":[{"description":"d","hint":"try"}]}`),
	}
	var findings []conformance.Finding
	for _, x := range exchanges {
		findings = append(findings, before.Validate(x)...)
	}
	rules := map[string]int{}
	for _, f := range findings {
		rules[f.Rule.ID()]++
	}
	require.Equal(t, map[string]int{conformance.RuleBodyEnum.ID(): 6, conformance.RuleBodyUndocumented.ID(): 10}, rules, "%v", findings)

	res, err := Follow(src, findings, opts...)
	require.NoError(t, err)
	require.Empty(t, res.NeedsPerson)
	golden(t, "webhooks-followed.yaml", res.Spec)

	after, err := conformance.New(res.Spec)
	require.NoError(t, err, "the amended spec loads")
	for _, x := range exchanges {
		assert.Empty(t, after.Validate(x), "%s %d", x.Request.URL, x.Response.Status)
	}
}

func exchange(t *testing.T, path string, status int, body string) *conformance.Exchange {
	t.Helper()
	u, err := url.Parse("https://webexapis.com" + path)
	require.NoError(t, err)
	return &conformance.Exchange{
		Request: conformance.Request{Method: http.MethodGet, URL: u},
		Response: conformance.Response{
			Status: status,
			Header: http.Header{"Content-Type": {"application/json"}, "Trackingid": {"ROUTER_1"}},
			Body:   []byte(body),
		},
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"aa bb", "cc", "dddddddd"}, wrap("aa bb cc dddddddd", 5))
	assert.Empty(t, wrap("  ", 5))
}

func TestYAMLString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"messages": "messages", "uc_counters": "uc_counters", "true": `"true"`, "No": `"No"`,
		"a b": `"a b"`, "1": `"1"`, "a,b": `"a,b"`, "": `""`, "é": `"é"`, "x: y": `"x: y"`,
	} {
		assert.Equal(t, want, yamlString(in), in)
	}
}

// FuzzFollow: whatever the document, Follow does not panic, and what it
// returns parses, keeps the input's bytes in order, and is a fixed point.
func FuzzFollow(f *testing.F) {
	for _, name := range []string{"layouts.yaml", "crlf-no-final-eol.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(b, `"c"`)
	}
	f.Add([]byte("paths:\n  /x:\n    get:\n      operationId: getThing\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {enum: [a]}\n"), `"b"`)
	f.Fuzz(func(t *testing.T, spec []byte, actual string) {
		findings := []conformance.Finding{
			drift(conformance.RuleBodyEnum, "getThing", 200, "", actual),
			drift(conformance.RuleBodyEnum, "getThing", 200, "/kind", actual),
			drift(conformance.RuleBodyUndocumented, "getThing", 200, "/fresh", actual),
			drift(conformance.RuleBodyUndocumented, "getThing", 204, "/fresh", actual),
			drift(conformance.RuleHeaderEnum, "getThing", 200, "header:X-Mode", actual),
		}
		res, err := Follow(spec, findings, opts...)
		if err != nil {
			return
		}
		if _, err := parseDoc(res.Spec); err != nil {
			t.Fatalf("amended spec does not parse: %v", err)
		}
		removed, _ := changedLines(udiff.Unified("a", "b", spec, res.Spec))
		if removed > 2 {
			t.Fatalf("%d lines rewritten", removed)
		}
		again, err := Follow(res.Spec, findings, opts...)
		if err != nil || !bytes.Equal(again.Spec, res.Spec) {
			t.Fatalf("not a fixed point: %v\n%s", err, udiff.Unified("a", "b", res.Spec, again.Spec))
		}
	})
}

// A 3.1 document is amended in 3.1 form: a property seen as a string and
// as null is of type [string, "null"], one seen only as null of type
// "null", each with the value seen as its examples; nullable is never
// written.
func TestFollowAmends31In31Form(t *testing.T) {
	t.Parallel()
	src := bytes.Replace(readFile(t, "webhooks.yaml"), []byte("openapi: 3.0.3"), []byte("openapi: 3.1.0"), 1)
	src = regexp.MustCompile(`(?m)^ *nullable: true\n`).ReplaceAll(src, nil) // 3.0 only
	before, err := conformance.New(src)
	require.NoError(t, err)
	webhook := `{"id":"w1","name":"n","targetUrl":"https://example.com/h","resource":"messages","event":"created",` +
		`"status":"active","created":"2026-01-01T00:00:00Z","orgName":"Acme","region":null}`
	exchanges := []*conformance.Exchange{
		exchange(t, "/v1/webhooks/w1", 200, webhook),
		exchange(t, "/v1/webhooks/w2", 200, strings.Replace(webhook, `"Acme"`, "null", 1)),
	}
	var findings []conformance.Finding
	for _, x := range exchanges {
		findings = append(findings, before.Validate(x)...)
	}
	require.Len(t, findings, 4, "%v", findings)
	res, err := Follow(src, findings, opts...)
	require.NoError(t, err)
	require.Empty(t, res.NeedsPerson)
	out := string(res.Spec)
	assert.Contains(t, out, "        orgName:\n          type: [string, \"null\"]\n          examples: [\"Acme\"]\n")
	assert.Contains(t, out, "        region:\n          type: \"null\"\n")
	assert.False(t, strings.Contains(out, "nullable"), "nullable is 3.0")
	var types []string
	for _, c := range res.Changes {
		types = append(types, c.Value+" "+c.Type)
	}
	assert.ElementsMatch(t, []string{`orgName [string, "null"]`, `region "null"`}, types)
	after, err := conformance.New(res.Spec)
	require.NoError(t, err, "the amended spec loads")
	assert.Empty(t, after.SpecNotes())
	for _, x := range exchanges {
		assert.Empty(t, after.Validate(x), "%s %d", x.Request.URL, x.Response.Status)
	}
}

// TestFollowNeverProposesTheRunsProbes: a target that accepted the run's
// deliberately invalid create and echoes it back drifts on a value the
// run made up; follow leaves it out (the run's behavior.* error says what
// is wrong) and follows the rest.
func TestFollowNeverProposesTheRunsProbes(t *testing.T) {
	t.Parallel()
	spec := readFile(t, "webhooks.yaml")
	findings := []conformance.Finding{
		drift(conformance.RuleBodyEnum, "createWebhook", 200, "/resource", `"conformanceNoSuchResource"`),
		drift(conformance.RuleBodyEnum, "listWebhooks", 200, "/items/4/resource", `"conformanceNoSuchResource"`),
		drift(conformance.RuleBodyEnum, "listWebhooks", 200, "/items/5/event", `"conformanceNoSuchEvent"`),
		drift(conformance.RuleBodyEnum, "listWebhooks", 200, "/items/0/resource", `"meetingSummaries"`),
	}
	res, err := Follow(spec, findings, WithProbes("conformanceNoSuchResource", "conformanceNoSuchEvent", "not a url"))
	require.NoError(t, err)
	require.Len(t, res.Changes, 1)
	assert.Equal(t, "meetingSummaries", res.Changes[0].Value)
	assert.NotContains(t, string(res.Spec), "conformanceNoSuch")
	assert.Len(t, res.Probes, 3)
	assert.Empty(t, res.NeedsPerson)

	without, err := Follow(spec, findings)
	require.NoError(t, err)
	assert.Contains(t, string(without.Spec), "conformanceNoSuchResource", "without the report's probes the value looks like drift")
}
