package gen_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/gen"
)

// Signatures computed outside Go, with
//
//	printf '%s' "$body" | openssl dgst -sha1 -hmac "$secret"
//
// the last one also the well-known HMAC-SHA1 example of RFC 2104's
// Wikipedia page.
var signatureVectors = []struct {
	name, secret, body, signature string
}{
	{"envelope", "somesupersecretphrase",
		`{"id":"Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWE","resource":"messages","event":"created","data":{"id":"msg-1"}}`,
		"a0006f769830763620857eff2ab173ba5d2a7c31"},
	{"empty body", "key", "", "f42bb0eeb018ebbd4597ae7213711ec60760843f"},
	{"fox", "key", "The quick brown fox jumps over the lazy dog", "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"},
}

func TestSignMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	for _, v := range signatureVectors {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, v.signature, gen.Sign(v.secret, []byte(v.body)))
			assert.NoError(t, gen.VerifySignature(v.secret, []byte(v.body), v.signature))
		})
	}
}

func TestVerifySignatureRefuses(t *testing.T) {
	t.Parallel()
	v := signatureVectors[0]
	flipLast := v.signature[:39] + "0"
	if flipLast == v.signature {
		flipLast = v.signature[:39] + "1"
	}
	cases := []struct {
		name, secret, body, signature string
		want                          error
	}{
		{"missing", v.secret, v.body, "", gen.ErrSignatureMissing},
		{"upper case", v.secret, v.body, strings.ToUpper(v.signature), gen.ErrSignatureMalformed},
		{"too short", v.secret, v.body, v.signature[:39], gen.ErrSignatureMalformed},
		{"too long", v.secret, v.body, v.signature + "0", gen.ErrSignatureMalformed},
		{"not hex", v.secret, v.body, "z" + v.signature[1:], gen.ErrSignatureMalformed},
		{"sha256 length", v.secret, v.body, strings.Repeat("ab", 32), gen.ErrSignatureMalformed},
		{"prefixed", v.secret, v.body, "sha1=" + v.signature[5:], gen.ErrSignatureMalformed},
		{"last digit wrong", v.secret, v.body, flipLast, gen.ErrSignatureMismatch},
		{"wrong secret", "another secret", v.body, v.signature, gen.ErrSignatureMismatch},
		{"tampered body", v.secret, strings.Replace(v.body, "msg-1", "msg-2", 1), v.signature, gen.ErrSignatureMismatch},
		{"trailing newline", v.secret, v.body + "\n", v.signature, gen.ErrSignatureMismatch},
		{"re-encoded body", v.secret, strings.ReplaceAll(v.body, ",", ", "), v.signature, gen.ErrSignatureMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := gen.VerifySignature(c.secret, []byte(c.body), c.signature)
			assert.ErrorIs(t, err, c.want)
		})
	}
}

const envelope = `{"id":"wh-1","name":"n","targetUrl":"https://example.com/hook","resource":"messages","event":"created",
"orgId":"o","createdBy":"p","appId":"a","ownedBy":"creator","status":"active","created":"2026-01-02T03:04:05.000Z",
"actorId":"p","data":{"id":"msg-1","roomId":"room-1"}}`

func TestDecodeNotification(t *testing.T) {
	t.Parallel()
	n, err := gen.DecodeNotification([]byte(envelope))
	require.NoError(t, err)
	assert.Equal(t, "wh-1", n.ID)
	assert.Equal(t, gen.WebhookResourceMessages, n.Resource)
	assert.Equal(t, gen.WebhookEventCreated, n.Event)
	assert.Equal(t, "msg-1", n.Data.ID)
	room, ok := n.Data.Get("roomId")
	assert.True(t, ok)
	assert.Equal(t, "room-1", room)

	refused := map[string]string{
		"empty":           ``,
		"not json":        `<html>`,
		"array":           `[` + envelope + `]`,
		"two objects":     envelope + envelope,
		"truncated":       envelope[:len(envelope)-2],
		"id a number":     strings.Replace(envelope, `"id":"wh-1"`, `"id":1`, 1),
		"no data":         strings.Replace(envelope, `"data":{"id":"msg-1","roomId":"room-1"}`, `"data":{}`, 1),
		"no event":        strings.Replace(envelope, `"event":"created",`, ``, 1),
		"created garbled": strings.Replace(envelope, `2026-01-02T03:04:05.000Z`, `yesterday`, 1),
	}
	for name, body := range refused {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := gen.DecodeNotification([]byte(body))
			assert.Error(t, err)
		})
	}
}

