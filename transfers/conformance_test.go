package transfers_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/transfers"
)

// opener opens a Store whose files live ttl. another opens a second Store
// on the same storage, as a restarted node (Disk) or another node (Redis)
// does; it is called after the first one's Adds.
type opener func(t *testing.T, ttl time.Duration) (s transfers.Store, another func() transfers.Store)

// testStore is the suite every transfers.Store implementation passes: what
// session's downloads and the HTTP download route rely on.
func testStore(t *testing.T, open opener) {
	t.Run("AddThenGet", func(t *testing.T) { t.Parallel(); testAddThenGet(t, open) })
	t.Run("ReadAt", func(t *testing.T) { t.Parallel(); testReadAt(t, open) })
	t.Run("AnotherNodeOrRun", func(t *testing.T) { t.Parallel(); testAnother(t, open) })
	t.Run("UnknownIDs", func(t *testing.T) { t.Parallel(); testUnknownIDs(t, open) })
	t.Run("FindSameRendering", func(t *testing.T) { t.Parallel(); testFind(t, open) })
	t.Run("Lifetime", func(t *testing.T) { t.Parallel(); testLifetime(t, open) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testConcurrent(t, open) })
	t.Run("RemoveBoard", func(t *testing.T) { t.Parallel(); testRemoveBoard(t, open) })
}

