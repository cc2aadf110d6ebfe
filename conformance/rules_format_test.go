package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDateTime(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"1998-12-31T23:59:60Z":             true, // the leap second, UTC
		"1998-12-31T15:59:60.123-08:00":    true, // the same instant, at -08:00
		"1999-01-01T00:59:60+01:00":        true,
		"1998-12-31T23:58:60Z":             false, // a leap second on a wrong minute
		"1998-12-31T22:59:60Z":             false,
		"1998-12-31T23:59:60+01:00":        false, // 22:59:60 UTC
		"1998-12-31T23:59:61Z":             false,
		"1963-06-19t08:30:06.283185z":      true, // RFC 3339 5.6: t and z in either case
		"1963-06-19T08:30:06z":             true,
		"2015-10-18T14:26:16+00:00":        true,
		"2015-10-18T14:26:16":              false, // no time zone
		"2016-02-29T24:00:00Z":             false,
		"1990-12-31T15:59:59-24:00":        false,
		"1963-06-19T08:30:06.28123+01:00Z": false,
	} {
		assert.Equal(t, want, isDateTime([]byte(v)), v)
	}
}

func TestAbsoluteURI(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"file:///etc/passwd":                      true, // an empty host is RFC 3986 syntax
		"https://example.com/a?b=c#d":             true,
		"mailto:a@b.example":                      true,
		"urn:isbn:0451450523":                     true,
		"ldap://[2001:db8::7]/c=GB?objectClass":   true,
		"http://[v1.fe]/":                         true,
		"http://user:pw@host:8080/p":              true,
		"http://":                                 true,
		"/relative":                               false,
		"//host/path":                             false,
		"not a uri":                               false,
		"https://example.org/foo bar.txt":         false,
		"http://example.com:abc/path":             false,
		"https://[@example.org/test.txt":          false,
		"http://[::ffff:01.2.3.4]":                false,
		"http:/[::1]":                             false,
		"http://example.com/%6G":                  false,
		"https://example.org/foobar\u00ae.txt":    false,
		"http://a#b#c":                            false,
		"http://[fe80::1%25eth0]/":                false,
		"ht_tp://example.com":                     false,
		"https://example.org/foobar{}.txt":        false,
		"http://-.~_!$&'()*+,;=:%40:80%2f@ex.com": true,
	} {
		assert.Equal(t, want, isAbsoluteURI([]byte(v)), v)
	}
}
