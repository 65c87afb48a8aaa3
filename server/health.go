package server

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
)

// healthz answers once the process accepts connections.
func (s *Server) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readyz answers 200 only while every dependency (the store, and the
// broker on Redis) answers; the body says which is which, and why when
// the reason is fit for anyone to read (a board.Error), and which scripts
// the font set draws.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	names := make([]string, 0, len(s.ready))
	for name := range s.ready {
		names = append(names, name)
	}
	sort.Strings(names)
	var body strings.Builder
	status := http.StatusOK
	for _, name := range names {
		if err := s.ready[name](ctx); err != nil {
			s.log.Warn("not ready", "dependency", name, "err", err)
			status = http.StatusServiceUnavailable
			reason := "unavailable"
			if board.ErrorCode(err) != board.CodeInternal {
				reason += ": " + board.ClientMessage(err) // internal errors' text stays in the log
			}
			fmt.Fprintf(&body, "%s: %s\n", name, reason)
			continue
		}
		fmt.Fprintf(&body, "%s: ok\n", name)
	}
	// Detail only: a server without a CJK font is still ready (it draws
	// boxes, as its start log said).
	fmt.Fprintf(&body, "fonts: %s\n", s.fonts.Summary())
	return c.String(status, body.String())
}
