package server

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
)

// Blobs are a board's images, addressed by the SHA-256 of their bytes.
// Uploads come with the edit id only; both ids read. The bytes are served
// so that no browser runs them as anything but an image of their stored
// type (blobHeaders), whatever they hold.

// uploadBlob is POST /b/<id>/blobs: the body is the image, Content-Type
// its type. 201 with its BlobInfo when stored, 200 with the same when the
// board held it already.
func (s *Server) uploadBlob(c echo.Context) error {
	b, err := s.lookupBoard(c, board.RoleEdit)
	if err != nil {
		return err
	}
	limit := s.hub.MaxBlobBytes()
	if n := c.Request().ContentLength; n > limit {
		return board.Errorf(board.CodeTooLarge, "the image is %s, at most %s allowed", board.MiB(n), board.MiB(limit))
	}
	release, err := s.holdUpload(c, s.blobUploads)
	if err != nil {
		return err
	}
	defer release()
	data, err := readUpload(c.Request().Body, c.Request().ContentLength, limit)
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	info, created, err := s.hub.PutBlob(c.Request().Context(), b.ID, data, mt)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.log.Info("image stored", "board", shortID(b.ID), "sha256", info.SHA256[:12], "bytes", info.Size)
	}
	c.Response().Header().Set("Location", "/b/"+b.ID+"/blobs/"+info.SHA256)
	return c.JSON(status, info)
}

// errUploadTooLarge marks a body that went past its limit while read.
var errUploadTooLarge = errors.New("upload too large")

// readUpload reads a body of at most limit bytes, reading limit+1 at most
// to tell. A declared length sizes the buffer once; a chunked body grows
// it as it arrives, never past limit+1.
func readUpload(r io.Reader, declared, limit int64) ([]byte, error) {
	size := limit + 1
	if declared >= 0 && declared < limit {
		size = declared + 1 // one more, to see EOF without growing
	} else if declared < 0 {
		size = min(size, 64<<10)
	}
	buf := make([]byte, 0, size)
	lr := io.LimitReader(r, limit+1)
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, board.Errorf(board.CodeTooLarge, "the image is larger than %s", board.MiB(limit))
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, board.Errorf(board.CodeBadRequest, "read the upload: %v", err)
		}
	}
}

// refuseViewUpload is POST /v/<viewId>/blobs: a view id reads, never
// writes. An unknown id is 404 as everywhere.
func (s *Server) refuseViewUpload(c echo.Context) error {
	if _, err := s.lookupBoard(c, board.RoleView); err != nil {
		return err
	}
	return board.Errorf(board.CodeForbidden, "this link is view-only: images can be uploaded with the edit link")
}

// editBlob and viewBlob serve GET /b/<id>/blobs/<sha> and
// /v/<viewId>/blobs/<sha>: the bytes of a blob the board holds. A sha the
// board does not hold is 404, even when another board holds it.
func (s *Server) editBlob(c echo.Context) error { return s.serveBlob(c, board.RoleEdit) }
func (s *Server) viewBlob(c echo.Context) error { return s.serveBlob(c, board.RoleView) }

func (s *Server) serveBlob(c echo.Context, role board.Role) error {
	sha := c.Param("sha")
	if !board.ValidSHA256(sha) {
		return board.Errorf(board.CodeNotFound, "no such image: an image's address is the 64 lowercase hex digits of its SHA-256")
	}
	b, err := s.lookupBoard(c, role)
	if err != nil {
		return err
	}
	release, err := s.holdDownload(c)
	if err != nil {
		return err
	}
	defer release()
	info, data, err := s.store.Blob(c.Request().Context(), b.ID, sha)
	if err != nil {
		return err
	}
	blobHeaders(c.Response().Header(), info)
	s.serveDownload(c, sha, bytes.NewReader(data))
	return nil
}

// blobCSP applies to the bytes should a browser ever render them as a
// document (opened in a tab, say): no script, no plugin, nothing loaded
// but the inline styles of a browser's own image viewer, in a unique
// origin.
const blobCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// blobHeaders are a blob's response headers: its stored type, never
// sniffed; cached for good (the address is the content), by the browser
// only (the URL is a capability); shown inline under a name of its own.
func blobHeaders(h http.Header, info board.BlobInfo) {
	h.Set("Content-Type", info.MIME)
	h.Set("ETag", `"`+info.SHA256+`"`)
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	// Quoted as the contract writes it (mime.FormatMediaType would leave
	// out the quotes, which a token needs not); a sha and an image type
	// hold nothing to escape.
	h.Set("Content-Disposition", `inline; filename="`+info.SHA256+"."+strings.TrimPrefix(info.MIME, "image/")+`"`)
	h.Set("Content-Security-Policy", blobCSP)
}
