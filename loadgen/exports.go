package loadgen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
)

// rateLimited stands for a rate_limited answer among BuildBigBoard's acks.
const rateLimited = ^uint64(0)

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
			var e struct{ Code string }
			json.Unmarshal(line, &e)
			if e.Code == "rate_limited" {
				acks <- rateLimited
			} else {
				acks <- 0
			}
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
		// The server budgets ops bytes per second: a refused message is
		// sent again after a pause, as a client would.
		for tries := 0; ; tries++ {
			if err := m.WriteJSON(map[string]any{"type": "ops", "ref": fmt.Sprint("big", n), "ops": ops}); err != nil {
				return b, since, err
			}
			var seq uint64
			select {
			case seq = <-acks:
			case <-time.After(30 * time.Second):
				return b, since, fmt.Errorf("building the big board: no ack for message %d", n)
			}
			if seq == rateLimited && tries < 20 {
				time.Sleep(500 * time.Millisecond)
				continue
			}
			if seq == 0 || seq == rateLimited {
				return b, since, fmt.Errorf("building the big board: message %d refused: %v", n, m.Errors)
			}
			since.Seq = seq
			break
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

// again readies d for another download of the same file; verify false
// skips the SHA-256 (to measure the transport alone).
func (d *download) again(verify bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sum, d.got, d.id, d.err = nil, 0, "", nil
	if verify {
		d.sum = sha256.New()
	}
	d.started, d.finished = time.Time{}, time.Time{}
	d.done = make(chan struct{})
}

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
		if d.got != d.size {
			d.err = fmt.Errorf("download: %d of %d bytes", d.got, d.size)
		} else if d.sum != nil {
			if got := d.digest(); got != d.want {
				d.err = fmt.Errorf("download: sha256 %s, want %s", got, d.want)
			}
		}
		close(d.done)
	case "error":
		if d.id != "" || d.started.IsZero() {
			d.err = fmt.Errorf("download failed: %s", line)
			close(d.done)
		}
	}
}

func (d *download) digest() string { return hex.EncodeToString(d.sum.Sum(nil)) }

func (d *download) onBinary(frame []byte) {
	chunk, err := protoclient.ParseChunk(frame)
	d.mu.Lock()
	if err != nil || chunk.Offset != d.got {
		d.mu.Unlock()
		return
	}
	if d.sum != nil {
		d.sum.Write(chunk.Data)
	}
	d.got = chunk.End()
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

// httpGet times GET url to its last byte; with verify it checks the body's
// SHA-256 against its ETag, as the socket download checks its own.
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

// downloadRounds is how often each kind of download runs in S5: one
// download of 50 MB takes well under 0.1 s here, too short to time alone.
const downloadRounds = 5

// throughputs are S5's four download rates in MB/s, each over all rounds.
type throughputs struct {
	socket, http, socketRaw, httpRaw float64
}

// measure downloads the file at url over dl's socket and over HTTP,
// verifying and not, round after round, so all four see the same load.
func (tp *throughputs) measure(dl *download, url string) error {
	var bytes [4]int64
	var took [4]time.Duration
	for round := range downloadRounds {
		for i, verify := range []bool{true, false} {
			if round > 0 || i > 0 {
				dl.again(verify)
			}
			dl.started = time.Now()
			dl.m.WriteJSON(map[string]any{"type": "export", "ref": fmt.Sprint("load-", round, i), "format": "json"})
			select {
			case <-dl.done:
			case <-time.After(2 * time.Minute):
				return errors.New("a socket download did not finish in 2 minutes")
			}
			if dl.err != nil {
				return dl.err
			}
			bytes[2*i] += dl.size
			took[2*i] += dl.finished.Sub(dl.started)
			n, d, err := httpGet(url, verify)
			if err != nil {
				return err
			}
			bytes[2*i+1] += n
			took[2*i+1] += d
		}
	}
	rate := func(k int) float64 { return float64(bytes[k]) / took[k].Seconds() / 1e6 }
	tp.socket, tp.http, tp.socketRaw, tp.httpRaw = rate(0), rate(1), rate(2), rate(3)
	return nil
}
