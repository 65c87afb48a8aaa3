package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
)

// uploadSlots bounds one kind of upload (imports, images) whose body the
// server reads whole and then works on: a few per client address, so a
// host trickling uploads cannot hold them all, and a few on the node, so
// their bodies and the work on them fit in memory; beyond either, 429 at
// once rather than a queue. Each holder's body must arrive within the
// read deadline: the server has no ReadTimeout (it would cut long
// downloads), so a trickling upload would otherwise hold its slot forever.
type uploadSlots struct {
	what        string // "imports", "image uploads": for the refusals
	perAddr     *connLimits
	node        chan struct{}
	readTimeout time.Duration
}

func newUploadSlots(what string, perAddr, perNode int, readTimeout time.Duration) *uploadSlots {
	return &uploadSlots{what: what, perAddr: newConnLimits(perAddr, 0), node: make(chan struct{}, perNode), readTimeout: readTimeout}
}

// holdUpload takes a slot of u for the request's address and one of the
// node's, and sets the request's read deadline; release gives both back.
func (s *Server) holdUpload(c echo.Context, u *uploadSlots) (release func(), err error) {
	releaseAddr, status := u.perAddr.acquire(c.Request())
	if status != 0 {
		return nil, board.Errorf(board.CodeRateLimited, "too many %s in progress from your address; retry when one has finished", u.what)
	}
	select {
	case u.node <- struct{}{}:
	default:
		releaseAddr()
		return nil, board.Errorf(board.CodeRateLimited, "too many %s in progress on this server; retry in a moment", u.what)
	}
	if err := http.NewResponseController(c.Response()).SetReadDeadline(s.now().Add(u.readTimeout)); err != nil {
		s.log.Warn(u.what+": cannot set a read deadline", "err", err)
	}
	return func() {
		<-u.node
		releaseAddr()
	}, nil
}
