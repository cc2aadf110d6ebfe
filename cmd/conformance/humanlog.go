package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/webex-conformance/webhooks/internal/redact"
)

// humanHandler writes the records the proxy and the receiver log as one
// line each for a person on stderr:
//
//	proxy: GET /v1/webhooks → 200: error body.enum /items/0/status: ... (got "x")
//	receive: delivery 2: POST /hook → 204: 1 finding
//	proxy: GET /v1/webhooks: upstream failed: dial tcp ...
//
// Every value goes through redact (the engine's redactor) and has its
// control characters escaped, whatever the library did already. Records
// below Info are not written.
type humanHandler struct {
	mu     *sync.Mutex
	w      io.Writer
	prefix string
	redact func(string) string
	attrs  []slog.Attr
}

// newHumanLogger logs to w, each line starting with prefix and a colon.
func newHumanLogger(w io.Writer, prefix string, redact func(string) string) *slog.Logger {
	return slog.New(&humanHandler{mu: &sync.Mutex{}, w: w, prefix: prefix, redact: redact})
}

func (h *humanHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *humanHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *humanHandler) WithGroup(string) slog.Handler { return h }

func (h *humanHandler) Handle(_ context.Context, r slog.Record) error {
	v := map[string]string{}
	var rest []string
	add := func(a slog.Attr) {
		s := h.clean(a.Value.Resolve().String())
		switch a.Key {
		case "case", "method", "path", "status", "severity", "rule", "pointer", "message", "actual", "findings", "error":
			v[a.Key] = s
		case "operation", "verdict", "duration_ms":
			// In the report; a person's line is shorter without.
		default:
			rest = append(rest, a.Key+"="+s)
		}
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(func(a slog.Attr) bool { add(a); return true })

	var b strings.Builder
	b.WriteString(h.prefix)
	b.WriteString(": ")
	if c := v["case"]; c != "" {
		b.WriteString(c + ": ")
	}
	if m := v["method"]; m != "" {
		b.WriteString(m + " " + v["path"])
		if s := v["status"]; s != "" && s != "0" {
			b.WriteString(" → " + s)
		}
		b.WriteString(": ")
	}
	switch r.Message {
	case "finding":
		b.WriteString(v["severity"] + " " + v["rule"])
		if p := v["pointer"]; p != "" {
			b.WriteString(" " + p)
		}
		b.WriteString(": " + v["message"])
		if a := v["actual"]; a != "" {
			b.WriteString(" (got " + a + ")")
		}
	case "judged":
		n, _ := strconv.Atoi(v["findings"])
		b.WriteString(v["findings"] + " " + plural(n, "finding", "findings"))
	default:
		b.WriteString(h.clean(r.Message))
		if e := v["error"]; e != "" {
			b.WriteString(": " + e)
		}
	}
	for _, s := range rest {
		b.WriteString(" " + s)
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *humanHandler) clean(s string) string {
	if h.redact != nil {
		s = h.redact(s)
	}
	return redact.Line(s)
}
