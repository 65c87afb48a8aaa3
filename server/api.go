package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
)

type createBoardRequest struct {
	Title string `json:"title"`
}

type createBoardResponse struct {
	ID      string `json:"id"`
	ViewID  string `json:"viewId"`
	Title   string `json:"title"`
	EditURL string `json:"editUrl"`
	ViewURL string `json:"viewUrl"`
}

// createBoard is POST /api/boards with an optional {"title":"…"} body.
func (s *Server) createBoard(c echo.Context) error {
	var req createBoardRequest
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		return board.Errorf(board.CodeBadRequest, "body must be a JSON object like {\"title\":\"…\"}: %v", err)
	}
	b, err := s.newBoardRecord(c, req.Title)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/b/"+b.ID)
	return c.JSON(http.StatusCreated, createBoardResponse{
		ID:      b.ID,
		ViewID:  b.ViewID,
		Title:   b.Title,
		EditURL: "/b/" + b.ID,
		ViewURL: "/v/" + b.ViewID,
	})
}

// newBoard is GET /new: create a board and go to it.
func (s *Server) newBoard(c echo.Context) error {
	b, err := s.newBoardRecord(c, "")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusSeeOther, "/b/"+b.ID)
}

func (s *Server) newBoardRecord(c echo.Context, title string) (board.Board, error) {
	b, err := board.New(title, s.now())
	if err != nil {
		return board.Board{}, err
	}
	if err := s.store.CreateBoard(c.Request().Context(), b); err != nil {
		return board.Board{}, err
	}
	s.log.Info("board created", "board", shortID(b.ID))
	return b, nil
}
