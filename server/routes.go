package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/static"
)

// routes lists every route of the application in one place.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(s.logRequests, s.recoverPanics, s.securityHeaders, s.checkHost, s.checkWriteOrigin)

	// Pages.
	e.GET("/", s.landingPage)
	e.GET("/new", s.newBoard)
	e.GET("/b/:id", s.editPage)
	e.GET("/v/:id", s.viewPage)

	// Board API.
	e.POST("/api/boards", s.createBoard, s.crossOrigin(e, "/api/boards", corsCreate), requireContentType("application/json"), middleware.BodyLimit("16K"))
	// Boards over time (history.go): versions, and deleting for good.
	e.GET("/b/:id/history", s.editHistory, s.crossOrigin(e, "/b/:id/history", corsRead))
	e.GET("/v/:id/history", s.viewHistory, s.crossOrigin(e, "/v/:id/history", corsRead))
	e.DELETE("/b/:id", s.deleteBoard, s.crossOrigin(e, "/b/:id", corsDelete))
	e.DELETE("/v/:id", s.refuseViewDelete, s.crossOrigin(e, "/v/:id", corsDelete))

	// Live sockets.
	e.GET("/b/:id/ws", s.editSocket)
	e.GET("/v/:id/ws", s.viewSocket)
	// The same protocol over plain HTTP, when WebSocket is blocked
	// (carriers.go). text/plain is what sendBeacon sends.
	for prefix, role := range map[string]board.Role{"/b/:id": board.RoleEdit, "/v/:id": board.RoleView} {
		e.GET(prefix+"/sse", s.carrierRoute(role, s.sseStream), s.crossOrigin(e, prefix+"/sse", corsCarrier))
		e.GET(prefix+"/poll", s.carrierRoute(role, s.poll), s.crossOrigin(e, prefix+"/poll", corsCarrier))
		e.POST(prefix+"/send", s.carrierRoute(role, s.send), s.crossOrigin(e, prefix+"/send", corsCarrier), requireContentType("text/plain"))
	}

	// Exports over HTTP (/b/<id>/export.<fmt>) and imports.
	e.Match([]string{http.MethodGet, http.MethodHead}, "/b/:id/:file", s.editFile, s.crossOrigin(e, "/b/:id/:file", corsDownload))
	e.Match([]string{http.MethodGet, http.MethodHead}, "/v/:id/:file", s.viewFile, s.crossOrigin(e, "/v/:id/:file", corsDownload))
	// The file as it is: JSON (what the bundled client sends; Excalidraw's
	// application/vnd.excalidraw+json too) or raw bytes. Not multipart and
	// not form-encoded: those are what a foreign page's form can send.
	e.POST("/b/:id/import", s.importBoard, s.crossOrigin(e, "/b/:id/import", corsUpload), requireContentType("application/json", "application/*+json", "application/octet-stream"))

	// A board's images (blobs): uploaded with the edit id, read with
	// either. The body is the image as it is, of one of the image types
	// (none of which a form can send without a preflight).
	e.POST("/b/:id/blobs", s.uploadBlob, s.crossOrigin(e, "/b/:id/blobs", corsUpload), requireContentType(board.BlobMIMEs...))
	e.POST("/v/:id/blobs", s.refuseViewUpload, s.crossOrigin(e, "/v/:id/blobs", corsUpload))
	e.Match([]string{http.MethodGet, http.MethodHead}, "/b/:id/blobs/:sha", s.editBlob, s.crossOrigin(e, "/b/:id/blobs/:sha", corsDownload))
	e.Match([]string{http.MethodGet, http.MethodHead}, "/v/:id/blobs/:sha", s.viewBlob, s.crossOrigin(e, "/v/:id/blobs/:sha", corsDownload))

	// Browser assets, embedded in the binary.
	e.Match([]string{http.MethodGet, http.MethodHead}, "/static/*", echo.WrapHandler(http.StripPrefix("/static/", staticFiles(static.FS))))
	// The font set, for the canvas to measure and draw with the export's fonts.
	e.Match([]string{http.MethodGet, http.MethodHead}, "/fonts.css", s.fontsCSS)
	e.Match([]string{http.MethodGet, http.MethodHead}, "/fonts/:name", s.fontFile)
	e.GET("/favicon.ico", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })

	// Operations.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.gather, promhttp.HandlerOpts{})))
	return e
}
