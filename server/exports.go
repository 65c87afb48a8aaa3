package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/session"
	"github.com/easel-app/easel/transfers"
)

// editFile and viewFile serve GET /b/<id>/export.<fmt> and
// /v/<viewId>/export.<fmt>: the same bytes a socket download of the board
// at the same seq gives, with a strong ETag (the SHA-256) and Range support.
func (s *Server) editFile(c echo.Context) error { return s.exportFile(c, board.RoleEdit) }
func (s *Server) viewFile(c echo.Context) error { return s.exportFile(c, board.RoleView) }

func (s *Server) exportFile(c echo.Context, role board.Role) error {
	name := c.Param("file")
	ext, ok := strings.CutPrefix(name, "export.")
	if !ok {
		return echo.ErrNotFound
	}
	f, ok := export.ParseFormat(ext)
	if !ok {
		return board.Errorf(board.CodeNotFound, "no such export format %q: json, svg, png or pdf", ext)
	}
	scale := 0
	if v := c.QueryParam("scale"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > export.MaxScale {
			return board.Errorf(board.CodeBadRequest, "scale must be 1 to %d", export.MaxScale)
		}
		scale = n
	}
	bg, err := export.ParseBackground(c.QueryParam("background"))
	if err != nil {
		return err
	}
	embed, err := embedFontsParam(c.QueryParam("embed_fonts"))
	if err != nil {
		return err
	}
	version, err := versionParam(c.QueryParam("seq"))
	if err != nil {
		return err
	}
	release, err := s.holdDownload(c)
	if err != nil {
		return err
	}
	defer release()
	b, err := s.lookupBoard(c, role)
	if err != nil {
		return err
	}
	opts := export.Options{Scale: scale, Background: bg, EmbedFonts: embed}
	var t *transfers.Transfer
	if version != nil {
		t, err = s.hub.ExportVersion(c.Request().Context(), b, *version, f, opts, "http")
	} else {
		t, err = s.hub.Export(c.Request().Context(), b, f, opts, "http")
	}
	var timeout *session.RenderTimeoutError
	if errors.As(err, &timeout) {
		// The board is not too large to upload or store: the server ran out
		// of time for it, which HTTP says with 503 and a reason.
		return plainError(http.StatusServiceUnavailable, board.ClientMessage(err))
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", t.MIME)
	h.Set("ETag", `"`+t.SHA256+`"`)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": t.Filename}))
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Easel-Seq", strconv.FormatUint(t.Seq, 10))
	s.serveDownload(c, t.Filename, io.NewSectionReader(t, 0, t.Size))
	return nil
}

// versionParam reads ?seq=: the kept version to export (nil: the board
// as it is now).
func versionParam(v string) (*uint64, error) {
	if v == "" {
		return nil, nil
	}
	seq, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return nil, board.Errorf(board.CodeBadRequest, "seq must be a version's seq (a whole number), as /history lists them")
	}
	return &seq, nil
}

// embedFontsParam reads ?embed_fonts=: 1 for an SVG that carries its
// fonts, 0 or absent for one that names them (other formats ignore it).
func embedFontsParam(v string) (bool, error) {
	switch v {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	}
	return false, board.Errorf(board.CodeBadRequest, "embed_fonts must be 0 or 1")
}

type importResponse struct {
	Seq   uint64 `json:"seq"`
	Added int    `json:"added"`
	// IDs are the imported elements' new ids, bottom to top.
	IDs []string `json:"ids"`
	// Skipped lists what the file held that Easel cannot draw.
	Skipped []export.Skip `json:"skipped"`
}

// importCenter reads the optional ?cx=&cy= of an import: the board point
// its elements are centred on (the page sends its view's centre). Both or
// neither; each a finite number with |v| ≤ 1e7.
func importCenter(c echo.Context) (*[2]float64, error) {
	q := c.QueryParams()
	_, hasX := q["cx"]
	_, hasY := q["cy"]
	if !hasX && !hasY {
		return nil, nil
	}
	if !hasX || !hasY {
		return nil, board.Errorf(board.CodeBadRequest, "cx and cy go together: give both or neither")
	}
	var out [2]float64
	for i, key := range []string{"cx", "cy"} {
		v, err := strconv.ParseFloat(q.Get(key), 64)
		if err != nil || !board.ValidCoordinate(v) {
			return nil, board.Errorf(board.CodeBadRequest, "%s must be a finite number with |v| ≤ 1e7", key)
		}
		out[i] = v
	}
	return &out, nil
}

