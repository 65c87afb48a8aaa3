package transfers_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/transfers"
)

func TestDiskConformance(t *testing.T) {
	testStore(t, func(t *testing.T, ttl time.Duration) (transfers.Store, func() transfers.Store) {
		dir := t.TempDir()
		open := func() transfers.Store {
			s, err := transfers.OpenDisk(dir, ttl, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		return open(), open
	})
}

// Disk holds at most maxBytes of files: beyond, Add says unavailable (a
// client retries later) and stores nothing.
func TestDiskRefusesFilesBeyondItsBytes(t *testing.T) {
	dir := t.TempDir()
	s, err := transfers.OpenDisk(dir, time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	add(t, s, make([]byte, 60))
	err = s.Add(&transfers.Transfer{BoardID: "b"}, make([]byte, 41))
	if board.ErrorCode(err) != board.CodeUnavailable {
		t.Fatalf("Add past the limit: %v, want unavailable", err)
	}
	add(t, s, make([]byte, 40))
	if files, _ := filepath.Glob(filepath.Join(dir, "*.bin")); len(files) != 2 {
		t.Errorf("%d files on disk, want 2", len(files))
	}
}

// A file whose metadata does not match it (cut short) is not taken back
// when the store opens, and its metadata is removed.
func TestDiskOpenDropsTruncatedFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := transfers.OpenDisk(dir, time.Minute, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	kept, cut := add(t, s, []byte("kept whole")), add(t, s, []byte("to be cut short"))
	os.WriteFile(filepath.Join(dir, cut.ID+".bin"), []byte("cut"), 0o600)

	again, err := transfers.OpenDisk(dir, time.Minute, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := again.Get(kept.ID); !ok {
		t.Error("the whole file was not taken back")
	}
	if _, ok := again.Get(cut.ID); ok {
		t.Error("a truncated file was taken back")
	}
	if _, err := os.Stat(filepath.Join(dir, cut.ID+".json")); !os.IsNotExist(err) {
		t.Errorf("the truncated file's metadata is still there: %v", err)
	}
}

// RemoveBoard removes the board's files from the directory and gives
// their bytes back to the store's limit.
func TestDiskRemoveBoardFreesFilesAndBytes(t *testing.T) {
	dir := t.TempDir()
	s, err := transfers.OpenDisk(dir, time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	doomed := add(t, s, make([]byte, 60)) // of board "b"
	if err := s.RemoveBoard("b"); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, doomed.ID+".*")); len(files) != 0 {
		t.Errorf("files of the removed board left: %v", files)
	}
	if err := s.Add(&transfers.Transfer{BoardID: "c"}, make([]byte, 60)); err != nil {
		t.Fatalf("Add after the removal freed 60 of 100 bytes: %v", err)
	}
}