func TestNotificationHandler(t *testing.T) {
	t.Parallel()
	const secret = "s3cret"
	signed := map[string]string{gen.SignatureHeader: gen.Sign(secret, []byte(envelope))}
	big := `{"id":"wh-1","pad":"` + strings.Repeat("x", gen.MaxNotificationBytes) + `"}`
	cases := []struct {
		name     string
		method   string
		body     string
		header   map[string]string
		handle   error
		want     int
		handled  bool
		noSecret bool
	}{
		{name: "delivered", body: envelope, header: signed, want: http.StatusNoContent, handled: true},
		{name: "handle fails", body: envelope, header: signed, handle: errors.New("db down"), want: http.StatusInternalServerError, handled: true},
		{name: "missing signature", body: envelope, want: http.StatusForbidden},
		{name: "malformed signature", body: envelope, header: map[string]string{gen.SignatureHeader: "nope"}, want: http.StatusForbidden},
		{name: "wrong signature", body: envelope, header: map[string]string{gen.SignatureHeader: gen.Sign("other", []byte(envelope))}, want: http.StatusForbidden},
		{name: "tampered body", body: strings.Replace(envelope, "msg-1", "msg-2", 1), header: signed, want: http.StatusForbidden},
		{name: "signed garbage is 400", body: "{}", header: map[string]string{gen.SignatureHeader: gen.Sign(secret, []byte("{}"))}, want: http.StatusBadRequest},
		{name: "unsigned garbage is 403, not 400", body: "<html>", want: http.StatusForbidden},
		{name: "too large", body: big, header: map[string]string{gen.SignatureHeader: gen.Sign(secret, []byte(big))}, want: http.StatusRequestEntityTooLarge},
		{name: "GET", method: http.MethodGet, want: http.StatusMethodNotAllowed},
		{name: "no secret accepts unsigned", body: envelope, noSecret: true, want: http.StatusNoContent, handled: true},
		{name: "no secret still decodes", body: "[]", noSecret: true, want: http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var got *gen.WebhookNotification
			key := secret
			if c.noSecret {
				key = ""
			}
			h := gen.NotificationHandler(key, func(_ context.Context, n *gen.WebhookNotification) error {
				got = n
				return c.handle
			})
			method := c.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "/hook", strings.NewReader(c.body))
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, c.want, rec.Code, rec.Body.String())
			if c.handled {
				require.NotNil(t, got)
				assert.Equal(t, "msg-1", got.Data.ID)
			} else {
				assert.Nil(t, got, "handle must not run")
			}
			assert.NotContains(t, rec.Body.String(), "db down", "the handler's error stays inside")
		})
	}
}

func FuzzDecodeNotification(f *testing.F) {
	f.Add([]byte(envelope))
	f.Add([]byte(`{"id":"a","resource":"x","event":"y","data":{"id":"z","n":null}}`))
	f.Add([]byte(`{"data":{"id":1}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := gen.DecodeNotification(body)
		if err != nil {
			return
		}
		if n.ID == "" || n.Resource == "" || n.Event == "" || n.Data.ID == "" {
			t.Fatalf("accepted an envelope without its ids: %+v", n)
		}
		// What a receiver accepts once it accepts again, signed or not.
		sig := gen.Sign("k", body)
		if err := gen.VerifySignature("k", body, sig); err != nil {
			t.Fatal(err)
		}
	})
}
