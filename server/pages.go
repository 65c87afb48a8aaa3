package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
)

// BoardPage is the data of templates/board.html. A view page carries no
// trace of the edit id.
type BoardPage struct {
	Title      string
	Role       string
	EditID     string
	ViewID     string
	SocketPath string
	EditURL    string
	ViewURL    string
	// Embed is set for ?embed=1: the page is drawn for another site's
	// frame, without the top bar.
	Embed bool
	// EmbedOrigins is --origins, space-separated: the sites that may frame
	// the board (and to which an embedded page posts its events).
	EmbedOrigins string
}

// boardPage renders board.html for p, as an embed when asked.
func (s *Server) boardPage(c echo.Context, p BoardPage) error {
	p.EmbedOrigins = strings.Join(s.origins.Extra(), " ")
	p.Embed = embedRequested(c)
	return s.render(c, http.StatusOK, "board.html", p)
}

func (s *Server) landingPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "landing.html", nil)
}

func (s *Server) editPage(c echo.Context) error {
	s.framableWhenEmbedded(c)
	b, err := s.lookupBoard(c, board.RoleEdit)
	if err != nil {
		return s.pageError(c, err)
	}
	return s.boardPage(c, BoardPage{
		Title:      b.Title,
		Role:       string(board.RoleEdit),
		EditID:     b.ID,
		ViewID:     b.ViewID,
		SocketPath: "/b/" + b.ID + "/ws",
		EditURL:    "/b/" + b.ID,
		ViewURL:    "/v/" + b.ViewID,
	})
}

func (s *Server) viewPage(c echo.Context) error {
	s.framableWhenEmbedded(c)
	b, err := s.lookupBoard(c, board.RoleView)
	if err != nil {
		return s.pageError(c, err)
	}
	return s.boardPage(c, BoardPage{
		Title:      b.Title,
		Role:       string(board.RoleView),
		ViewID:     b.ViewID,
		SocketPath: "/v/" + b.ViewID + "/ws",
		ViewURL:    "/v/" + b.ViewID,
	})
}

// lookupBoard finds the board named by the :id capability for role.
// Malformed ids are refused without a lookup.
func (s *Server) lookupBoard(c echo.Context, role board.Role) (board.Board, error) {
	id := c.Param("id")
	if !board.ValidID(id) {
		return board.Board{}, board.ErrNotFound
	}
	ctx := c.Request().Context()
	if role == board.RoleEdit {
		return s.store.BoardByID(ctx, id)
	}
	return s.store.BoardByViewID(ctx, id)
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 rather than half a page.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) notFoundPage(c echo.Context, message string) error {
	return s.render(c, http.StatusNotFound, "notfound.html", struct {
		Message string
		Embed   bool
	}{message, embedRequested(c)})
}

// isCanceled reports errors that only mean the client went away.
func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled)
}
