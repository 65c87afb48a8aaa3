package server

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/fonts"
	"github.com/easel-app/easel/session"
	"github.com/easel-app/easel/templates"
)

// Options are the server's collaborators and settings.
type Options struct {
	Store   board.Store
	Hub     *session.Hub
	Origins *OriginPolicy
	Logger  *slog.Logger
	// Gatherer serves /metrics; Registerer takes the HTTP metrics.
	Gatherer   prometheus.Gatherer
	Registerer prometheus.Registerer
	// TLS turns on HSTS.
	TLS bool
	// MaxConnsPerAddr caps WebSocket connections from one client address
	// (0: no cap); MaxConns caps them in total (0: no cap).
	MaxConnsPerAddr, MaxConns int
	// MaxImports caps imports being parsed and committed at once on this
	// node (default 4); more get 429 at once.
	MaxImports int
	// ImportReadTimeout bounds how long an upload may take to arrive
	// (default 60 s), so a trickling one cannot hold an import slot.
	ImportReadTimeout time.Duration
	// MaxImportsPerAddr caps imports in flight from one client address
	// (default 1), so a few trickling uploads cannot hold every slot.
	MaxImportsPerAddr int
	// MaxBlobUploads and MaxBlobUploadsPerAddr cap image uploads in
	// flight on this node (default 8) and from one client address
	// (default 4: a few images dropped at once); their bodies must arrive
	// within ImportReadTimeout, as imports' do.
	MaxBlobUploads, MaxBlobUploadsPerAddr int
	// MaxDownloadsPerAddr caps HTTP exports in flight to one client address
	// (default 8); more get 429.
	MaxDownloadsPerAddr int
	// DownloadProgressTimeout is how long an HTTP download may make no
	// progress (one 32 KiB chunk not taken) before its connection is closed
	// (default 30 s). A slow reader that keeps reading is never cut off.
	DownloadProgressTimeout time.Duration
	// CreateLimit is the budget of board creations per client address
	// (zero: no limit; the binary's default is DefaultCreateLimit).
	CreateLimit CreateLimit
	// Now is the clock (tests may fix it).
	Now func() time.Time
	// Ready are the dependencies /readyz checks, by name (default: the
	// store).
	Ready map[string]func(context.Context) error
	// Fonts is the font set served to browsers at /fonts.css and /fonts/
	// (default: the embedded Go font alone).
	Fonts *fonts.Set
}

// Server holds what the handlers share.
type Server struct {
	store            board.Store
	hub              *session.Hub
	origins          *OriginPolicy
	log              *slog.Logger
	pages            *template.Template
	conns            *connLimits
	tls              bool
	now              func() time.Time
	echo             *echo.Echo
	metrics          *httpMetrics
	gather           prometheus.Gatherer
	ready            map[string]func(context.Context) error
	imports          *uploadSlots // Options.MaxImports, MaxImportsPerAddr
	blobUploads      *uploadSlots // Options.MaxBlobUploads, MaxBlobUploadsPerAddr
	downloads        *connLimits
	downloadProgress time.Duration
	creates          *addrRateLimiter // nil: no limit
	fonts            *fonts.Set
	fontCSS          []byte    // fonts.CSS(), built once
	sends            sendSlots // sends in progress per HTTP session (carriers.go)
}

// New builds the server and its routes.
func New(o Options) (*Server, error) {
	pages, err := template.ParseFS(templates.FS, "*.html")
	if err != nil {
		return nil, fmt.Errorf("parse page templates: %w", err)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxImports <= 0 {
		o.MaxImports = 4
	}
	if o.ImportReadTimeout <= 0 {
		o.ImportReadTimeout = time.Minute
	}
	if o.MaxImportsPerAddr <= 0 {
		o.MaxImportsPerAddr = 1
	}
	if o.MaxBlobUploads <= 0 {
		o.MaxBlobUploads = 8
	}
	if o.MaxBlobUploadsPerAddr <= 0 {
		o.MaxBlobUploadsPerAddr = 4
	}
	if o.MaxDownloadsPerAddr <= 0 {
		o.MaxDownloadsPerAddr = 8
	}
	if o.Fonts == nil {
		o.Fonts = fonts.Embedded()
	}
	if o.DownloadProgressTimeout <= 0 {
		o.DownloadProgressTimeout = 30 * time.Second
	}
	s := &Server{
		store:   o.Store,
		hub:     o.Hub,
		origins: o.Origins,
		log:     o.Logger,
		pages:   pages,
		conns:   newConnLimits(o.MaxConnsPerAddr, o.MaxConns),
		tls:     o.TLS,
		now:     o.Now,
		metrics: newHTTPMetrics(o.Registerer),
		gather:  o.Gatherer,
		ready:   o.Ready,
		imports: newUploadSlots("imports", o.MaxImportsPerAddr, o.MaxImports, o.ImportReadTimeout),

		blobUploads:      newUploadSlots("image uploads", o.MaxBlobUploadsPerAddr, o.MaxBlobUploads, o.ImportReadTimeout),
		downloads:        newConnLimits(o.MaxDownloadsPerAddr, 0),
		downloadProgress: o.DownloadProgressTimeout,
		creates:          newAddrRateLimiter(o.CreateLimit, maxTrackedAddrs),
		fonts:            o.Fonts,
		fontCSS:          []byte(o.Fonts.CSS()),
	}
	if s.ready == nil {
		s.ready = map[string]func(context.Context) error{"store": o.Store.Ping}
	}
	s.echo = s.routes()
	return s, nil
}

// Handler is the whole HTTP application.
func (s *Server) Handler() http.Handler { return s.echo }
