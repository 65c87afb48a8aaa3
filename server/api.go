package server

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"

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

// newBoard is GET /new: create a board and go to it. Reached from another
// site's page (a link, an <img>, a form), it creates nothing: the answer is
// 403 with a page whose button links to /new again, now from our own page,
// so a person who followed a "new board" link gets their board with one
// click, and a page cannot make browsers create boards behind their backs.
func (s *Server) newBoard(c echo.Context) error {
	if s.origins.FromOtherSite(c.Request()) {
		return s.render(c, http.StatusForbidden, "confirmnew.html", nil)
	}
	b, err := s.newBoardRecord(c, "")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusSeeOther, "/b/"+b.ID)
}

// newBoardRecord creates a board within the client address's budget
// (429 with Retry-After beyond it).
func (s *Server) newBoardRecord(c echo.Context, title string) (board.Board, error) {
	if ok, wait := s.creates.take(rateKey(c.Request()), s.now()); !ok {
		secs := max(1, int(math.Ceil(wait.Seconds())))
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return board.Board{}, board.Errorf(board.CodeRateLimited, "too many boards created from your address; retry in %d s", secs)
	}
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
