package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/easel-app/easel/server"
	"github.com/easel-app/easel/session"
)

// config is everything the binary can be told, by flag or by the EASEL_*
// environment variable of the same name (flags win).
type config struct {
	addr            string
	data            string
	debugAddr       string // pprof listener; empty: none
	origins         string
	cursorTick      time.Duration
	redis           string
	redisPrefix     string
	tlsCert         string
	tlsKey          string
	maxConnsPerAddr int
	maxConns        int
	publicURLs      []string
	createRate      int // boards per minute per address; 0: no limit
	createBurst     int
	maxDownloads    int // HTTP exports in flight per address
	maxImports      int // imports in flight per address
	maxBlobUploads  int // image uploads in flight per address
	historyDays     int // versions kept this many days (0: forever)
	downloadStall   time.Duration
	logLevel        slog.Level
	session         session.Config
	shutdownTimeout time.Duration
	skipCheck       bool          // start without checking the store file
	checkTimeout    time.Duration // how long the start check may take
	fontDirs        []string      // --fonts: searched before the system's
	noSystemFonts   bool          // only the embedded font and --fonts
}

// parseConfig reads flags from args and defaults from getenv. A malformed
// environment value is an error, not silently ignored.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	cfg := config{session: session.DefaultConfig()}
	fs := flag.NewFlagSet("easel", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.Usage = func() {
		fmt.Fprint(usage, "Easel — a collaborative whiteboard with live cursors.\n\nUsage: easel [flags]\n\nEvery flag can also be set by the environment variable shown; flags win.\n\n")
		fs.PrintDefaults()
	}

	var envErr error
	env := func(name string) string {
		return getenv("EASEL_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
	}
	str := func(p *string, name, def, help string) {
		if v := env(name); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, help+" (env "+envName(name)+")")
	}
	dur := func(p *time.Duration, name string, def time.Duration, help string) {
		if v := env(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil && envErr == nil {
				envErr = fmt.Errorf("%s=%q: %w", envName(name), v, err)
			}
			def = d
		}
		fs.DurationVar(p, name, def, help+" (env "+envName(name)+")")
	}
	num := func(p *int, name string, def int, help string) {
		if v := env(name); v != "" {
			var n int
			if _, err := fmt.Sscan(v, &n); err != nil && envErr == nil {
				envErr = fmt.Errorf("%s=%q: not a whole number", envName(name), v)
			}
			def = n
		}
		fs.IntVar(p, name, def, help+" (env "+envName(name)+")")
	}

	boolean := func(p *bool, name string, help string) {
		def := false
		if v := env(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil && envErr == nil {
				envErr = fmt.Errorf("%s=%q: not true or false", envName(name), v)
			}
			def = b
		}
		fs.BoolVar(p, name, def, help+" (env "+envName(name)+")")
	}

	var logLevel string
	var maxMessage, outbox, boardMiB, blobMiB, boardBlobMiB, boardIdleDays int
	s := &cfg.session
	str(&cfg.addr, "addr", ":8080", "listen address; 127.0.0.1:0 picks a free port")
	str(&cfg.data, "data", "./data", "directory of the embedded store")
	str(&cfg.origins, "origins", "", "comma-separated other sites (scheme://host[:port]) whose pages may open sockets, call the HTTP API across origins (CORS) and embed boards (?embed=1); the page's own origin is always allowed")
	dur(&s.Tick, "cursor-tick", s.Tick, "cursor batching period; 0 relays every cursor at once")
	dur(&s.CursorGather, "cursor-gather", s.CursorGather, "with several nodes: how long after a tick a room waits for the other nodes' cursor batches before it sends (more than the broker's delivery time)")
	str(&cfg.redis, "redis", "", "redis://host:port/db: store, broker, presence and downloads on Redis, shared by every node (none: embedded store, this node alone)")
	str(&cfg.redisPrefix, "redis-prefix", "easel:", "prefix of every Redis key and channel (several deployments can share one Redis)")
	str(&cfg.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key serves HTTPS and WSS")
	str(&cfg.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	num(&cfg.maxConnsPerAddr, "max-conns-per-addr", 256, "WebSocket connections from one client address; 0 = no cap")
	num(&cfg.maxConns, "max-conns", 50000, "WebSocket connections in total; 0 = no cap")
	num(&s.MaxMembersPerBoard, "max-members", s.MaxMembersPerBoard, "connections to one board on this node")
	num(&maxMessage, "max-message", int(s.MaxMessage), "largest message a client may send, in bytes")
	num(&outbox, "max-outbox", s.OutboxBytes, "bytes queued for a member before it is closed as a slow consumer (1013)")
	num(&s.SocketBuffer, "socket-buffer", s.SocketBuffer, "kernel send buffer per WebSocket, in bytes (bounds a slow member's hidden backlog); 0 = kernel default")
	num(&s.Board.MaxElements, "max-board-elements", s.Board.MaxElements, "elements one board may hold")
	num(&boardMiB, "max-board-mib", int(s.Board.MaxBytes>>20), "content one board may hold, in MiB")
	num(&blobMiB, "max-blob-mib", int(s.MaxBlobBytes>>20), "largest image one upload may carry, in MiB (413 beyond)")
	num(&boardBlobMiB, "max-board-blob-mib", int(s.MaxBoardBlobBytes>>20), "images one board may hold together, in MiB (413 beyond)")
	dur(&s.BlobGrace, "blob-grace", s.BlobGrace, "how long an image no element shows is kept after its last upload")
	dur(&s.BlobSweepEvery, "blob-sweep-every", s.BlobSweepEvery, "how often this node deletes images unused past --blob-grace (a few boards per pass); 0 = never")
	num(&cfg.historyDays, "history-days", 30, "days a board's versions (history checkpoints) are kept, thinned with age; 0 = forever")
	num(&boardIdleDays, "board-idle-days", 0, "delete boards nobody opened or edited for this many days (checked every --retention-every); 0 = keep every board")
	dur(&s.RetentionEvery, "retention-every", s.RetentionEvery, "how often this node thins version history by age and looks for idle boards; 0 = never")
	num(&s.MaxLoads, "max-loads", s.MaxLoads, "boards loaded from the store at once on this node (each load holds a whole board in memory)")
	dur(&s.LoadWait, "load-wait", s.LoadWait, "how long a board load may wait for a load slot before the client gets unavailable (HTTP 503)")
	dur(&s.HelloTimeout, "hello-timeout", s.HelloTimeout, "how long a new connection may take to send hello")
	dur(&s.RenderTimeout, "render-timeout", s.RenderTimeout, "longest an export may take to render (waiting for a render slot included); beyond it the socket gets too_large and HTTP 503")
	dur(&cfg.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long a graceful shutdown may take")
	urls := &urlList{list: splitList(env("public-url"))}
	fs.Var(urls, "public-url", "public origin of this server (scheme://host[:port]), repeatable or comma-separated; when set, requests for any other Host get 421 and only these origins count as the server's own (env "+envName("public-url")+")")
	num(&cfg.createRate, "create-rate", int(server.DefaultCreateLimit.PerMinute), "boards one client address may create per minute (after the burst); 0 = no limit")
	num(&cfg.createBurst, "create-burst", server.DefaultCreateLimit.Burst, "boards one client address may create at once")
	num(&cfg.maxDownloads, "max-downloads-per-addr", 8, "HTTP exports in flight to one client address")
	num(&cfg.maxImports, "max-imports-per-addr", 1, "imports in flight from one client address")
	num(&cfg.maxBlobUploads, "max-blob-uploads-per-addr", 4, "image uploads in flight from one client address")
	dur(&cfg.downloadStall, "download-progress-timeout", 30*time.Second, "an HTTP download whose reader takes no 32 KiB chunk for this long is cut off")
	str(&logLevel, "log-level", "info", "debug, info, warn or error")
	str(&cfg.debugAddr, "debug-addr", "", "serve Go's pprof profiles on this address (keep it on loopback); off when empty")
	boolean(&cfg.skipCheck, "skip-check", "start without checking the embedded store's file (for files too large to check at every start; check them offline with bbolt check)")
	dur(&cfg.checkTimeout, "check-timeout", time.Minute, "how long the start check of the embedded store's file may take before the start is refused")

	var fontDirs string
	str(&fontDirs, "fonts", "", "comma-separated font directories searched (before the system's) for scripts the embedded Go font lacks: CJK, Arabic, Hebrew, Devanagari, emoji; see docs/operations.md")
	boolean(&cfg.noSystemFonts, "no-system-fonts", "do not look for fonts in /usr/share/fonts, /usr/local/share/fonts and ~/.fonts (only the embedded font and --fonts)")

	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if envErr != nil {
		return cfg, envErr
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if err := cfg.logLevel.UnmarshalText([]byte(logLevel)); err != nil {
		return cfg, fmt.Errorf("--log-level: %w", err)
	}
	cfg.publicURLs = urls.list
	cfg.fontDirs = splitList(fontDirs)
	s.MaxMessage, s.OutboxBytes = int64(maxMessage), outbox
	s.Board.MaxBytes = int64(boardMiB) << 20
	s.MaxBlobBytes, s.MaxBoardBlobBytes = int64(blobMiB)<<20, int64(boardBlobMiB)<<20
	s.BoardIdle = time.Duration(boardIdleDays) * 24 * time.Hour
	if boardIdleDays < 0 {
		s.BoardIdle = -1 // refused by validate
	}
	return cfg, cfg.validate()
}

func (c config) validate() error {
	s := c.session
	switch {
	case s.Tick < 0:
		return fmt.Errorf("--cursor-tick must not be negative")
	case s.CursorGather < 0 || (s.Tick > 0 && s.CursorGather >= s.Tick):
		return fmt.Errorf("--cursor-gather must be at least 0 and shorter than --cursor-tick")
	case s.MaxMessage < 4096:
		return fmt.Errorf("--max-message must be at least 4096 bytes")
	case s.OutboxBytes < 4096:
		return fmt.Errorf("--max-outbox must be at least 4096 bytes")
	case s.SocketBuffer < 0:
		return fmt.Errorf("--socket-buffer must not be negative")
	case s.Board.MaxElements < 1 || s.Board.MaxBytes < 1<<20:
		return fmt.Errorf("--max-board-elements must be at least 1 and --max-board-mib at least 1")
	case s.MaxBlobBytes < 1<<20 || s.MaxBoardBlobBytes < s.MaxBlobBytes:
		return fmt.Errorf("--max-blob-mib must be at least 1 and --max-board-blob-mib at least --max-blob-mib")
	case s.BlobGrace <= 0 || s.BlobSweepEvery < 0:
		return fmt.Errorf("--blob-grace must be positive and --blob-sweep-every not negative")
	case c.historyDays < 0 || s.BoardIdle < 0 || s.RetentionEvery < 0:
		return fmt.Errorf("--history-days, --board-idle-days and --retention-every must not be negative")
	case s.MaxMembersPerBoard < 1:
		return fmt.Errorf("--max-members must be at least 1")
	case s.MaxLoads < 1 || s.LoadWait <= 0:
		return fmt.Errorf("--max-loads must be at least 1 and --load-wait positive")
	case c.maxConnsPerAddr < 0 || c.maxConns < 0:
		return fmt.Errorf("connection caps must not be negative")
	case (c.tlsCert == "") != (c.tlsKey == ""):
		return fmt.Errorf("--tls-cert and --tls-key go together")
	case s.HelloTimeout <= 0:
		return fmt.Errorf("--hello-timeout must be positive")
	case c.checkTimeout <= 0:
		return fmt.Errorf("--check-timeout must be positive")
	case c.createRate < 0 || c.createBurst < 1:
		return fmt.Errorf("--create-rate must not be negative and --create-burst must be at least 1")
	case c.maxDownloads < 1 || c.maxImports < 1 || c.maxBlobUploads < 1:
		return fmt.Errorf("--max-downloads-per-addr, --max-imports-per-addr and --max-blob-uploads-per-addr must be at least 1")
	case c.downloadStall <= 0:
		return fmt.Errorf("--download-progress-timeout must be positive")
	case s.RenderTimeout <= 0:
		return fmt.Errorf("--render-timeout must be positive")
	}
	return nil
}

func envName(flagName string) string {
	return "EASEL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// urlList is a repeatable flag whose values may also be comma-separated.
// The first use on the command line replaces the environment's list.
type urlList struct {
	list    []string
	fromCLI bool
}

func (u *urlList) String() string {
	if u == nil {
		return ""
	}
	return strings.Join(u.list, ",")
}

func (u *urlList) Set(v string) error {
	if !u.fromCLI {
		u.list, u.fromCLI = nil, true
	}
	u.list = append(u.list, splitList(v)...)
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
