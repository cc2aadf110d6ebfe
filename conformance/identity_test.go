package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFoldPointer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"/items/0/resource", "/items/*/resource"},
		{"/items/12/tags/3", "/items/*/tags/*"},
		{"/resource", "/resource"},
		{"/items/0x1/a", "/items/0x1/a"},
		{"/a//b", "/a//b"},
		{"", ""},
		{"header:Retry-After", "header:Retry-After"},
	} {
		assert.Equal(t, tc.want, FoldPointer(tc.in), tc.in)
	}
}

func TestFindingIdentity(t *testing.T) {
	t.Parallel()
	enum := Finding{Rule: RuleBodyEnum, Severity: SeverityDrift, Operation: "listWebhooks", Status: 200, Pointer: "/items/0/resource", Message: "m", Actual: `"someNewResource"`}
	same := func(mod func(*Finding)) Finding { f := enum; mod(&f); return f }
	cases := []struct {
		name  string
		other Finding
		equal bool
	}{
		{"same value, another index", same(func(f *Finding) { f.Pointer = "/items/7/resource" }), true},
		{"same value, other message and expected", same(func(f *Finding) { f.Message, f.Expected = "other words", "one of [a]" }), true},
		{"new value at the same pointer", same(func(f *Finding) { f.Actual = `"anotherResource"` }), false},
		{"another field", same(func(f *Finding) { f.Pointer = "/items/0/event" }), false},
		{"another operation", same(func(f *Finding) { f.Operation = "getWebhookDetails" }), false},
		{"another status", same(func(f *Finding) { f.Status = 201 }), false},
		{"another rule", same(func(f *Finding) { f.Rule = RuleBodyFormat }), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.equal, enum.Identity() == tc.other.Identity(), tc.name)
	}

	// Undocumented properties are one finding whatever their value.
	undoc := Finding{Rule: RuleBodyUndocumented, Operation: "listWebhooks", Status: 200, Pointer: "/items/0/orgName", Actual: `"Acme"`}
	other := undoc
	other.Pointer, other.Actual = "/items/3/orgName", `"Globex"`
	assert.Equal(t, undoc.Identity(), other.Identity())

	// A wrong type is identified by its value, as an enum value is.
	typ := Finding{Rule: RuleBodyType, Operation: "getWebhookDetails", Status: 200, Pointer: "/created", Actual: "42"}
	typ2 := typ
	typ2.Actual = "true"
	assert.NotEqual(t, typ.Identity(), typ2.Identity())
}
