package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
)

// s9BoardMiB is S9's board byte limit: smaller than the 64 MiB default so
// that filling the board takes seconds; the bound is relative to it.
const s9BoardMiB = 16

// S9: the first join of a board at the byte limit (fault 4 of issue 10).
// A board is filled with strokes of long-decimal points until the server
// refuses with too_large; the server is restarted on the same data (so the
// board is not in memory), and one fresh member joins. The server's peak
// RSS (VmHWM) must stay within 4× the board's encoded size.
func S9(ctx context.Context, o Options) (*Result, error) {
	dir, err := os.MkdirTemp("", "easel-load-s9-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	args := []string{"--data", dir, "--max-board-mib", strconv.Itoa(s9BoardMiB)}
	srv, err := o.start(ctx, args...)
	if err != nil {
		return nil, err
	}
	b, err := CreateBoard(srv.URL())
	if err != nil {
		srv.Stop()
		return nil, err
	}
	messages, err := fillBoard(ctx, wsURL(srv.URL(), b.EditURL))
	srv.Stop()
	if err != nil {
		return nil, err
	}

	srv, err = o.start(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	before, err := hwmRSS(srv.Pid)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	conn, welcome, err := helloWelcome(ctx, wsURL(srv.URL(), b.EditURL))
	if err != nil {
		return nil, err
	}
	joinTime := time.Since(start)
	peak, err := hwmRSS(srv.Pid)
	conn.Close()
	if err != nil {
		return nil, err
	}
	var w struct {
		Elements json.RawMessage `json:"elements"`
	}
	if err := json.Unmarshal(welcome, &w); err != nil {
		return nil, fmt.Errorf("S9 welcome: %w", err)
	}
	encoded := int64(len(w.Elements))
	r := &Result{Scenario: "S9", Variant: "easel", Members: 1, Measures: "join",
		Name:      fmt.Sprintf("first join of a board at the %d MiB byte limit", s9BoardMiB),
		DurationS: joinTime.Seconds(), RSSMB: float64(peak) / (1 << 20), Converged: true}
	ratio := float64(peak) / float64(encoded)
	r.check("peak server RSS on a first join", "≤ 4× the board's encoded size",
		fmt.Sprintf("%.0f MB for %.1f MB (%.1f×)", float64(peak)/1e6, float64(encoded)/1e6, ratio), ratio <= 4)
	r.Notes = append(r.Notes,
		fmt.Sprintf("board: %d ops messages of strokes with long-decimal points, %d bytes of elements as sent in the welcome (%d-byte welcome)", messages, encoded, len(welcome)),
		fmt.Sprintf("server VmHWM %.1f MB before the join (fresh process), %.1f MB after; the join took %v", float64(before)/1e6, float64(peak)/1e6, joinTime.Round(time.Millisecond)),
		fmt.Sprintf("server flags: --max-board-mib %d (the default is 64)", s9BoardMiB))
	return r, nil
}

// fillBoard sends ops messages of four 5 000-point strokes (about 800 KB
// of JSON each) until the server refuses one with too_large.
func fillBoard(ctx context.Context, url string) (int, error) {
	conn, _, err := helloWelcome(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	points := make([][2]float64, 5000)
	for i := range points {
		points[i] = [2]float64{float64(i) + 1.0/3, float64(i%97) - 2.0/3} // 17 significant digits each
	}
	for msg := 0; msg < 200; msg++ {
		ref := fmt.Sprint("fill-", msg)
		var ops []any
		for i := range 4 {
			ops = append(ops, map[string]any{"op": "put", "el": map[string]any{"id": fmt.Sprint("s", msg, "-", i), "kind": "stroke", "x": 0, "y": 0, "points": points, "stroke": "#336699", "width": 2, "z": "a0"}})
		}
		if err := conn.Send(map[string]any{"type": "ops", "ref": ref, "ops": ops}); err != nil {
			return msg, err
		}
		for {
			_, data, err := conn.ReadFrame(time.Now().Add(60 * time.Second))
			if err != nil {
				return msg, fmt.Errorf("S9 fill: %w", err)
			}
			for _, line := range strings.Split(string(data), "\n") {
				var m struct{ Type, Ref, Code, Message string }
				json.Unmarshal([]byte(line), &m)
				switch {
				case m.Ref != ref:
				case m.Type == "ops":
					goto next
				case m.Type == "error" && m.Code == "too_large":
					return msg, nil
				case m.Type == "error":
					return msg, fmt.Errorf("S9 fill %s: %s %s", ref, m.Code, m.Message)
				}
			}
		}
	next:
	}
	return 200, fmt.Errorf("S9: the board took 200 messages without reaching its limit")
}

// helloWelcome joins url and returns the connection and its welcome line.
func helloWelcome(ctx context.Context, url string) (*protoclient.Conn, []byte, error) {
	conn, _, err := protoclient.Dial(ctx, url, protoclient.Options{Subprotocols: []string{protoclient.Subprotocol}, WriteTimeout: 60 * time.Second})
	if err != nil {
		return nil, nil, err
	}
	conn.Send(protoclient.Hello{Name: "s9", Color: "#336699"})
	welcome, _, err := conn.ReadWelcome(60 * time.Second)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, welcome, nil
}

// hwmRSS reads a process's peak resident set size (VmHWM) from /proc.
func hwmRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
