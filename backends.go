package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/broker"
	"github.com/easel-app/easel/store"
	"github.com/easel-app/easel/transfers"
	"github.com/easel-app/easel/transfers/redistransfers"
)

// transferTTL is how long a rendered download stays resumable.
const transferTTL = 15 * time.Minute

// backends are the concrete Store, Broker and transfers.Store this node
// runs on: embedded (bbolt, in-process broker, files in the data
// directory), or Redis, shared by every node, through one client. Only main
// chooses.
type backends struct {
	node      string // this node's id in broker events, shared by broker and hub
	store     board.Store
	broker    board.Broker
	nodes     board.NodeRequests // forwards HTTP carrier requests (nil: one node)
	transfers transfers.Store
	checks    map[string]func(context.Context) error // for /readyz
	closers   []func() error
}

// storeOptions are the store's defaults with the operator's
// --history-days (0 keeps versions forever).
func storeOptions(cfg config) store.Options {
	o := store.DefaultOptions()
	o.HistoryKeep = time.Duration(cfg.historyDays) * 24 * time.Hour
	return o
}

func openBackends(ctx context.Context, cfg config, log *slog.Logger) (*backends, error) {
	if cfg.redis != "" {
		return openRedisBackends(ctx, cfg, log)
	}
	if err := checkStoreFile(cfg, log); err != nil {
		return nil, err
	}
	st, err := store.OpenBoltWith(cfg.data, storeOptions(cfg))
	if err != nil {
		return nil, err
	}
	xfers, err := transfers.OpenDisk(filepath.Join(cfg.data, "exports"), transferTTL, 2<<30)
	if err != nil {
		st.Close()
		return nil, err
	}
	brk := broker.NewMemory()
	return &backends{
		node:  board.NewPeerID(),
		store: st, broker: brk, transfers: xfers,
		checks:  map[string]func(context.Context) error{"store": st.Ping},
		closers: []func() error{brk.Close, st.Close},
	}, nil
}

// openRedisBackends shares one client, and so one connection pool, among
// the store, the broker and the transfers. Its options are the URL's
// (pool_size, read_timeout, …) over go-redis's defaults, as each of the
// three clients before it had: a deadline of one use is its call's
// context (the transfers' 10 s). The broker's subscription holds a
// connection of its own, outside the pool.
func openRedisBackends(ctx context.Context, cfg config, log *slog.Logger) (*backends, error) {
	opts, err := redis.ParseURL(cfg.redis)
	if err != nil {
		return nil, fmt.Errorf("--redis: %w", err)
	}
	rdb := redis.NewClient(opts)
	st, err := store.OpenRedis(ctx, rdb, cfg.redisPrefix, storeOptions(cfg))
	if err != nil {
		rdb.Close()
		return nil, err
	}
	node := board.NewPeerID()
	brk, err := broker.OpenRedis(ctx, rdb, cfg.redisPrefix, node, log)
	if err != nil {
		st.Close()
		rdb.Close()
		return nil, err
	}
	log.Info("using redis", "addr", opts.Addr, "db", opts.DB, "prefix", cfg.redisPrefix)
	return &backends{
		node:  node,
		store: st, broker: brk, nodes: brk,
		transfers: redistransfers.New(rdb, cfg.redisPrefix, transferTTL),
		checks:    map[string]func(context.Context) error{"store": st.Ping, "broker": brk.Ping},
		closers:   []func() error{brk.Close, st.Close, rdb.Close}, // the client last: the others use it
	}, nil
}

func (b *backends) close(log *slog.Logger) {
	for _, c := range b.closers {
		if err := c(); err != nil {
			log.Error("close backend", "err", err)
		}
	}
}

// checkStoreFile refuses to start on a damaged store file, before anything
// writes into it, and says how to repair it.
func checkStoreFile(cfg config, log *slog.Logger) error {
	path := filepath.Join(cfg.data, store.BoltFile)
	if cfg.skipCheck {
		log.Warn("store check skipped (--skip-check)", "file", path)
		return nil
	}
	start := time.Now()
	err := store.CheckBoltFile(path, cfg.checkTimeout)
	if err == nil {
		log.Info("store checked", "file", path, "took", time.Since(start).Round(time.Millisecond))
		return nil
	}
	return fmt.Errorf("store file %s failed its start check: %w\n"+
		"  Nothing was written to it. To repair: stop every process using it and keep a copy of it; then either restore it from a backup,\n"+
		"  or inspect it with `bbolt check %s` and rewrite what can be read with `bbolt compact -o easel.db.compacted %s`\n"+
		"  (go install go.etcd.io/bbolt/cmd/bbolt@v1.5.0; `bbolt surgery` can revert a bad meta page), and put the result in its place.\n"+
		"  A file too large to check at every start can be started with --skip-check (EASEL_SKIP_CHECK=true), or given more --check-timeout",
		path, err, path, path)
}
