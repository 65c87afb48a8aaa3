package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"
)

// testPNG is a w×h PNG of one colour followed by pad random bytes: the
// server reads an image's header only, so the padding makes it as large
// as a test needs (past one 512 KiB Redis chunk, say).
func testPNG(t *testing.T, w, h, pad int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []byte{30, 144, 255, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, pad)
	rand.Read(junk)
	return append(buf.Bytes(), junk...)
}

// uploadImage posts data as a PNG to the board at addr and returns its sha.
func uploadImage(t *testing.T, addr, id string, data []byte) string {
	t.Helper()
	res, err := http.Post("http://"+addr+"/b/"+id+"/blobs", "image/png", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var info struct{ SHA256 string }
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated || json.Unmarshal(body, &info) != nil {
		t.Fatalf("upload to %s: %d %s", addr, res.StatusCode, body)
	}
	return info.SHA256
}

// mustGetImage checks that url serves exactly data as a PNG.
func mustGetImage(t *testing.T, url string, data []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, data) {
		t.Fatalf("GET %s: %d %s, %d bytes (equal %v)", url, res.StatusCode, res.Header.Get("Content-Type"), len(body), bytes.Equal(body, data))
	}
}

// placeImage has m put an image element of blob sha and waits for the ack.
func (m *member) placeImage(ref, sha string) {
	m.t.Helper()
	m.mu.Lock()
	m.pending[ref] = true
	m.mu.Unlock()
	m.send(map[string]any{"type": "ops", "ref": ref, "ops": []any{map[string]any{"op": "put",
		"el": map[string]any{"id": ref, "kind": "image", "w": 40, "h": 30, "z": "a0", "src": "blob:" + sha}}}})
	m.waitFor("the ack of "+ref, 10*time.Second, func() bool { return m.acked[ref] || m.refused[ref] != "" })
	if code := m.refused[ref]; code != "" {
		m.t.Fatalf("%s: placing image %.12s… refused with %s", m.name, sha, code)
	}
}

// Acceptance 4 (issue 14): after a restart on the same data directory an
// image still loads through both ids, and ops placing it are accepted by
// the restarted server, which has to find it in the store.
func TestImagesSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--addr", "127.0.0.1:0", "--data", dir}
	addr, stop := startRun(t, args, nil)
	id, viewID := createBoardAt(t, addr)
	data := testPNG(t, 40, 30, 600<<10)
	sha := uploadImage(t, addr, id, data)
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	addr, _ = startRun(t, args, nil)
	mustGetImage(t, "http://"+addr+"/b/"+id+"/blobs/"+sha, data)
	mustGetImage(t, "http://"+addr+"/v/"+viewID+"/blobs/"+sha, data)
	m := connectMember(t, "ws://"+addr+"/b/"+id+"/ws", "after-restart", nil)
	m.placeImage("placed", sha)
}

// Acceptance 4 (issue 14), two nodes: an image uploaded through node A,
// which then dies (kill -9), loads through node B, and node B accepts ops
// placing it although its room never saw the upload: it looks in Redis.
func TestImageFromAKilledNodeServesFromTheOther(t *testing.T) {
	a, b := twoProcessesOnRedis(t)
	defer b.stop(t)
	id, viewID := createBoardAt(t, a.addr)
	onB := connectMember(t, "ws://"+b.addr+"/b/"+id+"/ws", "on-b", nil) // B's room is live before the upload

	data := testPNG(t, 40, 30, 1536<<10) // three 512 KiB chunks and a bit
	sha := uploadImage(t, a.addr, id, data)
	a.kill9(t)

	mustGetImage(t, "http://"+b.addr+"/b/"+id+"/blobs/"+sha, data)
	mustGetImage(t, "http://"+b.addr+"/v/"+viewID+"/blobs/"+sha, data)
	onB.placeImage("placed-on-b", sha)
}

// The image limits have their defaults, their EASEL_* twins (flags win)
// and refuse values that make no sense.
func TestImageFlags(t *testing.T) {
	cfg, err := parseConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.session
	if s.MaxBlobBytes != 8<<20 || s.MaxBoardBlobBytes != 256<<20 || cfg.maxBlobUploads != 4 || s.BlobGrace != 24*time.Hour || s.BlobSweepEvery != 10*time.Minute {
		t.Fatalf("defaults: blob %d, board %d, uploads %d, grace %v, sweep %v", s.MaxBlobBytes, s.MaxBoardBlobBytes, cfg.maxBlobUploads, s.BlobGrace, s.BlobSweepEvery)
	}
	env := map[string]string{"EASEL_MAX_BLOB_MIB": "2", "EASEL_MAX_BOARD_BLOB_MIB": "64", "EASEL_MAX_BLOB_UPLOADS_PER_ADDR": "2", "EASEL_BLOB_GRACE": "1h", "EASEL_BLOB_SWEEP_EVERY": "0"}
	cfg, err = parseConfig([]string{"--max-blob-mib", "3"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s = cfg.session
	if s.MaxBlobBytes != 3<<20 || s.MaxBoardBlobBytes != 64<<20 || cfg.maxBlobUploads != 2 || s.BlobGrace != time.Hour || s.BlobSweepEvery != 0 {
		t.Fatalf("from env and flags: blob %d, board %d, uploads %d, grace %v, sweep %v", s.MaxBlobBytes, s.MaxBoardBlobBytes, cfg.maxBlobUploads, s.BlobGrace, s.BlobSweepEvery)
	}
	for _, bad := range [][]string{
		{"--max-blob-mib", "0"},
		{"--max-blob-mib", "16", "--max-board-blob-mib", "8"},
		{"--max-blob-uploads-per-addr", "0"},
		{"--blob-grace", "0s"},
		{"--blob-sweep-every", "-1m"},
	} {
		if _, err := parseConfig(bad, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
