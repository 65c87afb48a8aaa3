package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/store"
)

// Fault 6 of issue 10: a damaged easel.db used to start as ready. These
// tests damage a real file, written by the real store through the real
// program, and run the program on it.

// writeRealStore runs the program on dir and creates boards through its
// API until the file spans many pages.
func writeRealStore(t *testing.T, dir string) string {
	t.Helper()
	// Creation is not what is tested: lift the per-address budget.
	addr, stop := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", dir, "--create-rate", "0"}, nil)
	for range 300 {
		if status := postBoard(t, addr); status != http.StatusCreated {
			t.Fatalf("create board: %d", status)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, store.BoltFile)
}

// usedPageNearMiddle is the file offset of the branch or leaf page nearest
// the middle of the bbolt file at path.
func usedPageNearMiddle(t *testing.T, path string) int64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pageSize := db.Info().PageSize
	var offset int64 = -1
	err = db.View(func(tx *bolt.Tx) error {
		pages := int(tx.Size() / int64(pageSize))
		for d := 0; d < pages/2; d++ {
			for _, id := range []int{pages/2 - d, pages/2 + d} {
				info, err := tx.Page(id)
				if err != nil {
					return err
				}
				if info != nil && (info.Type == "leaf" || info.Type == "branch") {
					offset = int64(id) * int64(pageSize)
					return nil
				}
			}
		}
		return errors.New("no branch or leaf page")
	})
	if err != nil {
		t.Fatal(err)
	}
	return offset
}

// runOnce runs the program and expects it to refuse to start.
func runOnce(t *testing.T, args []string, env map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return run(ctx, args, func(k string) string { return env[k] }, io.Discard)
}

func TestDamagedStoreRefusesToStart(t *testing.T) {
	for _, damage := range []struct {
		name string
		do   func(t *testing.T, path string)
	}{
		{"truncated to half", func(t *testing.T, path string) {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"a page in the middle overwritten", func(t *testing.T, path string) {
			// A free page can hold anything: the page overwritten is one in
			// use, the nearest to the middle of the file (the layout differs
			// from run to run with the random board ids).
			offset := usedPageNearMiddle(t, path)
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			garbage := []byte(strings.Repeat("\xa5garbage", 4096/8))
			if _, err := f.WriteAt(garbage, offset); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(damage.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeRealStore(t, dir)
			damage.do(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			err = runOnce(t, []string{"--addr", "127.0.0.1:0", "--data", dir}, nil)
			if err == nil {
				t.Fatal("the program started on a damaged store")
			}
			msg := err.Error()
			for _, want := range []string{path, "bbolt check", "bbolt compact", "backup", "--skip-check"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the refusal does not mention %q:\n%s", want, msg)
				}
			}
			t.Logf("refused: %s", msg)
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Error("the refused start wrote into the damaged file")
			}
		})
	}
}

// TestSkipCheckStartsOnAStoreThatFailsItsCheck breaks one of Easel's own
// invariants (a board without its head) in a file bbolt still reads, so
// that starting it is safe: the check refuses, --skip-check and its
// environment twin start.
func TestSkipCheckStartsOnAStoreThatFailsItsCheck(t *testing.T) {
	dir := t.TempDir()
	path := writeRealStore(t, dir)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		heads := tx.Bucket([]byte("heads"))
		k, _ := heads.Cursor().First()
		return heads.Delete(k)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := runOnce(t, []string{"--addr", "127.0.0.1:0", "--data", dir}, nil); err == nil || !strings.Contains(err.Error(), "no head") {
		t.Fatalf("start on a board without its head: %v, want a refusal naming it", err)
	}
	_, stop := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", dir, "--skip-check"}, nil)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, stop = startRun(t, []string{"--addr", "127.0.0.1:0", "--data", dir}, map[string]string{"EASEL_SKIP_CHECK": "true"})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestReadyzFailsWhileTheDiskRefusesWrites runs the program on a small
// tmpfs, fills it, and requires /readyz to say 503 with the reason once a
// commit fails, then 200 again by itself once space is freed.
func TestReadyzFailsWhileTheDiskRefusesWrites(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=8m"); err != nil {
		t.Fatalf("mounting a tmpfs for a disk that fills up (needs root with CAP_SYS_ADMIN, as CI runs): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	dir := filepath.Join(mnt, "data")
	addr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", dir, "--create-rate", "0"}, nil)
	readyz := func() (int, string) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if code, body := readyz(); code != http.StatusOK {
		t.Fatalf("readyz before the disk filled: %d %s", code, body)
	}

	filler := filepath.Join(mnt, "filler")
	fill(t, filler)
	failed := false
	for range 500 {
		if postBoard(t, addr) != http.StatusCreated {
			failed = true
			break
		}
	}
	if !failed {
		t.Fatal("500 boards created on a full disk")
	}
	code, body := readyz()
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "disk refuses writes") {
		t.Fatalf("readyz while writes fail: %d %q, want 503 naming the disk", code, body)
	}
	t.Logf("readyz while the disk is full: %d %q", code, body)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := readyz()
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz still %d %q 10 s after space was freed", code, body)
		}
		time.Sleep(100 * time.Millisecond) // polling, as a load balancer does
	}
	if status := postBoard(t, addr); status != http.StatusCreated {
		t.Fatalf("create board after recovery: %d", status)
	}
}

// postBoard creates a board through the API and returns the status.
func postBoard(t *testing.T, addr string) int {
	t.Helper()
	res, err := http.Post("http://"+addr+"/api/boards", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// fill writes path until the filesystem is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for range 1 << 14 { // 1 GiB at most: far beyond the tmpfs
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("the tmpfs never filled")
}
