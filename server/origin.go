package server

import (
	"net/http"
	"net/url"
	"strings"
)

// OriginPolicy decides which browser origins may open a socket: the
// request's own scheme, host and port, plus an exact allowlist. A request
// without an Origin header is not from a browser page and is allowed
// (capability ids still gate it). "null" and look-alikes such as
// https://<host>.evil.example are refused: only exact matches count.
type OriginPolicy struct {
	extra map[string]bool
}

// NewOriginPolicy allows the request's own origin plus each of extra
// (scheme://host[:port], as browsers send it).
func NewOriginPolicy(extra []string) (*OriginPolicy, error) {
	p := &OriginPolicy{extra: make(map[string]bool)}
	for _, o := range extra {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		n, ok := normalizeOrigin(o)
		if !ok {
			return nil, &url.Error{Op: "parse origin", URL: o, Err: errBadOrigin}
		}
		p.extra[n] = true
	}
	return p, nil
}

type originError string

func (e originError) Error() string { return string(e) }

const errBadOrigin = originError("want scheme://host[:port] with scheme http or https")

// Allowed reports whether r's Origin may connect.
func (p *OriginPolicy) Allowed(r *http.Request) bool {
	origins := r.Header.Values("Origin")
	if len(origins) == 0 {
		return true
	}
	if len(origins) > 1 {
		return false
	}
	got, ok := normalizeOrigin(origins[0])
	if !ok {
		return false
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
