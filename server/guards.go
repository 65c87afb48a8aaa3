package server

import (
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// checkHost answers 421 Misdirected Request to a request for a host the
// server does not serve (see OriginPolicy.HostAllowed): a DNS-rebound page
// cannot reach the boards, the API or the sockets. Health and readiness
// stay open to any name, for probes that address the node by a service
// name; they reveal nothing.
func (s *Server) checkHost(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Path() {
		case "/healthz", "/readyz":
			return next(c)
		}
		if ok, reason := s.origins.HostAllowed(c.Request()); !ok {
			return plainError(http.StatusMisdirectedRequest, reason)
		}
		return next(c)
	}
}

// checkWriteOrigin refuses every state-changing request (anything but GET,
// HEAD and OPTIONS) whose Origin is sent and not allowed: a page on
// another site cannot create boards or import into them, whatever
// content type it manages to send.
func (s *Server) checkWriteOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if !s.origins.Allowed(c.Request()) {
			return plainError(http.StatusForbidden, "cross-origin request refused: this Origin may not change boards (see --origins, --public-url)")
		}
		return next(c)
	}
}

// requireContentType answers 415 unless the request's media type is one of
// types ("application/*+json" matches any structured JSON type). None of
// them is one an HTML form can send, so a browser cannot post them across
// origins without a CORS preflight, which the server never grants: a
// second line of defence after checkWriteOrigin, for browsers that omit
// Origin.
func requireContentType(types ...string) echo.MiddlewareFunc {
	want := strings.Join(types, ", ")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			mt, _, err := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
			if err == nil && mediaTypeIn(mt, types) {
				return next(c)
			}
			return plainError(http.StatusUnsupportedMediaType, "Content-Type must be "+want)
		}
	}
}

func mediaTypeIn(mt string, types []string) bool {
	for _, t := range types {
		if t == mt {
			return true
		}
		if t == "application/*+json" && strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json") {
			return true
		}
	}
	return false
}
