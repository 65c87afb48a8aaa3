// Command easel serves Easel, a collaborative whiteboard with live cursors.
// main only wires the packages together; see README.md and docs/.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/fonts"
	"github.com/easel-app/easel/server"
	"github.com/easel-app/easel/session"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "easel:", err)
		os.Exit(1)
	}
}

// run is the whole program: it serves until ctx is done, then shuts down
// gracefully (sockets closed with 1001, store closed).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: cfg.logLevel}))
	// A bad certificate is a configuration error, told before anything
	// starts, not a serve error after "listening".
	tlsConfig, err := loadTLS(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return err
	}

	stopDebug, err := startDebug(cfg.debugAddr, log)
	if err != nil {
		return fmt.Errorf("--debug-addr: %w", err)
	}
	defer stopDebug()

	deps, err := openBackends(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.close(log)
	st, brk, transfers := deps.store, deps.broker, deps.transfers

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	origins, err := server.NewOriginPolicy(strings.Split(cfg.origins, ","), cfg.publicURLs...)
	if err != nil {
		return fmt.Errorf("--origins/--public-url: %w", err)
	}
	hub := session.NewHub(session.Options{
		Node:        deps.node,
		Config:      cfg.session,
		Store:       st,
		Transfers:   transfers,
		Broker:      brk,
		Nodes:       deps.nodes,
		Logger:      log,
		Metrics:     session.NewMetrics(reg),
		CheckOrigin: origins.Allowed,
	})
	systemFonts := fonts.SystemDirs()
	if cfg.noSystemFonts {
		systemFonts = nil
	}
	fontSet := fonts.Load(fonts.Options{Dirs: cfg.fontDirs, System: systemFonts, Logger: log})
	export.UseFonts(fontSet) // exports draw with the fonts the page gets
	srv, err := server.New(server.Options{
		Fonts:           fontSet,
		Store:           st,
		Hub:             hub,
		Origins:         origins,
		Logger:          log,
		Gatherer:        reg,
		Registerer:      reg,
		TLS:             cfg.tlsCert != "",
		MaxConnsPerAddr: cfg.maxConnsPerAddr,
		MaxConns:        cfg.maxConns,
		Ready:           deps.checks,

		MaxImportsPerAddr:       cfg.maxImports,
		MaxBlobUploadsPerAddr:   cfg.maxBlobUploads,
		MaxDownloadsPerAddr:     cfg.maxDownloads,
		DownloadProgressTimeout: cfg.downloadStall,
		CreateLimit:             server.CreateLimit{PerMinute: float64(cfg.createRate), Burst: cfg.createBurst},
	})
	if err != nil {
		return err
	}

	httpServer := server.NewHTTPServer(srv.Handler(), server.DefaultHTTPLimits(), slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	httpServer.TLSConfig = tlsConfig
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	ln = gateConnections(ln, log)
	log.Info("listening", "addr", ln.Addr().String(), "tls", cfg.tlsCert != "", "data", cfg.data)

	serveErr := make(chan error, 1)
	go func() {
		if cfg.tlsCert != "" {
			serveErr <- httpServer.ServeTLS(ln, "", "") // certificate in TLSConfig
		} else {
			serveErr <- httpServer.Serve(ln)
		}
	}()

	var serveFailure error
	select {
	case err := <-serveErr:
		serveFailure = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	// Stop accepting first, then say goodbye on every socket (hijacked
	// connections are not Shutdown's business), then close the store.
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := hub.Shutdown(shutdownCtx); err != nil {
		log.Warn("session shutdown", "err", err)
	}
	log.Info("stopped")
	return serveFailure
}

// loadTLS reads the certificate and key, when given.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// gateConnections raises the file descriptor limit and keeps a reserve of
// it: past connectionLimit open connections, new ones get 503.
func gateConnections(ln net.Listener, log *slog.Logger) net.Listener {
	limit, soft, hard, err := raiseFileLimit()
	if err != nil {
		log.Warn("file descriptor limit", "err", err)
	}
	conns := connectionLimit(limit)
	log.Info("file descriptor limit", "soft", soft, "hard", hard, "in_force", limit, "max_connections", conns)
	if conns == 0 {
		return ln
	}
	return server.NewGateListener(ln, conns, log)
}
