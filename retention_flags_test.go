package main

import (
	"io"
	"testing"
	"time"
)

// Issue 17: --history-days (30 by default; 0 keeps versions forever) and
// --board-idle-days (0 by default: no board ends on its own) reach the
// store's options and the hub's retention, with their EASEL_* twins.
func TestRetentionFlags(t *testing.T) {
	cfg, err := parseConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if keep := storeOptions(cfg).HistoryKeep; keep != 30*24*time.Hour || cfg.session.BoardIdle != 0 || cfg.session.RetentionEvery != time.Hour {
		t.Fatalf("defaults: history kept %v, idle %v, every %v", keep, cfg.session.BoardIdle, cfg.session.RetentionEvery)
	}
	env := map[string]string{"EASEL_HISTORY_DAYS": "0", "EASEL_BOARD_IDLE_DAYS": "90"}
	cfg, err = parseConfig([]string{"--board-idle-days", "365"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if keep := storeOptions(cfg).HistoryKeep; keep != 0 || cfg.session.BoardIdle != 365*24*time.Hour {
		t.Fatalf("from env and flags: history kept %v (0 = forever), idle %v", keep, cfg.session.BoardIdle)
	}
	for _, bad := range [][]string{{"--history-days", "-1"}, {"--board-idle-days", "-3"}, {"--retention-every", "-1h"}} {
		if _, err := parseConfig(bad, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
