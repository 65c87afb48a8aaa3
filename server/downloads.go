package server

import (
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// downloadChunk is how much of a download is written under one deadline.
const downloadChunk = 32 << 10

// progressWriter writes a response in chunks of downloadChunk, each under
// its own write deadline: a reader that takes no chunk within the deadline
// is cut off (its connection closed, its file descriptor freed), while one
// that is slow but keeps reading finishes, however long the whole takes.
// net/http has only absolute deadlines (WriteTimeout), which would cut
// both.
//
// It deliberately has no ReadFrom: io.Copy would then bypass the chunking.
type progressWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	err     error // the first failure to set a deadline, for the log
}

// newProgressWriter writes to w with timeout per chunk. Deadlines are on
// the wall clock (time.Now), as the kernel keeps them, never a test clock.
func newProgressWriter(w http.ResponseWriter, timeout time.Duration) *progressWriter {
	return &progressWriter{w: w, rc: http.NewResponseController(w), timeout: timeout}
}

func (p *progressWriter) Header() http.Header { return p.w.Header() }

func (p *progressWriter) WriteHeader(status int) { p.w.WriteHeader(status) }

func (p *progressWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		n := min(len(b), downloadChunk)
		if err := p.rc.SetWriteDeadline(time.Now().Add(p.timeout)); err != nil && p.err == nil {
			p.err = err
		}
		m, err := p.w.Write(b[:n])
		written += m
		if err != nil {
			return written, err
		}
		// Push the chunk to the connection now, under this deadline,
		// rather than leave it in net/http's buffer for the next one.
		if err := p.rc.Flush(); err != nil {
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

// finish lifts the deadline, so a keep-alive connection's next request is
// not cut off by a deadline left from this one.
func (p *progressWriter) finish() error {
	if err := p.rc.SetWriteDeadline(time.Time{}); err != nil && p.err == nil {
		p.err = err
	}
	return p.err
}

// holdDownload takes one of the address's download slots for a response
// that may be large (an export, a font file): downloads held by one
// address are capped, and each is counted while it runs
// (easel_http_downloads), also while its reader stalls. The caller
// releases it when the response is done.
func (s *Server) holdDownload(c echo.Context) (release func(), err error) {
	releaseSlot, status := s.downloads.acquire(c.Request())
	if status != 0 {
		return nil, plainError(status, "too many downloads in progress from your address; retry when one has finished")
	}
	s.metrics.downloads.Inc()
	return func() {
		s.metrics.downloads.Dec()
		releaseSlot()
	}, nil
}

// serveDownload writes content under a progress deadline: a reader must
// keep taking bytes, each chunk having s.downloadProgress to go out,
// however long the whole takes. ServeContent answers Range (206),
// unsatisfiable ranges (416), If-Range against the ETag set by the caller
// (a stale one gets the whole file) and If-None-Match.
func (s *Server) serveDownload(c echo.Context, name string, content io.ReadSeeker) {
	w := newProgressWriter(c.Response(), s.downloadProgress)
	http.ServeContent(w, c.Request(), name, time.Time{}, content)
	if err := w.finish(); err != nil {
		s.log.Warn("download: cannot set a write deadline", "err", err)
	}
}
