package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CheckBoltFile verifies the store file at path before the store opens it
// for writing, so that a truncated or partly overwritten file refuses to
// start instead of serving damaged boards one by one while writes go on
// into it. It checks, read-only: that the file is as long as its pages
// reach (a truncated file would otherwise fault when a page past its end is
// read), that every bucket, key and value can be walked, bbolt's own page
// check (tx.Check), and Easel's invariants on every board (Check). A file
// that does not exist yet is fine. It gives up after budget, with an error
// that says so: the caller decides (main refuses to start, and --skip-check
// bypasses the check for files too large to check at every start).
func CheckBoltFile(path string, budget time.Duration) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- checkBoltFile(path, info.Size()) }()
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return fmt.Errorf("the check did not finish within %v (file of %d MiB)", budget, info.Size()>>20)
	}
}

// checkBoltFile runs on a goroutine of its own, which faults on a damaged
// page become panics for (instead of killing the process), recovered here.
func checkBoltFile(path string, size int64) (err error) {
	debug.SetPanicOnFault(true)
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("reading the file failed: %v", v)
		}
	}()
	// Read-only: no freelist is loaded (tx.Check loads it, once the file's
	// length is known to cover the pages its meta page names).
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		if reach := tx.Size(); reach > size {
			return fmt.Errorf("truncated: the file has %d bytes, its pages reach %d", size, reach)
		}
		// Walking everything here first means bbolt's check (on a
		// goroutine of its own, where a fault would be fatal) only reads
		// pages already read safely.
		if err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walkBucket(b) }); err != nil {
			return err
		}
		if err := pageCheck(tx); err != nil {
			return err
		}
		return checkBoards(tx)
	})
}

// walkBucket reads every key and value of b and of its nested buckets.
func walkBucket(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if nested := b.Bucket(k); nested != nil {
				return walkBucket(nested)
			}
		}
		return nil
	})
}

// pageCheck runs bbolt's consistency check to its end (its goroutine must
// not be left blocked on the channel) and reports the first problem, and
// how many more there were.
func pageCheck(tx *bolt.Tx) error {
	var first error
	more := 0
	for err := range tx.Check() {
		if first == nil {
			first = err
		} else {
			more++
		}
	}
	if first != nil && more > 0 {
		return fmt.Errorf("%w (and %d more problems)", first, more)
	}
	return first
}