// maxImportBytes bounds an uploaded file: room for the images an Easel
// export or an Excalidraw scene carries (base64, a third larger than
// their bytes) beside the elements.
const maxImportBytes = 64 << 20

// importBoard is POST /b/<id>/import: an Easel JSON export or an Excalidraw
// scene. The elements reach every member as one ordinary ops message. An
// import adds: every element gets a fresh id (bindings and groups follow),
// z keys on top of the board, and with ?cx=&cy= its bounds are centred
// there, so re-importing a file makes a second copy and never moves
// anyone's edits back.
func (s *Server) importBoard(c echo.Context) error {
	b, err := s.lookupBoard(c, board.RoleEdit)
	if err != nil {
		return err
	}
	at, err := importCenter(c)
	if err != nil {
		return err
	}
	// An import holds up to maxImportBytes and its parse in memory.
	release, err := s.holdUpload(c, s.imports)
	if err != nil {
		return err
	}
	defer release()
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBytes)
	data, err := io.ReadAll(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return board.Errorf(board.CodeTooLarge, "the file is larger than %d MiB", maxImportBytes>>20)
		}
		return board.Errorf(board.CodeBadRequest, "read the upload: %v", err)
	}
	im, err := export.ReadImport(data)
	if err != nil {
		return err
	}
	if len(im.Elements) == 0 {
		return board.Errorf(board.CodeBadRequest, "the file holds no elements Easel can draw%s", skippedNote(im.Skips))
	}
	// Its images become blobs of the board, with an upload's limits,
	// before any element that shows one is committed.
	if err := s.storeImportFiles(c.Request().Context(), b.ID, im); err != nil {
		return err
	}
	if len(im.Elements) == 0 {
		return board.Errorf(board.CodeBadRequest, "the file holds no elements Easel can draw%s", skippedNote(im.Skips))
	}
	snap, err := s.hub.Snapshot(c.Request().Context(), b.ID)
	if err != nil {
		return err
	}
	ids, err := im.Place(export.Placement{
		Taken:  func(id string) bool { _, ok := snap.Elements[id]; return ok },
		Top:    topZ(snap),
		Center: at,
	})
	if err != nil {
		return err
	}
	elements := im.Elements
	ops := make([]board.Op, len(elements))
	for i := range elements {
		ops[i] = board.Op{Op: board.OpPut, El: &elements[i]}
	}
	ref := fmt.Sprintf("import-%d", s.now().UnixNano())
	committed, err := s.hub.Commit(c.Request().Context(), b.ID, board.OpsMessage{By: "import", Ref: ref, Ops: ops})
	if err != nil {
		return err
	}
	s.log.Info("board imported", "board", shortID(b.ID), "elements", len(elements), "seq", committed.Seq)
	skipped := im.Skips
	if skipped == nil {
		skipped = []export.Skip{}
	}
	return c.JSON(http.StatusOK, importResponse{Seq: committed.Seq, Added: len(elements), IDs: ids, Skipped: skipped})
}

// storeImportFiles stores an import's images on board id through the
// hub's PutBlob (every limit of an upload); the images it refuses, and
// those of an Easel file that carries no file for a blob the board lacks,
// are left out of the import and reported in its skipped list.
func (s *Server) storeImportFiles(ctx context.Context, id string, im *export.Imported) error {
	put := func(ctx context.Context, data []byte, mime string) (board.BlobInfo, error) {
		info, _, err := s.hub.PutBlob(ctx, id, data, mime)
		return info, err
	}
	has := func(ctx context.Context, sha string) (bool, error) {
		_, err := s.store.BlobInfo(ctx, id, sha)
		if board.ErrorCode(err) == board.CodeNotFound {
			return false, nil
		}
		return err == nil, err
	}
	if err := im.StoreFiles(ctx, put, has); err != nil {
		return err
	}
	im.DropFiles()
	return nil
}

// topZ is the highest z key on a board, "" when it is empty.
func topZ(snap *board.Snapshot) string {
	top := ""
	for _, e := range snap.Elements {
		top = max(top, e.Z)
	}
	return top
}

// skippedNote tells, after "no elements Easel can draw", what the file
// held instead: " (skipped 2 image: its file is not in the import)".
func skippedNote(skips []export.Skip) string {
	if len(skips) == 0 {
		return ""
	}
	parts := make([]string, len(skips))
	for i, sk := range skips {
		parts[i] = fmt.Sprintf("%d %s: %s", sk.Count, sk.Kind, sk.Reason)
	}
	return " (skipped " + strings.Join(parts, "; ") + ")"
}
