package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// embedRequested reports whether a board page was asked for as an embed
// (?embed=1): the board without the top bar, for another site's <iframe>.
func embedRequested(c echo.Context) bool {
	switch c.QueryParam("embed") {
	case "1", "true":
		return true
	}
	return false
}

// framableWhenEmbedded lets the --origins frame a board page asked for as
// an embed, whatever it turns out to be: the board, or the page saying it
// is not there or was deleted, which the frame then shows instead of the
// browser's refusal.
func (s *Server) framableWhenEmbedded(c echo.Context) {
	if embedRequested(c) {
		s.allowFraming(c)
	}
}

// allowFraming lets exactly the --origins frame this response: the
// frame-ancestors of its policy become that list and X-Frame-Options,
// which cannot name origins, goes. With no --origins nothing may frame it,
// as every other page.
func (s *Server) allowFraming(c echo.Context) {
	list := s.origins.Extra()
	if len(list) == 0 {
		return
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", cspFramedBy(strings.Join(list, " ")))
	h.Del("X-Frame-Options")
}
