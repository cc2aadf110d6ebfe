package mock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"syscall"
)

// DefaultMaxDeliveriesInFlight bounds the deliveries in flight across all
// emits of a server: past it, an emit waits for a slot (or for its caller
// to give up), so that many emits to slow targets hold a bounded number
// of connections and goroutines.
const DefaultMaxDeliveriesInFlight = 32

// DeliveryRefusedError is why the server would not connect to a webhook's
// target: the address it resolved to is one the server never delivers to,
// or not one --deliver-to (WithDeliverTo) allows.
type DeliveryRefusedError struct {
	Addr   netip.Addr
	Reason string // "link-local address", ...
}

func (e *DeliveryRefusedError) Error() string { return "refused: " + e.Reason }

// deliveryPolicy says where deliveries may connect: never to link-local,
// unspecified or multicast addresses (cloud metadata services live on
// link-local ones, and 0.0.0.0 reaches the host itself), and, when hosts
// or nets are given, only to those.
type deliveryPolicy struct {
	hosts []string // lower case
	nets  []netip.Prefix
}

func (p *deliveryPolicy) restricted() bool { return len(p.hosts) > 0 || len(p.nets) > 0 }

// allowsHost says whether a host name is listed as a whole.
func (p *deliveryPolicy) allowsHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range p.hosts {
		if h == host {
			return true
		}
	}
	return false
}

// check decides on the address a delivery is about to connect to, after
// name resolution; byName says the host name was listed.
func (p *deliveryPolicy) check(addr netip.Addr, byName bool) *DeliveryRefusedError {
	addr = addr.Unmap().WithZone("")
	switch {
	case addr.IsMulticast():
		return &DeliveryRefusedError{addr, "multicast address"}
	case addr.IsLinkLocalUnicast():
		return &DeliveryRefusedError{addr, "link-local address"}
	case addr.IsUnspecified():
		return &DeliveryRefusedError{addr, "unspecified address"}
	case addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return &DeliveryRefusedError{addr, "broadcast address"}
	}
	if !p.restricted() || byName {
		return nil
	}
	for _, n := range p.nets {
		if n.Contains(addr) {
			return nil
		}
	}
	return &DeliveryRefusedError{addr, "address not allowed by --deliver-to"}
}

// dialContext dials as d does and checks each address it connects to,
// after name resolution and before the connection is made: a name that
// resolves to a refused address is refused, whatever it resolved to when
// the webhook was made.
func (p *deliveryPolicy) dialContext(d *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		byName := p.allowsHost(host)
		// Dual-stack dialing may try addresses side by side.
		var refused atomic.Pointer[DeliveryRefusedError]
		dialer := *d
		dialer.Control = func(_, resolved string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(resolved)
			if err != nil {
				err := &DeliveryRefusedError{Reason: "address not understood"}
				refused.Store(err)
				return err
			}
			if err := p.check(ap.Addr(), byName); err != nil {
				refused.Store(err)
				return err
			}
			return nil
		}
		conn, err := dialer.DialContext(ctx, network, address)
		if r := refused.Load(); err != nil && r != nil {
			return nil, r // the policy's word, not the dialer's wrapping
		}
		return conn, err
	}
}

// ParseDeliverTo reads one --deliver-to value: a CIDR (10.1.0.0/16), an IP
// address (a network of one) or a host name (allowed by name, whatever it
// resolves to but the addresses never delivered to).
func ParseDeliverTo(s string) (host string, network netip.Prefix, err error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", netip.Prefix{}, errors.New("an empty value is neither a host nor a CIDR")
	case strings.Contains(s, "/") && !strings.Contains(s, "://"):
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return "", netip.Prefix{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", s)
		}
		return "", p.Masked(), nil
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return "", netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	if strings.ContainsAny(s, ":@?# ") || len(s) > 253 {
		return "", netip.Prefix{}, fmt.Errorf("%q is not a host name, an IP address or a CIDR (no scheme, port or path)", s)
	}
	return strings.ToLower(strings.TrimSuffix(s, ".")), netip.Prefix{}, nil
}

// WithDeliverTo restricts deliveries to the targets listed, each as
// ParseDeliverTo reads it: a delivery connects only to a listed host name
// or to an address in a listed network. The addresses never delivered to
// (link-local, unspecified, multicast) stay refused whatever is listed.
// It panics on a value ParseDeliverTo refuses, a mistake in the calling
// code. It applies to the server's own delivery client, not to one given
// with WithDeliveryClient.
func WithDeliverTo(targets ...string) Option {
	var p deliveryPolicy
	for _, t := range targets {
		host, network, err := ParseDeliverTo(t)
		if err != nil {
			panic("mock: WithDeliverTo: " + err.Error())
		}
		if host != "" {
			p.hosts = append(p.hosts, host)
		} else {
			p.nets = append(p.nets, network)
		}
	}
	return func(c *config) {
		c.policy.hosts = append(c.policy.hosts, p.hosts...)
		c.policy.nets = append(c.policy.nets, p.nets...)
	}
}

// WithMaxDeliveriesInFlight bounds the deliveries in flight across all
// emits (default DefaultMaxDeliveriesInFlight). n < 1 keeps the default.
func WithMaxDeliveriesInFlight(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxInFlight = n
		}
	}
}

// publicError is what the answer to POST /_mock/events says of a failed
// delivery: the policy's refusal or the target's status as they are, and
// for anything else only that the target could not be reached, so that
// the answer does not map the network around the server (which ports are
// closed, which names resolve).
func publicError(err error) string {
	var refused *DeliveryRefusedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &refused):
		return refused.Error()
	case errors.As(err, new(*statusError)):
		return err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "the target did not answer in time"
	case errors.Is(err, context.Canceled):
		return "not delivered: the emit was cancelled"
	}
	return "the target could not be reached"
}

// statusError is a delivery the target answered other than 2xx.
type statusError struct{ status int }

func (e *statusError) Error() string {
	return fmt.Sprintf("target answered %d %s", e.status, http.StatusText(e.status))
}