// rendering is a Transfer as session's render makes one, before Add.
func rendering(boardID string, seq uint64, f export.Format, o export.Options) *transfers.Transfer {
	return &transfers.Transfer{
		BoardID: boardID, Ref: "ref-" + boardID, Format: f, Scale: o.Scale, Background: o.Background, EmbedFonts: o.EmbedFonts,
		MIME: f.MIME(), Filename: fmt.Sprintf("%s-%d.%s", boardID, seq, f), SHA256: "0123abcd", Seq: seq,
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// add stores data as a PNG of board "b" at seq 1, or fails the test.
func add(t *testing.T, s transfers.Store, data []byte) *transfers.Transfer {
	t.Helper()
	tr := rendering("b", 1, export.PNG, export.Options{Scale: 1})
	if err := s.Add(tr, data); err != nil {
		t.Fatal(err)
	}
	return tr
}

// readAll reads tr's bytes in chunks of n, as a download does.
func readAll(t *testing.T, tr *transfers.Transfer, n int) []byte {
	t.Helper()
	var out []byte
	buf := make([]byte, n)
	for off := int64(0); off < tr.Size; {
		k, err := tr.ReadAt(buf, off)
		if k == 0 {
			t.Fatalf("ReadAt at %d of %d: %v", off, tr.Size, err)
		}
		if err != nil && !(errors.Is(err, io.EOF) && off+int64(k) == tr.Size) {
			t.Fatalf("ReadAt at %d: %d bytes, %v", off, k, err)
		}
		out = append(out, buf[:k]...)
		off += int64(k)
	}
	return out
}

// sameMeta compares what export.meta and the HTTP headers are made of.
func sameMeta(t *testing.T, got, want *transfers.Transfer) {
	t.Helper()
	if got.ID != want.ID || got.BoardID != want.BoardID || got.Ref != want.Ref || got.Format != want.Format ||
		got.Scale != want.Scale || got.Background != want.Background || got.EmbedFonts != want.EmbedFonts ||
		got.MIME != want.MIME || got.Filename != want.Filename || got.Size != want.Size ||
		got.SHA256 != want.SHA256 || got.Seq != want.Seq || !got.Expires.Equal(want.Expires) || got.UUID() != want.UUID() {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// Add gives each file a fresh id (a UUID, which starts every chunk), its
// size and an expiry ttl from now, to the second; Get finds it by id.
func testAddThenGet(t *testing.T, open opener) {
	const ttl = time.Minute
	s, _ := open(t, ttl)
	before := time.Now()
	a, b := add(t, s, []byte("first file")), add(t, s, []byte("second"))
	after := time.Now()
	if a.ID == b.ID {
		t.Fatalf("two files share the id %s", a.ID)
	}
	for _, tr := range []*transfers.Transfer{a, b} {
		if u, err := uuid.Parse(tr.ID); err != nil || u != tr.UUID() {
			t.Errorf("id %q: %v; UUID() %s", tr.ID, err, tr.UUID())
		}
		if tr.Expires.Location() != time.UTC || !tr.Expires.Equal(tr.Expires.Truncate(time.Second)) {
			t.Errorf("expires %v: want UTC, to the second", tr.Expires)
		}
		if tr.Expires.Before(before.Add(ttl).Truncate(time.Second)) || tr.Expires.After(after.Add(ttl)) {
			t.Errorf("expires %v: want %v after the Add", tr.Expires, ttl)
		}
		got, ok := s.Get(tr.ID)
		if !ok {
			t.Fatalf("Get %s: not found", tr.ID)
		}
		sameMeta(t, got, tr)
	}
	if a.Size != int64(len("first file")) || b.Size != int64(len("second")) {
		t.Errorf("sizes %d, %d", a.Size, b.Size)
	}
}

// ReadAt is an io.ReaderAt over the file: any range, a short read with
// io.EOF at the end, and io.EOF at or past the end.
func testReadAt(t *testing.T, open opener) {
	s, _ := open(t, time.Minute)
	data := []byte("0123456789abcdefghij")
	tr := add(t, s, data)
	got, _ := s.Get(tr.ID)
	for _, r := range []*transfers.Transfer{tr, got} {
		p := make([]byte, 5)
		if n, err := r.ReadAt(p, 3); n != 5 || err != nil || string(p) != "34567" {
			t.Errorf("ReadAt(5 at 3) = %d %q %v", n, p[:n], err)
		}
		p = make([]byte, 8)
		if n, err := r.ReadAt(p, 16); n != 4 || !errors.Is(err, io.EOF) || string(p[:n]) != "ghij" {
			t.Errorf("ReadAt(8 at 16) = %d %q %v; want the last 4 bytes and io.EOF", n, p[:n], err)
		}
		for _, off := range []int64{20, 21} {
			if n, err := r.ReadAt(p, off); n != 0 || !errors.Is(err, io.EOF) {
				t.Errorf("ReadAt at %d = %d %v; want 0, io.EOF", off, n, err)
			}
		}
	}
	empty := add(t, s, []byte{})
	if n, err := empty.ReadAt(make([]byte, 4), 0); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("an empty file reads %d, %v; want 0, io.EOF", n, err)
	}
}

// A second Store on the same storage (the node restarted, or another
// node) finds the files and serves their bytes, a large one (too large to
// be kept in memory) included.
func testAnother(t *testing.T, open opener) {
	s, another := open(t, time.Minute)
	small := randomBytes(1000)
	large := randomBytes(5<<20 + 7)
	ts, tl := add(t, s, small), add(t, s, large)
	if !bytes.Equal(readAll(t, tl, 256<<10), large) {
		t.Error("the large file reads back different bytes on the node that added it")
	}
	other := another()
	for _, c := range []struct {
		tr   *transfers.Transfer
		data []byte
	}{{ts, small}, {tl, large}} {
		got, ok := other.Get(c.tr.ID)
		if !ok {
			t.Fatalf("the other store does not find %s", c.tr.ID)
		}
		sameMeta(t, got, c.tr)
		if !bytes.Equal(readAll(t, got, 256<<10), c.data) {
			t.Errorf("%d bytes: read back different bytes from the other store", len(c.data))
		}
	}
	if got, ok := other.Find("b", 1, export.PNG, export.Options{Scale: 1}); !ok || (got.ID != ts.ID && got.ID != tl.ID) {
		t.Errorf("the other store's Find: %v %v", got, ok)
	}
}

func testUnknownIDs(t *testing.T, open opener) {
	s, _ := open(t, time.Minute)
	add(t, s, []byte("x"))
	for _, id := range []string{"", "not-a-uuid", uuid.NewString(), "../../etc/passwd"} {
		if got, ok := s.Get(id); ok {
			t.Errorf("Get(%q) = %+v", id, got)
		}
	}
}

// Find returns a file of exactly the same rendering: board, seq, format,
// scale, background and embedded fonts all count.
func testFind(t *testing.T, open opener) {
	s, _ := open(t, time.Minute)
	svg := export.Options{Scale: 1}
	dark := export.Options{Scale: 1, Background: "#1e1e1e"}
	fonts := export.Options{Scale: 1, EmbedFonts: true}
	png2 := export.Options{Scale: 2}
	type key struct {
		board string
		seq   uint64
		f     export.Format
		o     export.Options
	}
	keys := []key{
		{"b", 7, export.SVG, svg}, {"b", 7, export.SVG, dark}, {"b", 7, export.SVG, fonts},
		{"b", 8, export.SVG, svg}, {"c", 7, export.SVG, svg}, {"b", 7, export.PNG, png2},
	}
	added := map[key]*transfers.Transfer{}
	for i, k := range keys {
		tr := rendering(k.board, k.seq, k.f, k.o)
		if err := s.Add(tr, []byte(fmt.Sprint("file ", i))); err != nil {
			t.Fatal(err)
		}
		added[k] = tr
	}
	for _, k := range keys {
		got, ok := s.Find(k.board, k.seq, k.f, k.o)
		if !ok || got.ID != added[k].ID {
			t.Errorf("Find %+v: %+v %v, want %s", k, got, ok, added[k].ID)
			continue
		}
		sameMeta(t, got, added[k])
	}
	for _, k := range []key{
		{"b", 6, export.SVG, svg}, {"d", 7, export.SVG, svg}, {"b", 7, export.PDF, svg},
		{"b", 7, export.PNG, export.Options{Scale: 1}}, {"b", 7, export.SVG, export.Options{Scale: 1, Background: "#ffffff"}},
		{"b", 7, export.SVG, export.Options{Scale: 1, Background: "#1e1e1e", EmbedFonts: true}},
	} {
		if got, ok := s.Find(k.board, k.seq, k.f, k.o); ok {
			t.Errorf("Find %+v found %+v, a different rendering", k, got)
		}
	}
}

// Find offers a file only while at least half its lifetime is left (a
// download started from it stays resumable); Get finds it until it
// expires, and not after.
func testLifetime(t *testing.T, open opener) {
	const ttl = 4 * time.Second
	s, _ := open(t, ttl)
	tr := add(t, s, []byte("short-lived"))
	if _, ok := s.Find("b", 1, export.PNG, export.Options{Scale: 1}); !ok {
		t.Fatal("Find right after Add: not found")
	}
	waitFor(t, "Find to stop offering the file at half its lifetime", 3*ttl, func() bool {
		_, ok := s.Find("b", 1, export.PNG, export.Options{Scale: 1})
		return !ok
	})
	if left := time.Until(tr.Expires); left > ttl/2 {
		t.Errorf("Find stopped with %v of %v left", left, ttl)
	}
	if _, ok := s.Get(tr.ID); !ok {
		t.Fatalf("Get once Find stopped, %v before it expires: not found", time.Until(tr.Expires))
	}
	waitFor(t, "the file to expire", 3*ttl, func() bool {
		_, ok := s.Get(tr.ID)
		return !ok
	})
	if time.Now().Before(tr.Expires) {
		t.Errorf("Get stopped finding the file %v before it expires", time.Until(tr.Expires))
	}
}

// Adds, Gets, Finds and reads at once (run with -race).
func testConcurrent(t *testing.T, open opener) {
	s, _ := open(t, time.Minute)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			data := randomBytes(100 + i)
			tr := rendering("b", uint64(i), export.JSON, export.Options{Scale: 1})
			if err := s.Add(tr, data); err != nil {
				errs <- err
				return
			}
			got, ok := s.Get(tr.ID)
			if !ok {
				errs <- fmt.Errorf("Get %s: not found", tr.ID)
				return
			}
			buf := make([]byte, len(data))
			if n, _ := got.ReadAt(buf, 0); n != len(data) || !bytes.Equal(buf, data) {
				errs <- fmt.Errorf("file %d read back wrong", i)
				return
			}
			if f, ok := s.Find("b", uint64(i), export.JSON, export.Options{Scale: 1}); !ok || f.ID != tr.ID {
				errs <- fmt.Errorf("Find seq %d: %v %v", i, f, ok)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// waitFor polls cond until it holds, failing the test after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// RemoveBoard removes every file of the board (small, kept in memory,
// and large), from this store and for another one on the same storage,
// and leaves other boards' files alone; a board without files is no
// error.
func testRemoveBoard(t *testing.T, open opener) {
	s, another := open(t, time.Minute)
	png := export.Options{Scale: 1}
	var gone, kept []*transfers.Transfer
	contents := map[string][]byte{}
	for i, data := range [][]byte{[]byte("small"), randomBytes(5<<20 + 1)} {
		for _, boardID := range []string{"doomed", "other"} {
			tr := rendering(boardID, uint64(i+1), export.PNG, png)
			if err := s.Add(tr, data); err != nil {
				t.Fatal(err)
			}
			contents[tr.ID] = data
			if boardID == "doomed" {
				gone = append(gone, tr)
			} else {
				kept = append(kept, tr)
			}
		}
	}
	if err := s.RemoveBoard("doomed"); err != nil {
		t.Fatalf("RemoveBoard: %v", err)
	}
	if err := s.RemoveBoard("never-rendered"); err != nil {
		t.Fatalf("RemoveBoard of a board without files: %v", err)
	}
	for name, st := range map[string]transfers.Store{"this store": s, "another store": another()} {
		for _, tr := range gone {
			if got, ok := st.Get(tr.ID); ok {
				t.Errorf("%s: Get finds %s of the removed board: %+v", name, tr.ID, got)
			}
			if got, ok := st.Find("doomed", tr.Seq, export.PNG, png); ok {
				t.Errorf("%s: Find finds a file of the removed board: %+v", name, got)
			}
		}
		for _, tr := range kept {
			got, ok := st.Get(tr.ID)
			if !ok {
				t.Fatalf("%s: the other board's %s is gone", name, tr.ID)
			}
			if !bytes.Equal(readAll(t, got, 256<<10), contents[tr.ID]) {
				t.Errorf("%s: the other board's %s reads back different bytes", name, tr.ID)
			}
		}
	}
}
