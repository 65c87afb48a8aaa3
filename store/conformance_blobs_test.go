package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// testStoreBlobs is the conformance suite for a board's blobs. values, when
// not nil, lists every value the store's backend holds for s by key, with
// its size (Redis: each string, and each field of each hash), so that the
// suite can check how blobs are laid out: chunked, and nothing left behind.
func testStoreBlobs(t *testing.T, open func(t *testing.T) board.Store, reopen func(t *testing.T, s board.Store) board.Store, values func(t *testing.T, s board.Store) map[string]int64) {
	ctx := context.Background()
	const unlimited = 1 << 40
	put := func(t *testing.T, s board.Store, id string, data []byte, maxBoard int64) (board.BlobInfo, bool, error) {
		t.Helper()
		return s.PutBlob(ctx, id, blobInfoOf(data), data, maxBoard)
	}
	keysOf := func(t *testing.T, s board.Store, sha string) []string {
		var out []string
		if values != nil {
			for k := range values(t, s) {
				if strings.Contains(k, sha) {
					out = append(out, k)
				}
			}
		}
		return out
	}

	t.Run("put, read back, list", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		data := randomBytes(t, 3000)
		before := time.Now().Add(-time.Second)
		info, created, err := put(t, s, b.ID, data, unlimited)
		if err != nil || !created {
			t.Fatalf("PutBlob: created %v, %v", created, err)
		}
		want := blobInfoOf(data)
		if info.SHA256 != want.SHA256 || info.MIME != want.MIME || info.Size != 3000 || info.Width != 3 || info.Height != 2 || info.Created.Before(before) {
			t.Fatalf("PutBlob answered %+v, want %+v created now", info, want)
		}
		gotInfo, got, err := s.Blob(ctx, b.ID, info.SHA256)
		if err != nil || !bytes.Equal(got, data) || gotInfo != info {
			t.Fatalf("Blob = %+v, %d bytes (equal %v), %v; want %+v", gotInfo, len(got), bytes.Equal(got, data), err, info)
		}
		if gotInfo, err := s.BlobInfo(ctx, b.ID, info.SHA256); err != nil || gotInfo != info {
			t.Fatalf("BlobInfo = %+v, %v", gotInfo, err)
		}
		list, err := s.Blobs(ctx, b.ID)
		if err != nil || len(list) != 1 || list[0] != info {
			t.Fatalf("Blobs = %+v, %v", list, err)
		}
	})

	t.Run("a 5 MiB blob comes back byte-identical, in chunks of at most 512 KiB", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		data := randomBytes(t, 5<<20)
		info, created, err := put(t, s, b.ID, data, unlimited)
		if err != nil || !created {
			t.Fatalf("PutBlob: created %v, %v", created, err)
		}
		if values != nil {
			keys := keysOf(t, s, info.SHA256)
			all := values(t, s)
			var sum int64
			for _, k := range keys {
				sum += all[k]
			}
			for k, n := range all {
				if n > 512<<10 {
					t.Errorf("%s holds %d bytes: more than 512 KiB in one value", k, n)
				}
			}
			if len(keys) < 10 || sum < 5<<20 {
				t.Errorf("the 5 MiB blob is in %d values of %d bytes in all; want at least 10 chunks", len(keys), sum)
			}
		}
		if reopen != nil {
			s = reopen(t, s)
		}
		_, got, err := s.Blob(ctx, b.ID, info.SHA256)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Blob after reopening: %d bytes, equal %v, %v", len(got), bytes.Equal(got, data), err)
		}
	})

	t.Run("the same bytes again are not stored twice and renew the blob", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		data := randomBytes(t, 1000)
		first, _, err := put(t, s, b.ID, data, 1500)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // Created has millisecond resolution
		// 1000 more bytes would not fit under 1500: a repeat takes none.
		again, created, err := put(t, s, b.ID, data, 1500)
		if err != nil || created {
			t.Fatalf("repeat PutBlob: created %v, %v; want created false", created, err)
		}
		if again.SHA256 != first.SHA256 || again.Size != first.Size || again.Width != first.Width || !again.Created.After(first.Created) {
			t.Fatalf("repeat answered %+v after %+v: want the same blob, Created renewed", again, first)
		}
		if info, err := s.BlobInfo(ctx, b.ID, first.SHA256); err != nil || !info.Created.Equal(again.Created) {
			t.Fatalf("stored Created %v, %v; want the renewed %v", info.Created, err, again.Created)
		}
		if list, _ := s.Blobs(ctx, b.ID); len(list) != 1 {
			t.Fatalf("%d blobs after a repeat, want 1", len(list))
		}
	})

	t.Run("concurrent puts of the same bytes store one blob", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		data := randomBytes(t, 700<<10) // two chunks on Redis
		var wg sync.WaitGroup
		var mu sync.Mutex
		createdCount := 0
		for range 6 {
			wg.Go(func() {
				_, created, err := put(t, s, b.ID, data, 1<<20)
				if err != nil {
					t.Errorf("PutBlob: %v", err)
				}
				mu.Lock()
				defer mu.Unlock()
				if created {
					createdCount++
				}
			})
		}
		wg.Wait()
		if createdCount != 1 {
			t.Fatalf("%d puts said they created the blob, want 1", createdCount)
		}
		if _, got, err := s.Blob(ctx, b.ID, blobInfoOf(data).SHA256); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Blob: equal %v, %v", bytes.Equal(got, data), err)
		}
		// The quota counted it once: 300 KiB more still fit under 1 MiB.
		if _, _, err := put(t, s, b.ID, randomBytes(t, 300<<10), 1<<20); err != nil {
			t.Fatalf("a blob that fits beside it: %v", err)
		}
	})

	t.Run("past the board's quota nothing is stored", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		first, _, err := put(t, s, b.ID, randomBytes(t, 600<<10), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		refused := randomBytes(t, 600<<10)
		_, _, err = put(t, s, b.ID, refused, 1<<20)
		if board.ErrorCode(err) != board.CodeTooLarge || !strings.Contains(board.ClientMessage(err), "1.0 MiB") {
			t.Fatalf("a blob past the quota: %v; want too_large naming the limit", err)
		}
		sha := blobInfoOf(refused).SHA256
		if _, _, err := s.Blob(ctx, b.ID, sha); board.ErrorCode(err) != board.CodeNotFound {
			t.Fatalf("the refused blob: %v, want not found", err)
		}
		if keys := keysOf(t, s, sha); len(keys) > 0 {
			t.Fatalf("the refused blob left %v behind", keys)
		}
		if list, _ := s.Blobs(ctx, b.ID); len(list) != 1 {
			t.Fatalf("%d blobs, want the first alone", len(list))
		}
		// Deleting gives the bytes back to the quota.
		if err := s.DeleteBlob(ctx, b.ID, first.SHA256); err != nil {
			t.Fatal(err)
		}
		if _, created, err := put(t, s, b.ID, refused, 1<<20); err != nil || !created {
			t.Fatalf("after a delete the blob fits: created %v, %v", created, err)
		}
	})

	t.Run("unknown boards and other boards' blobs are not found", func(t *testing.T) {
		s := open(t)
		b, other := createdBoard(t, s), createdBoard(t, s)
		data := randomBytes(t, 100)
		info, _, err := put(t, s, b.ID, data, unlimited)
		if err != nil {
			t.Fatal(err)
		}
		unknown := "00000000-0000-4000-8000-000000000000"
		if _, _, err := put(t, s, unknown, data, unlimited); !errors.Is(err, board.ErrNotFound) {
			t.Errorf("PutBlob on an unknown board: %v, want ErrNotFound", err)
		}
		if _, _, err := put(t, s, b.ViewID, data, unlimited); !errors.Is(err, board.ErrNotFound) {
			t.Errorf("PutBlob on a view id: %v, want ErrNotFound", err)
		}
		for _, id := range []string{unknown, other.ID, b.ViewID} {
			if _, _, err := s.Blob(ctx, id, info.SHA256); board.ErrorCode(err) != board.CodeNotFound {
				t.Errorf("Blob through %.8s: %v, want not found", id, err)
			}
			if _, err := s.BlobInfo(ctx, id, info.SHA256); board.ErrorCode(err) != board.CodeNotFound {
				t.Errorf("BlobInfo through %.8s: %v, want not found", id, err)
			}
			if list, err := s.Blobs(ctx, id); err != nil || len(list) != 0 {
				t.Errorf("Blobs of %.8s: %v, %v; want none", id, list, err)
			}
		}
	})

	t.Run("delete", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		data := randomBytes(t, 600<<10)
		info, _, err := put(t, s, b.ID, data, unlimited)
		if err != nil {
			t.Fatal(err)
		}
		keep, _, err := put(t, s, b.ID, randomBytes(t, 10), unlimited)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteBlob(ctx, b.ID, info.SHA256); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Blob(ctx, b.ID, info.SHA256); board.ErrorCode(err) != board.CodeNotFound {
			t.Fatalf("Blob after delete: %v", err)
		}
		if _, err := s.BlobInfo(ctx, b.ID, info.SHA256); board.ErrorCode(err) != board.CodeNotFound {
			t.Fatalf("BlobInfo after delete: %v", err)
		}
		if list, _ := s.Blobs(ctx, b.ID); len(list) != 1 || list[0].SHA256 != keep.SHA256 {
			t.Fatalf("Blobs after delete: %+v, want the other one", list)
		}
		if keys := keysOf(t, s, info.SHA256); len(keys) > 0 {
			t.Fatalf("the deleted blob left %v behind", keys)
		}
		if err := s.DeleteBlob(ctx, b.ID, info.SHA256); err != nil {
			t.Fatalf("deleting it again: %v", err)
		}
		if err := s.DeleteBlob(ctx, "00000000-0000-4000-8000-000000000000", info.SHA256); err != nil {
			t.Fatalf("deleting on an unknown board: %v", err)
		}
		if reopen != nil {
			s = reopen(t, s)
			if _, _, err := s.Blob(ctx, b.ID, keep.SHA256); err != nil {
				t.Fatalf("the kept blob after reopening: %v", err)
			}
		}
	})
}

