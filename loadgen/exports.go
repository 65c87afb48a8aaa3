package loadgen

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BuildBigBoard fills a new board until its JSON export is about
// targetBytes, through the protocol (ops messages of long strokes), and
// returns the board and the epoch and seq to join it with `since` (so
// members need not take the whole board in their welcome).
func BuildBigBoard(ctx context.Context, srv *Server, targetBytes int) (Board, struct {
	Epoch string
	Seq   uint64
}, error) {
	var since struct {
		Epoch string
		Seq   uint64
	}
	b, err := CreateBoard(srv.URL())
	if err != nil {
		return b, since, err
	}
	acks := make(chan uint64, 256)
	on := func(typ string, line []byte) {
		if typ == "ops" {
			var m struct{ Seq uint64 }
			json.Unmarshal(line, &m)
			acks <- m.Seq
		} else if typ == "error" {
			acks <- 0
		}
	}
	m, err := joinHooked(ctx, wsURL(srv.URL(), b.EditURL), 0, Clock{Start: time.Now()}, JoinOptions{}, on, nil)
	if err != nil {
		return b, since, err
	}
	defer m.Close()
	points := make([][2]float64, 5000)
	for i := range points {
		points[i] = [2]float64{float64(i) + 0.5, float64(i%97) * 1.5}
	}
	const perMessage = 10
	strokeBytes := 5000 * 13 // about what a stroke takes in the JSON export
	messages := targetBytes / (strokeBytes * perMessage)
	for n := range messages {
		ops := make([]any, perMessage)
		for i := range ops {
			id := n*perMessage + i
			ops[i] = map[string]any{"op": "put", "el": map[string]any{"id": fmt.Sprint("s", id), "kind": "stroke", "x": id, "y": id, "points": points, "stroke": "#1e1e1e", "width": 2, "z": "a0"}}
		}
		if err := m.WriteJSON(map[string]any{"type": "ops", "ref": fmt.Sprint("big", n), "ops": ops}); err != nil {
			return b, since, err
		}
		select {
		case seq := <-acks:
			if seq == 0 {
				return b, since, fmt.Errorf("building the big board: message %d refused: %v", n, m.Errors)
			}
			since.Seq = seq
		case <-time.After(30 * time.Second):
			return b, since, fmt.Errorf("building the big board: no ack for message %d", n)
		}
	}
	since.Epoch = m.Epoch
	return b, since, nil
}

// download is one socket export in progress, driven from a member's
// reader goroutine.
type download struct {
	m        *Member
	mu       sync.Mutex
	id       string
	size     int64
	want     string // sha256 from export.meta
	got      int64
	sum      hash.Hash
	started  time.Time
	finished time.Time
	err      error
	done     chan struct{}
	ack      []byte // reused: only the reader goroutine sends acks
}

func newDownload() *download { return &download{sum: sha256.New(), done: make(chan struct{})} }

func (d *download) onMessage(typ string, line []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch typ {
	case "export.meta":
		var meta struct {
			ID, SHA256 string
			Size       int64
		}
		json.Unmarshal(line, &meta)
		d.id, d.size, d.want = meta.ID, meta.Size, meta.SHA256
	case "export.done":
		d.finished = time.Now()
		if got := hex.EncodeToString(d.sum.Sum(nil)); got != d.want || d.got != d.size {
			d.err = fmt.Errorf("download: %d of %d bytes, sha256 %s, want %s", d.got, d.size, got, d.want)
		}
		close(d.done)
	case "error":
		if d.id != "" || d.started.IsZero() {
			d.err = fmt.Errorf("download failed: %s", line)
			close(d.done)
		}
	}
}

func (d *download) onBinary(frame []byte) {
	d.mu.Lock()
	if len(frame) < 24 || binary.BigEndian.Uint64(frame[16:24]) != uint64(d.got) {
		d.mu.Unlock()
		return
	}
	d.sum.Write(frame[24:])
	d.got += int64(len(frame) - 24)
	ack := d.ack[:0]
	ack = append(ack, `{"type":"export.ack","id":"`...)
	ack = append(ack, d.id...)
	ack = append(ack, `","offset":`...)
	ack = strconv.AppendInt(ack, d.got, 10)
	ack = append(ack, '}')
	d.ack = ack
	d.mu.Unlock()
	d.m.WriteText(ack)
}

// httpDownload times GET url to its last byte, verifying the body's
// SHA-256 as the socket download does, so both do the same client work.
func httpDownload(url string) (int64, time.Duration, error) { return httpGet(url, true) }

// httpGet times GET url to its last byte, hashing the body when verify.
func httpGet(url string, verify bool) (int64, time.Duration, error) {
	start := time.Now()
	res, err := http.Get(url)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	sum := sha256.New()
	var sink io.Writer = io.Discard
	if verify {
		sink = sum
	}
	n, err := io.Copy(sink, res.Body)
	if want := res.Header.Get("ETag"); verify && err == nil && want != "" && !strings.Contains(want, hex.EncodeToString(sum.Sum(nil))) {
		return n, 0, fmt.Errorf("GET %s: body does not match its ETag %s", url, want)
	}
	if res.StatusCode != http.StatusOK {
		return n, 0, fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	return n, time.Since(start), err
}

// peakRSS samples srv's RSS until stop is closed and returns the highest.
func peakRSS(srv *Server, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if st, err := srv.Stats(); err == nil {
				peak = max(peak, st.RSS)
			}
			select {
			case <-t.C:
			case <-stop:
				out <- peak
				return
			}
		}
	}()
	return out
}
