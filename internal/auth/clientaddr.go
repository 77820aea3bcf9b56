package auth

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of CIDR prefixes or
// single addresses (--trusted-proxies): the proxies whose X-Forwarded-For
// header is believed.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddress is the address that a request's sign-in failures are
// counted against. The connection's peer is the client unless it is a
// trusted proxy; then X-Forwarded-For is read from the right (each proxy
// appends the address it saw), skipping trusted proxies, and the first
// address not trusted is the client. Anything before it was written by
// the client and is ignored, so nobody can pick the address they are
// counted as. An IPv6 client is counted by its /64, which one host
// usually holds whole.
func ClientAddress(remoteAddr string, forwardedFor []string, proxies []netip.Prefix) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return remoteAddr
	}
	peer = peer.Unmap().WithZone("")
	if trusted(peer, proxies) {
		var hops []string
		for _, h := range forwardedFor {
			hops = append(hops, strings.Split(h, ",")...)
		}
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a mangled hop: stop at the last proxy we trust
			}
			peer = a.Unmap().WithZone("")
			if !trusted(peer, proxies) {
				break
			}
		}
	}
	if peer.Is6() {
		p, _ := peer.Prefix(64)
		return p.String()
	}
	return peer.String()
}