// testStoreBlobCollection is the conformance suite of what the collector
// of unreferenced blobs and the deletion of boards use.
func testStoreBlobCollection(t *testing.T, open func(t *testing.T) board.Store, values func(t *testing.T, s board.Store) map[string]int64) {
	ctx := context.Background()
	put := func(t *testing.T, s board.Store, id string, data []byte) board.BlobInfo {
		t.Helper()
		info, _, err := s.PutBlob(ctx, id, blobInfoOf(data), data, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		return info
	}

	t.Run("a conditional delete spares bytes uploaded again since its cutoff", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		data := randomBytes(t, 700<<10)
		put(t, s, b.ID, data)
		time.Sleep(5 * time.Millisecond)
		cutoff := time.Now()
		time.Sleep(5 * time.Millisecond)
		info := put(t, s, b.ID, data) // renewed after the cutoff
		if deleted, err := s.DeleteBlobBefore(ctx, b.ID, info.SHA256, cutoff); err != nil || deleted {
			t.Fatalf("DeleteBlobBefore a cutoff older than the renewal: deleted %v, %v; want kept", deleted, err)
		}
		if _, _, err := s.Blob(ctx, b.ID, info.SHA256); err != nil {
			t.Fatalf("the renewed blob: %v", err)
		}
		if deleted, err := s.DeleteBlobBefore(ctx, b.ID, info.SHA256, time.Now().Add(time.Second)); err != nil || !deleted {
			t.Fatalf("DeleteBlobBefore a later cutoff: deleted %v, %v; want deleted", deleted, err)
		}
		if _, _, err := s.Blob(ctx, b.ID, info.SHA256); board.ErrorCode(err) != board.CodeNotFound {
			t.Fatalf("after the delete: %v", err)
		}
		if deleted, err := s.DeleteBlobBefore(ctx, b.ID, info.SHA256, time.Now()); err != nil || deleted {
			t.Fatalf("deleting it again: %v, %v", deleted, err)
		}
	})

	t.Run("boards with blobs page in id order; DeleteBlobs empties one", func(t *testing.T) {
		s := open(t)
		var ids []string
		var shas []string
		for range 3 {
			b := createdBoard(t, s)
			ids = append(ids, b.ID)
			shas = append(shas, put(t, s, b.ID, randomBytes(t, 600<<10)).SHA256)
		}
		createdBoard(t, s) // a board without blobs is not listed
		sorted := slices.Clone(ids)
		slices.Sort(sorted)
		if got, err := s.BlobBoards(ctx, "", 2); err != nil || !slices.Equal(got, sorted[:2]) {
			t.Fatalf("BlobBoards from the start: %v, %v; want %v", got, err, sorted[:2])
		}
		if got, err := s.BlobBoards(ctx, sorted[1], 2); err != nil || !slices.Equal(got, sorted[2:]) {
			t.Fatalf("BlobBoards after %s: %v, %v; want %v", sorted[1], got, err, sorted[2:])
		}
		if err := s.DeleteBlobs(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		if list, err := s.Blobs(ctx, ids[0]); err != nil || len(list) != 0 {
			t.Fatalf("Blobs after DeleteBlobs: %v, %v", list, err)
		}
		if _, _, err := s.Blob(ctx, ids[0], shas[0]); board.ErrorCode(err) != board.CodeNotFound {
			t.Fatalf("a blob after DeleteBlobs: %v", err)
		}
		if got, _ := s.BlobBoards(ctx, "", 10); slices.Contains(got, ids[0]) || len(got) != 2 {
			t.Fatalf("BlobBoards after DeleteBlobs of %s: %v", ids[0], got)
		}
		if values != nil {
			for k := range values(t, s) {
				if strings.Contains(k, ids[0]) && strings.Contains(k, "blob") {
					t.Errorf("DeleteBlobs left %s", k)
				}
			}
		}
		if _, _, err := s.Blob(ctx, ids[1], shas[1]); err != nil {
			t.Fatalf("another board's blob after DeleteBlobs: %v", err)
		}
		if err := s.DeleteBlobs(ctx, ids[0]); err != nil {
			t.Fatalf("DeleteBlobs again: %v", err)
		}
	})
}

// createdBoard creates a new board in s.
func createdBoard(t *testing.T, s board.Store) board.Board {
	t.Helper()
	b := mustNewBoard(t, "blobs")
	if err := s.CreateBoard(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b
}

// blobInfoOf describes data as an upload's inspection would (a 3×2 PNG:
// the store takes the caller's word for what the bytes are).
func blobInfoOf(data []byte) board.BlobInfo {
	sum := sha256.Sum256(data)
	return board.BlobInfo{SHA256: hex.EncodeToString(sum[:]), MIME: "image/png", Size: int64(len(data)), Width: 3, Height: 2}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}
