package server

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"
)

// fontsCSS serves the @font-face rules of the server's font set. The
// rules change when the set does (a restart with other fonts), so the
// browser revalidates; the files they name are immutable.
func (s *Server) fontsCSS(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", s.fontCSS)
}

// fontFile serves one face of the set by its content-hashed name: cached
// for a year, never revalidated. Unknown names (and anything that is not a
// plain name: the lookup is by exact map key, never a path) get 404.
func (s *Server) fontFile(c echo.Context) error {
	f := s.fonts.Face(c.Param("name"))
	if f == nil {
		return echo.NewHTTPError(http.StatusNotFound, "no such font")
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Type", f.ContentType())
	h.Set("ETag", `"`+f.Name+`"`)
	// A CJK face is megabytes: served as an export is, so readers that
	// stall are cut off and count against their address's downloads.
	release, err := s.holdDownload(c)
	if err != nil {
		return err
	}
	defer release()
	s.serveDownload(c, f.Name, bytes.NewReader(f.Data))
	return nil
}
