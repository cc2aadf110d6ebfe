package httpheader

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLink(t *testing.T) {
	t.Parallel()
	type P = map[string]string
	tests := []struct {
		name    string
		value   string
		want    []Link
		wantErr bool
	}{
		{
			name:  "Webex next",
			value: `<https://webexapis.com/v1/webhooks?max=2&cursor=abc>; rel="next"`,
			want:  []Link{{URI: "https://webexapis.com/v1/webhooks?max=2&cursor=abc", Params: P{"rel": "next"}}},
		},
		{
			name:  "token value",
			value: `<https://x.test/a>;rel=next`,
			want:  []Link{{URI: "https://x.test/a", Params: P{"rel": "next"}}},
		},
		{
			name:  "several link-values, commas inside URI and quotes",
			value: `<https://x.test/a?b=1,2>; rel="next"; title="a, b", <https://x.test/first>; rel=first`,
			want: []Link{
				{URI: "https://x.test/a?b=1,2", Params: P{"rel": "next", "title": "a, b"}},
				{URI: "https://x.test/first", Params: P{"rel": "first"}},
			},
		},
		{
			name:  "parameter names case-insensitive, value kept",
			value: `<https://x.test/a>; REL="Next"; Title=Hello`,
			want:  []Link{{URI: "https://x.test/a", Params: P{"rel": "Next", "title": "Hello"}}},
		},
		{
			name:  "BWS around = and OWS around ;",
			value: "<https://x.test/a> \t; rel = \"next\" ;\ttype=\"text/html\"",
			want:  []Link{{URI: "https://x.test/a", Params: P{"rel": "next", "type": "text/html"}}},
		},
		{
			name:  "several rel types",
			value: `<https://x.test/a>; rel="next last"`,
			want:  []Link{{URI: "https://x.test/a", Params: P{"rel": "next last"}}},
		},
		{
			name:  "only the first rel counts",
			value: `<https://x.test/a>; rel=prev; rel=next`,
			want:  []Link{{URI: "https://x.test/a", Params: P{"rel": "prev"}}},
		},
		{
			name:  "quoted-pair",
			value: `<https://x.test/a>; title="say \"hi\" \\ bye"`,
			want:  []Link{{URI: "https://x.test/a", Params: P{"title": `say "hi" \ bye`}}},
		},
		{
			name:  "parameter without value",
			value: `<https://x.test/a>; rel=next; crossorigin`,
			want:  []Link{{URI: "https://x.test/a", Params: P{"rel": "next", "crossorigin": ""}}},
		},
		{
			name:  "relative reference",
			value: `</v1/webhooks?cursor=2>; rel="next"`,
			want:  []Link{{URI: "/v1/webhooks?cursor=2", Params: P{"rel": "next"}}},
		},
		{
			name:  "empty URI-Reference and no params",
			value: `<>`,
			want:  []Link{{URI: "", Params: P{}}},
		},
		{
			name:  "percent-encoding and ext-value token",
			value: `<https://x.test/%C3%A4>; title*=UTF-8'de'n%c3%a4chstes`,
			want:  []Link{{URI: "https://x.test/%C3%A4", Params: P{"title*": "UTF-8'de'n%c3%a4chstes"}}},
		},
		{
			name:  "empty list elements",
			value: ` , <https://x.test/a>; rel=next ,, `,
			want:  []Link{{URI: "https://x.test/a", Params: P{"rel": "next"}}},
		},

		{name: "empty", value: "", wantErr: true},
		{name: "only commas", value: " , ,", wantErr: true},
		{name: "no angle brackets", value: `https://x.test/a; rel=next`, wantErr: true},
		{name: "unterminated <", value: `<https://x.test/a; rel=next`, wantErr: true},
		{name: "space in URI", value: `<https://x.test/a b>; rel=next`, wantErr: true},
		{name: "quote in URI", value: `<https://x.test/"a>; rel=next`, wantErr: true},
		{name: "bad percent-encoding", value: `<https://x.test/%zz>; rel=next`, wantErr: true},
		{name: "truncated percent-encoding", value: `<https://x.test/%4>`, wantErr: true},
		{name: "bad URI structure", value: `<http://[::1>; rel=next`, wantErr: true},
		{name: "missing ;", value: `<https://x.test/a> rel=next`, wantErr: true},
		{name: "dangling ;", value: `<https://x.test/a>;`, wantErr: true},
		{name: "double ;", value: `<https://x.test/a>;; rel=next`, wantErr: true},
		{name: "missing value after =", value: `<https://x.test/a>; rel=`, wantErr: true},
		{name: "value not a token", value: `<https://x.test/a>; rel=(next)`, wantErr: true},
		{name: "unterminated quoted string", value: `<https://x.test/a>; rel="next`, wantErr: true},
		{name: "control character in quoted string", value: "<https://x.test/a>; rel=\"ne\x01xt\"", wantErr: true},
		{name: "bad quoted-pair", value: "<https://x.test/a>; rel=\"a\\\x01\"", wantErr: true},
		{name: "trailing garbage", value: `<https://x.test/a>; rel=next x`, wantErr: true},
		{name: "text between values", value: `<https://x.test/a>; rel=next <https://x.test/b>`, wantErr: true},
		{name: "one good one bad", value: `<https://x.test/a>; rel=next, garbage`, wantErr: true},
		{name: "parameter name missing", value: `<https://x.test/a>; =next`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseLink(tt.value)
			if tt.wantErr {
				require.Error(t, err)
				assert.Nil(t, got)
				assert.Contains(t, err.Error(), "Link")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseLinkErrors(t *testing.T) {
	t.Parallel()
	_, err := ParseLink(`<https://x.test/a>; rel=next x`)
	var le *LinkError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 29, le.Offset)

	_, err = ParseLink("")
	require.ErrorIs(t, err, ErrEmpty)

	_, err = ParseLink(`<a b>`)
	require.True(t, errors.As(err, &le))
	assert.Contains(t, le.Reason, "not allowed")
}

func TestLinkRels(t *testing.T) {
	t.Parallel()
	l := Link{URI: "x", Params: map[string]string{"rel": " next  LAST "}}
	assert.Equal(t, []string{"next", "LAST"}, l.Rels())
	assert.True(t, l.HasRel("next"))
	assert.True(t, l.HasRel("Last"))
	assert.False(t, l.HasRel("prev"))
	assert.False(t, l.HasRel("nex"))
	assert.Empty(t, Link{}.Rels())
	assert.False(t, Link{}.HasRel("next"))
}

func TestParseLinkHeader(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	links, err := ParseLinkHeader(h)
	require.NoError(t, err)
	assert.Empty(t, links)

	h.Add("Link", `<https://x.test/1>; rel=first`)
	h.Add("Link", `<https://x.test/2>; rel=next`)
	links, err = ParseLinkHeader(h)
	require.NoError(t, err)
	require.Len(t, links, 2)
	assert.Equal(t, "https://x.test/2", links[1].URI)

	h.Add("Link", `nonsense`)
	_, err = ParseLinkHeader(h)
	require.Error(t, err)
}

func TestNextLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		want   string
		wantOK bool
	}{
		{name: "none", values: nil},
		{name: "no next", values: []string{`<https://x.test/1>; rel=first`}},
		{name: "simple", values: []string{`<https://x.test/2>; rel="next"`}, want: "https://x.test/2", wantOK: true},
		{name: "among several rels", values: []string{`<https://x.test/2>; rel="last next"`}, want: "https://x.test/2", wantOK: true},
		{name: "second field", values: []string{`<https://x.test/1>; rel=first`, `<https://x.test/2>; rel=next`}, want: "https://x.test/2", wantOK: true},
		{name: "after a malformed value", values: []string{`garbage "with, comma", <https://x.test/2>; rel=next`}, want: "https://x.test/2", wantOK: true},
		{name: "after a malformed URI with a comma", values: []string{`<https://x.test/a b,c>; rel=next, <https://x.test/2>; rel=next`}, want: "https://x.test/2", wantOK: true},
		{name: "malformed next is skipped", values: []string{`<https://x.test/a b>; rel=next`}},
		{name: "first next wins", values: []string{`<https://x.test/2>; rel=next, <https://x.test/3>; rel=next`}, want: "https://x.test/2", wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Link", v)
			}
			got, ok := NextLink(h)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzParseLink(f *testing.F) {
	for _, s := range []string{
		`<https://webexapis.com/v1/webhooks?max=2&cursor=abc>; rel="next"`,
		`<a,b>; rel=next; title="x, \"y\"", <c>; rel="first last"`,
		`<>`, ` , `, `<a>;`, `<a>; rel="unterminated`, `<%zz>`, `</r>; REL = next ; x`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		links, err := ParseLink(value)
		lenient, _ := parseLinks(value, true)
		if err != nil {
			if links != nil {
				t.Fatalf("links with an error: %v", links)
			}
			return
		}
		if len(links) == 0 {
			t.Fatalf("no links and no error for %q", value)
		}
		// On valid input the lenient parser must agree with the strict one.
		if len(lenient) != len(links) {
			t.Fatalf("lenient found %d links, strict %d, in %q", len(lenient), len(links), value)
		}
		for i, l := range links {
			if checkURIReference(l.URI) != nil {
				t.Fatalf("accepted a bad URI %q", l.URI)
			}
			if l.URI != lenient[i].URI {
				t.Fatalf("lenient URI %q, strict %q", lenient[i].URI, l.URI)
			}
			for name := range l.Params {
				if name == "" {
					t.Fatalf("empty parameter name in %q", value)
				}
				for j := 0; j < len(name); j++ {
					if !isTchar(name[j]) || ('A' <= name[j] && name[j] <= 'Z') {
						t.Fatalf("parameter name %q not a lower-case token", name)
					}
				}
			}
		}
	})
}

func TestIsToken(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"Authorization": true, "X-Custom_1.2": true, "!#$%&'*+-.^_`|~": true,
		"": false, "Bad Name": false, "Name:": false, "a\"b": false, "(x)": false, "ü": false, "tab\t": false,
	} {
		assert.Equal(t, want, IsToken(s), "%q", s)
	}
}
