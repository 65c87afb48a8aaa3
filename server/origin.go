package server

import (
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// OriginPolicy decides which hosts the server answers for and which browser
// origins may open a socket or change state.
//
// Hosts: with public URLs (--public-url) only their hosts are served. Without
// them, only IP literals, localhost and the hosts of the extra origins
// (--origins) are: any other name could be an attacker's domain rebound to
// this server's address (DNS rebinding), and then the attacker's page would
// be "same origin" with the server. Both are refused with 421.
//
// Origins: the server's own origin (the public URLs when set, else the
// request's own scheme, host and port) plus an exact allowlist. A request
// without an Origin header is not from a browser page and is allowed
// (capability ids still gate it). "null" and look-alikes such as
// https://<host>.evil.example are refused: only exact matches count.
type OriginPolicy struct {
	extra  map[string]bool // normalized origins from --origins
	listed []string        // the same, sorted: fixed once built
	public map[string]bool // normalized origins from --public-url
	hosts  map[string]bool // host[:port] of every public and extra origin
}

// NewOriginPolicy allows the request's own origin plus each of extra
// (scheme://host[:port], as browsers send it). With publicURLs, the server
// answers only for their hosts and its own origin is theirs, not the one
// the Host header claims.
func NewOriginPolicy(extra []string, publicURLs ...string) (*OriginPolicy, error) {
	p := &OriginPolicy{extra: make(map[string]bool), public: make(map[string]bool), hosts: make(map[string]bool)}
	add := func(list []string, into map[string]bool, what string) error {
		for _, o := range list {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			n, ok := normalizeOrigin(strings.TrimSuffix(o, "/"))
			if !ok {
				return &url.Error{Op: "parse " + what, URL: o, Err: errBadOrigin}
			}
			into[n] = true
			p.hosts[n[strings.Index(n, "://")+3:]] = true
		}
		return nil
	}
	if err := add(extra, p.extra, "origin"); err != nil {
		return nil, err
	}
	if err := add(publicURLs, p.public, "public URL"); err != nil {
		return nil, err
	}
	for o := range p.extra {
		p.listed = append(p.listed, o)
	}
	sort.Strings(p.listed)
	return p, nil
}

type originError string

func (e originError) Error() string { return string(e) }

const errBadOrigin = originError("want scheme://host[:port] with scheme http or https")

// Extra lists the origins given with --origins, normalized and sorted:
// the sites that may use the HTTP API across origins (CORS) and frame
// embedded boards. The slice is the policy's own: read it, never change it.
func (p *OriginPolicy) Extra() []string { return p.listed }

// Listed reports whether r carries exactly one Origin and it is one of
// --origins: the requests that get CORS headers. The server's own origin
// is not listed unless --origins names it; its pages need no CORS.
func (p *OriginPolicy) Listed(r *http.Request) (string, bool) {
	sent, got, ok := soleOrigin(r)
	if !ok || !p.extra[got] {
		return "", false
	}
	return sent, true
}

// soleOrigin is r's Origin as sent and normalized, when r carries exactly
// one and it is an http(s) origin: two Origin headers are no browser's.
func soleOrigin(r *http.Request) (sent, normalized string, ok bool) {
	origins := r.Header.Values("Origin")
	if len(origins) != 1 {
		return "", "", false
	}
	normalized, ok = normalizeOrigin(origins[0])
	return origins[0], normalized, ok
}

// HostAllowed reports whether the server answers for r's Host, and if not,
// why (for the 421 answer).
func (p *OriginPolicy) HostAllowed(r *http.Request) (bool, string) {
	host := normalizeHost(r.Host)
	if len(p.public) > 0 {
		if p.hosts[host] {
			return true, ""
		}
		return false, "this server does not answer for host " + quoteHost(host) + ": see its --public-url"
	}
	if p.hosts[host] || isLocalOrIP(host) {
		return true, ""
	}
	return false, "this server answers only for IP addresses and localhost, not for host " + quoteHost(host) +
		": start it with --public-url naming its public address"
}

// Allowed reports whether r's Origin may connect or change state.
func (p *OriginPolicy) Allowed(r *http.Request) bool {
	if len(r.Header.Values("Origin")) == 0 {
		return true
	}
	_, got, ok := soleOrigin(r)
	if !ok {
		return false
	}
	if len(p.public) > 0 {
		return p.public[got] || p.extra[got]
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if own, ok := normalizeOrigin(scheme + "://" + r.Host); ok && got == own {
		return true
	}
	return p.extra[got]
}

// FromOtherSite reports whether r was made by another site's page: it
// carries an Origin that is not allowed, or the browser says so in
// Sec-Fetch-Site (sent on every request, navigations included, which carry
// no Origin). Direct visits ("none"), our own pages and non-browser clients
// (no such headers) are not.
func (p *OriginPolicy) FromOtherSite(r *http.Request) bool {
	if r.Header.Get("Origin") != "" {
		return !p.Allowed(r)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	}
	return false
}

// normalizeOrigin lower-cases scheme and host and drops the default port,
// so https://Easel.example:443 and https://easel.example compare equal.
func normalizeOrigin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	host := strings.ToLower(u.Host)
	if u.Scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	} else {
		host = strings.TrimSuffix(host, ":443")
	}
	return u.Scheme + "://" + host, true
}

// normalizeHost lower-cases a Host header and drops a default port. The
// scheme is unknown behind a TLS-terminating proxy, so either default
// port is dropped.
func normalizeHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	for _, port := range []string{":80", ":443"} {
		h = strings.TrimSuffix(h, port)
	}
	return h
}

// isLocalOrIP reports whether host (with an optional port) is an IP
// literal, localhost or a *.localhost name: names no attacker's DNS can
// point at this server.
func isLocalOrIP(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.Trim(name, "[]")
	if net.ParseIP(name) != nil {
		return true
	}
	return name == "localhost" || strings.HasSuffix(name, ".localhost")
}

// quoteHost shows at most 100 bytes of a client-chosen host in a reason.
func quoteHost(h string) string {
	if len(h) > 100 {
		h = h[:100] + "…"
	}
	return `"` + h + `"`
}
