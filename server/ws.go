package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/session"
)

// editSocket is GET /b/<id>/ws: a member with the edit role.
func (s *Server) editSocket(c echo.Context) error {
	return s.socket(c, board.RoleEdit)
}

// viewSocket is GET /v/<viewId>/ws: a member that watches and never edits.
func (s *Server) viewSocket(c echo.Context) error {
	return s.socket(c, board.RoleView)
}

// socket runs every check that has an HTTP answer before upgrading, so a
// refused client gets a status and a plain-text reason, never an upgraded
// socket that is closed at once.
func (s *Server) socket(c echo.Context, role board.Role) error {
	r, w := c.Request(), c.Response()
	if !s.origins.Allowed(r) {
		return plainError(http.StatusForbidden, "origin not allowed")
	}
	if !offersSubprotocol(r) {
		return plainError(http.StatusBadRequest, "unsupported WebSocket subprotocol: offer "+session.Subprotocol)
	}
	a, err := s.admitMember(c, role)
	if err != nil {
		return err
	}
	// The hub answers failed upgrades itself (gorilla writes the status);
	// there is nothing left for echo to write.
	if err := s.hub.ServeWS(w, r, a); err != nil {
		s.log.Debug("websocket upgrade failed", "err", err)
	}
	return nil
}

// admitMember finds the board and claims the member's places under the
// caps (per address, in total, per board), whatever carries it; the
// admission's Release frees them when the member leaves.
func (s *Server) admitMember(c echo.Context, role board.Role) (session.Admission, error) {
	b, err := s.lookupBoard(c, role)
	if errors.Is(err, board.ErrGone) {
		return session.Admission{}, plainError(http.StatusGone, board.ErrGone.Message)
	}
	if err != nil {
		return session.Admission{}, plainError(http.StatusNotFound, "no such board")
	}
	releaseConn, status := s.conns.acquire(c.Request())
	if status != 0 {
		return session.Admission{}, plainError(status, "too many connections")
	}
	releaseBoard, err := s.hub.Reserve(b.ID)
	if err != nil {
		releaseConn()
		if errors.Is(err, session.ErrShuttingDown) {
			return session.Admission{}, plainError(http.StatusServiceUnavailable, "server is shutting down")
		}
		return session.Admission{}, plainError(http.StatusServiceUnavailable, "board is full")
	}
	return session.Admission{Board: b, Role: role, Release: func() { releaseBoard(); releaseConn() }}, nil
}

// offersSubprotocol reports whether the handshake may be served as
// easel.v1: it offers easel.v1, or offers no subprotocol at all (so plain
// tools like wscat work).
func offersSubprotocol(r *http.Request) bool {
	values := r.Header.Values("Sec-WebSocket-Protocol")
	if len(values) == 0 {
		return true
	}
	offered := false
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == session.Subprotocol {
				return true
			}
			if p != "" {
				offered = true
			}
		}
	}
	return !offered
}
