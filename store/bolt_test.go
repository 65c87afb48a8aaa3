package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

func TestBoltConformance(t *testing.T) {
	dirs := map[board.Store]string{}
	opts := Options{CompactEvery: 10, Retain: 5}
	var reopenWith func(t *testing.T, s board.Store, opts Options) board.Store
	openWith := func(t *testing.T, opts Options) *Bolt {
		dir := t.TempDir()
		s, err := OpenBoltWith(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Check(); err != nil && !errors.Is(err, bolt.ErrDatabaseNotOpen) {
				t.Errorf("integrity at the end of the test: %v", err)
			}
			s.Close()
		})
		dirs[s] = dir
		return s
	}
	open := func(t *testing.T) board.Store { return openWith(t, opts) }
	reopen := func(t *testing.T, s board.Store) board.Store { return reopenWith(t, s, opts) }
	reopenWith = func(t *testing.T, s board.Store, opts Options) board.Store {
		dir := dirs[s]
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		again, err := OpenBoltWith(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { again.Close() })
		if err := again.Check(); err != nil {
			t.Fatal(err)
		}
		return again
	}
	testStore(t, open, reopen)
	testStoreOps(t, open, reopen)
	testStoreBlobs(t, open, reopen, nil)
	testStoreBlobCollection(t, open, nil)
	testStoreHistory(t, func(t *testing.T, opts Options) board.Store { return openWith(t, opts) }, reopenWith)
	testStoreDelete(t, open, reopen, boltDeleteProbe)
	testStoreLogBytes(t, func(t *testing.T, opts Options) (board.Store, func() int64) {
		s := openWith(t, opts)
		return s, func() int64 {
			fi, err := os.Stat(filepath.Join(dirs[s], BoltFile))
			if err != nil {
				t.Fatal(err)
			}
			return fi.Size()
		}
	})
}

func TestBoltRefusesSecondOpener(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if second, err := OpenBolt(dir); err == nil {
		second.Close()
		t.Fatal("a second OpenBolt on a held file succeeded; two processes would share one store")
	}
}
