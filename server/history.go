package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
)

// Boards over time: the version list, and deleting a board for good.
// Versions themselves are exported by the export routes with ?seq=
// (exports.go).

type historyAnswer struct {
	Versions []board.Version `json:"versions"`
}

func (s *Server) editHistory(c echo.Context) error { return s.history(c, board.RoleEdit) }
func (s *Server) viewHistory(c echo.Context) error { return s.history(c, board.RoleView) }

// history is GET /b/<id>/history (and the view route): the board's kept
// versions, newest first. It is not cached: a new version may appear with
// the next edit.
func (s *Server) history(c echo.Context, role board.Role) error {
	// A listing may run a history pass (a replay of the board's newest
	// edits): it counts among the address's downloads in flight.
	release, err := s.holdDownload(c)
	if err != nil {
		return err
	}
	defer release()
	b, err := s.lookupBoard(c, role)
	if err != nil {
		return err
	}
	versions, err := s.store.Versions(c.Request().Context(), b.ID)
	if err != nil {
		return err
	}
	if versions == nil {
		versions = []board.Version{}
	}
	for i := range versions {
		if versions[i].By == nil {
			versions[i].By = []string{}
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, historyAnswer{Versions: versions})
}

// deleteBoard is DELETE /b/<id>: the edit capability ends the board for
// everyone (204); checkWriteOrigin has refused foreign origins already.
func (s *Server) deleteBoard(c echo.Context) error {
	b, err := s.lookupBoard(c, board.RoleEdit)
	if err != nil {
		return err
	}
	if err := s.hub.DeleteBoard(c.Request().Context(), b.ID, "request"); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// refuseViewDelete answers DELETE /v/<viewId>: watching a board does not
// let one end it.
func (s *Server) refuseViewDelete(c echo.Context) error {
	return board.Errorf(board.CodeForbidden, "a view link cannot delete the board: use its edit link")
}

// deletedPage answers a board page whose board was deleted: 410 and a
// page saying so, the same the board page shows when its board is
// deleted while open.
func (s *Server) deletedPage(c echo.Context) error {
	return s.render(c, http.StatusGone, "deleted.html", struct{ Embed bool }{embedRequested(c)})
}

// pageError turns a board page's lookup failure into its page: 410 for a
// deleted board, the rest as any error.
func (s *Server) pageError(c echo.Context, err error) error {
	if errors.Is(err, board.ErrGone) {
		return s.deletedPage(c)
	}
	return err
}
