package gen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Webex signs with HMAC-SHA1; it is the wire format, not a choice.
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// SignatureHeader is the request header that carries a notification's
// signature: the lower-case hex HMAC-SHA1 of the raw body, keyed with the
// webhook's secret.
const SignatureHeader = "X-Spark-Signature"

// MaxNotificationBytes is the largest notification body NotificationHandler
// reads. Real envelopes carry ids only and stay under a few kilobytes.
const MaxNotificationBytes = 1 << 20

// The ways VerifySignature refuses a signature; test with errors.Is.
var (
	ErrSignatureMissing   = errors.New("gen: notification signature missing")
	ErrSignatureMalformed = errors.New("gen: notification signature malformed: want 40 lower-case hex digits")
	ErrSignatureMismatch  = errors.New("gen: notification signature does not match the body")
)

// Sign returns the X-Spark-Signature Webex sends with body for a webhook
// whose secret is secret.
func Sign(secret string, body []byte) string {
	return hex.EncodeToString(mac(secret, body))
}

func mac(secret string, body []byte) []byte {
	h := hmac.New(sha1.New, []byte(secret))
	h.Write(body)
	return h.Sum(nil)
}

// VerifySignature checks that signature, the X-Spark-Signature header of a
// delivery, is Sign(secret, body). The comparison takes the same time
// wherever the first differing byte is, so a forger learns nothing from how
// fast a guess is refused. The error is ErrSignatureMissing,
// ErrSignatureMalformed or ErrSignatureMismatch.
func VerifySignature(secret string, body []byte, signature string) error {
	got, err := decodeSignature(signature)
	if err != nil {
		return err
	}
	if !hmac.Equal(got, mac(secret, body)) {
		return ErrSignatureMismatch
	}
	return nil
}

// decodeSignature accepts exactly what Webex sends: 40 lower-case hex
// digits. Upper case is refused too, so a receiver and the checker agree
// on what a well-formed signature is.
func decodeSignature(signature string) ([]byte, error) {
	if signature == "" {
		return nil, ErrSignatureMissing
	}
	if len(signature) != 2*sha1.Size {
		return nil, ErrSignatureMalformed
	}
	for i := 0; i < len(signature); i++ {
		if c := signature[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return nil, ErrSignatureMalformed
		}
	}
	return hex.DecodeString(signature)
}

// DecodeNotification decodes a delivery's body into the envelope. It
// refuses what cannot be a notification: anything but one JSON object, a
// field of the wrong type, or an envelope without the webhook's id, its
// resource and event, or the id of the object the event is about. Fields
// it does not know are ignored, as the API grows.
func DecodeNotification(body []byte) (*WebhookNotification, error) {
	var n WebhookNotification
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("gen: notification: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("gen: notification: data after the JSON object")
	}
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"id", n.ID}, {"resource", string(n.Resource)}, {"event", string(n.Event)}, {"data.id", n.Data.ID},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if missing != nil {
		return nil, fmt.Errorf("gen: notification: missing %v", missing)
	}
	return &n, nil
}

// NotificationHandler receives the webhook notifications Webex POSTs to a
// targetUrl. It reads at most MaxNotificationBytes (413 beyond), refuses a
// missing, malformed or wrong X-Spark-Signature with 403 before decoding
// anything, and a body DecodeNotification refuses with 400. It then calls
// handle with the envelope and answers 204, or 500 when handle fails so
// that Webex counts a failed delivery and sends it again.
//
// secret is the secret the webhook was created with. An empty secret is for
// a webhook created without one, whose deliveries are unsigned: every
// delivery is then accepted unverified.
//
//	http.Handle("/webex", gen.NotificationHandler(os.Getenv("WEBEX_WEBHOOK_SECRET"),
//		func(ctx context.Context, n *gen.WebhookNotification) error {
//			log.Printf("%s %s: %s", n.Resource, n.Event, n.Data.ID)
//			return nil
//		}))
func NotificationHandler(secret string, handle func(context.Context, *WebhookNotification) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "notifications are POSTed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxNotificationBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, fmt.Sprintf("notification larger than %d bytes", MaxNotificationBytes), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "notification body unreadable", http.StatusBadRequest)
			return
		}
		if secret != "" {
			if err := VerifySignature(secret, body, r.Header.Get(SignatureHeader)); err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
		}
		n, err := DecodeNotification(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := handle(r.Context(), n); err != nil {
			// The handler's error may say anything about the receiver's
			// internals; the sender learns only that it failed.
			http.Error(w, "notification not handled", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
