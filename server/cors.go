package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// corsRoute is what one route offers the sites in --origins across
// origins: the methods a script there may use and the request headers it
// may set beyond the ones every request may carry.
type corsRoute struct {
	methods string
	headers string
}

// The routes' offers (routes.go registers each with its path).
var (
	corsCreate   = corsRoute{methods: "POST", headers: "Content-Type"}
	corsDelete   = corsRoute{methods: "DELETE"}
	corsRead     = corsRoute{methods: "GET"}
	corsDownload = corsRoute{methods: "GET, HEAD", headers: "Range, If-Range, If-None-Match"}
	corsUpload   = corsRoute{methods: "POST", headers: "Content-Type"}
	corsCarrier  = corsRoute{methods: "GET, POST", headers: "Content-Type, X-Easel-Seq"}
)

// corsExposed are the response headers a script on an allowed site may
// read besides the always-readable ones: what names, verifies and resumes
// a download (the file name, the SHA-256 ETag, the board's seq, the
// range) and when to retry.
const corsExposed = "ETag, Content-Disposition, X-Easel-Seq, Content-Range, Retry-After"

// corsMaxAge lets a browser reuse a preflight for ten minutes.
const corsMaxAge = "600"

// crossOrigin registers path's preflight and answers the middleware that
// gives its responses CORS headers: the route's handlers take it.
//
// Only an Origin listed in --origins gets them; the server's own pages
// need none, and any other site gets none, so the browser keeps its
// scripts from reading the answers (and checkWriteOrigin refuses its
// state changes before they reach a handler). There is never
// Access-Control-Allow-Credentials: Easel sets no cookies, the capability
// URL is the credential (docs/security.md).
func (s *Server) crossOrigin(e *echo.Echo, path string, route corsRoute) echo.MiddlewareFunc {
	e.OPTIONS(path, s.preflight(route))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			s.varyByOrigin(h)
			if origin, ok := s.origins.Listed(c.Request()); ok {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Expose-Headers", corsExposed)
			}
			return next(c)
		}
	}
}

// preflight answers a browser's OPTIONS before a cross-origin request: 204
// with the route's methods and headers for an allowed site; 403 without
// any CORS header for another site. A request without an Origin (not a
// preflight) learns the methods from Allow.
func (s *Server) preflight(route corsRoute) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		s.varyByOrigin(h)
		r := c.Request()
		if r.Header.Get("Origin") == "" {
			h.Set("Allow", route.methods+", OPTIONS")
			return c.NoContent(http.StatusNoContent)
		}
		origin, ok := s.origins.Listed(r)
		if !ok {
			return plainError(http.StatusForbidden, "cross-origin request refused: this Origin is not in the server's --origins")
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", route.methods)
		if route.headers != "" {
			h.Set("Access-Control-Allow-Headers", route.headers)
		}
		h.Set("Access-Control-Max-Age", corsMaxAge)
		return c.NoContent(http.StatusNoContent)
	}
}

// varyByOrigin tells caches that the answer depends on Origin, which it
// does only when some site is allowed across origins. Same-origin and
// foreign requests get the same Vary, so a cache never serves one's answer
// to the other.
func (s *Server) varyByOrigin(h http.Header) {
	if len(s.origins.Extra()) > 0 {
		h.Add("Vary", "Origin")
	}
}
