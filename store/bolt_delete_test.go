package store

import (
	"bytes"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

// boltDeleteProbe sees into the bbolt file for the deletion suite.
var boltDeleteProbe = deleteProbe{
	leftovers: func(t *testing.T, s board.Store, b board.Board) []string {
		var found []string
		err := s.(*Bolt).db.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, bucket *bolt.Bucket) error {
				if bytes.Equal(name, bucketTombstones) {
					return nil
				}
				found = append(found, boltNaming(bucket, string(name), b)...)
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return found
	},
	forget: func(t *testing.T, s board.Store, id string) {
		err := s.(*Bolt).db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketTouched).Delete([]byte(id)) })
		if err != nil {
			t.Fatal(err)
		}
	},
}

// boltNaming lists the keys, nested buckets and values under bucket (at
// path) that contain one of b's ids.
func boltNaming(bucket *bolt.Bucket, path string, b board.Board) []string {
	names := func(p []byte) bool {
		return bytes.Contains(p, []byte(b.ID)) || bytes.Contains(p, []byte(b.ViewID))
	}
	var found []string
	bucket.ForEach(func(k, v []byte) error {
		at := path + "/" + string(k)
		if names(k) || names(v) {
			found = append(found, at)
		}
		if v == nil {
			found = append(found, boltNaming(bucket.Bucket(k), at, b)...)
		}
		return nil
	})
	return found
}
