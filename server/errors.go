package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
)

// statusOf maps the protocol's error codes to HTTP statuses, in one table.
var statusOf = map[board.Code]int{
	board.CodeBadRequest:  http.StatusBadRequest,
	board.CodeForbidden:   http.StatusForbidden,
	board.CodeNotFound:    http.StatusNotFound,
	board.CodeTooLarge:    http.StatusRequestEntityTooLarge,
	board.CodeRateLimited: http.StatusTooManyRequests,
	board.CodeGone:        http.StatusGone,
	board.CodeUnavailable: http.StatusServiceUnavailable,
	board.CodeInternal:    http.StatusInternalServerError,
	board.CodeUnsupported: http.StatusUnsupportedMediaType,
}

// plainError is an HTTP refusal with a plain-text reason (handshakes).
func plainError(status int, reason string) error {
	return echo.NewHTTPError(status, reason)
}

type apiError struct {
	Error   board.Code `json:"error"`
	Message string     `json:"message"`
}

// handleError is the one adapter that turns handler errors into responses:
// JSON for the API (under /api/, and every non-GET request such as an
// import), a page for page routes, plain text otherwise (handshakes,
// downloads).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed || isCanceled(err) {
		return
	}
	status, code, message := http.StatusInternalServerError, board.CodeInternal, "internal error"
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		code = codeForStatus(status)
		if m, ok := he.Message.(string); ok {
			message = m
		} else {
			message = http.StatusText(status)
		}
	default:
		code = board.ErrorCode(err)
		status = statusOf[code]
		message = board.ClientMessage(err)
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", redactPath(c.Request().URL.Path), "status", status, "err", err)
	}
	if c.Request().ContentLength != 0 {
		// A refused request's body may be unread. Without this, net/http
		// reads up to 256 KiB of it before writing the answer, with no
		// deadline (the server has none): a sender that stops mid-body
		// would hold this goroutine, and get no answer, for as long as it
		// likes. Closing costs an honest client one reconnect.
		c.Response().Header().Set(echo.HeaderConnection, "close")
	}
	path := c.Request().URL.Path
	var werr error
	switch {
	case strings.HasPrefix(path, "/api/") || (c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead):
		werr = c.JSON(status, apiError{Error: code, Message: message})
	case status == http.StatusNotFound && c.Request().Method == http.MethodGet && !strings.HasSuffix(path, "/ws"):
		werr = s.notFoundPage(c, message)
	default:
		werr = c.String(status, message)
	}
	if werr != nil {
		s.log.Debug("write error response", "err", werr)
	}
}

func codeForStatus(status int) board.Code {
	for code, s := range statusOf {
		if s == status {
			return code
		}
	}
	if status >= 500 {
		return board.CodeInternal
	}
	return board.CodeBadRequest
}
