package server

import (
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere:
// a name or text that slipped past escaping still could not run script.
// No page may be framed, except an embedded board (embed.go).
var contentSecurityPolicy = cspFramedBy("'none'")

// cspFramedBy is the page policy with frame-ancestors set to sources.
func cspFramedBy(sources string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self'; " +
		"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
		"base-uri 'none'; form-action 'self'; frame-ancestors " + sources
}

// securityHeaders sets the headers every response carries. no-referrer
// matters most: board URLs are capabilities and must not leak to other
// sites through Referer.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.tls {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// recoverPanics turns a handler panic into a 500 and a log line.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in HTTP handler", "path", redactPath(c.Request().URL.Path), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", v)
			}
		}()
		return next(c)
	}
}

// logRequests writes one structured line per request, with capability ids
// cut short, and feeds the HTTP metrics.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		r, res := c.Request(), c.Response()
		status := res.Status
		if res.Status == 0 || (!res.Committed && err != nil) {
			status = http.StatusInternalServerError
		}
		elapsed := time.Since(start)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(status)).Inc()
		if route == "/b/:id/ws" || route == "/v/:id/ws" {
			// A socket's request ends when the connection is handed to
			// the session layer (or refused); the connection's life is
			// logged there.
			s.log.Debug("socket handed over", "path", redactPath(r.URL.Path), "status", status, "duration", elapsed)
			return nil
		}
		s.metrics.duration.WithLabelValues(route).Observe(elapsed.Seconds())
		s.log.Info("request", "method", r.Method, "path", redactPath(r.URL.Path), "status", status, "bytes", res.Size, "duration", elapsed)
		return nil
	}
}

var uuidInPath = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// redactPath keeps the first 8 characters of every id in a path: enough to
// correlate log lines, not enough to open the board.
func redactPath(p string) string {
	return uuidInPath.ReplaceAllStringFunc(p, func(id string) string { return id[:8] + "…" })
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
