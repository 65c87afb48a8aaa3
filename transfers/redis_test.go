package transfers_test

import (
	"context"
	"testing"
	"time"

	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/internal/redistest"
	"github.com/easel-app/easel/transfers"
	"github.com/easel-app/easel/transfers/redistransfers"
)

func TestRedisConformance(t *testing.T) {
	testStore(t, func(t *testing.T, ttl time.Duration) (transfers.Store, func() transfers.Store) {
		rdb := redistest.Client(t)
		prefix := redistest.Prefix(t, rdb)
		return redistransfers.New(rdb, prefix, ttl), func() transfers.Store {
			// Another node: a client of its own, the same keys.
			return redistransfers.New(redistest.Client(t), prefix, ttl)
		}
	})
}

// TestRedisTransfersKeyEmbeddedFonts: an SVG with embedded fonts and one
// without, of the same board at the same seq, are two files in Redis too,
// and each request finds its own; a default SVG keeps its old index key.
func TestRedisTransfersKeyEmbeddedFonts(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t, rdb)
	rt := redistransfers.New(rdb, prefix, time.Minute)
	plain := &transfers.Transfer{BoardID: "b", Seq: 7, Format: export.SVG, Scale: 1}
	embed := &transfers.Transfer{BoardID: "b", Seq: 7, Format: export.SVG, Scale: 1, EmbedFonts: true}
	if err := rt.Add(plain, []byte("<svg/>")); err != nil {
		t.Fatal(err)
	}
	if err := rt.Add(embed, []byte("<svg><style/></svg>")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []*transfers.Transfer{plain, embed} {
		got, ok := rt.Find("b", 7, export.SVG, want.Options())
		if !ok || got.ID != want.ID || got.EmbedFonts != want.EmbedFonts {
			t.Errorf("Find embedFonts=%v: %+v %v, want transfer %s", want.EmbedFonts, got, ok, want.ID)
		}
	}
	if n, _ := rdb.Exists(context.Background(), prefix+"xfer-find:b:7:svg:1").Result(); n != 1 {
		t.Error("the default SVG's index key changed")
	}
}

// RemoveBoard leaves no key of the board's files behind: bytes, metadata,
// index entries and the board's set.
func TestRedisTransfersRemoveBoardLeavesNoKeys(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t, rdb)
	rt := redistransfers.New(rdb, prefix, time.Minute)
	for _, tr := range []*transfers.Transfer{
		{BoardID: "doomed", Seq: 1, Format: export.SVG, Scale: 1},
		{BoardID: "doomed", Seq: 2, Format: export.PNG, Scale: 2, Background: "#000000"},
	} {
		if err := rt.Add(tr, []byte("file")); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.RemoveBoard("doomed"); err != nil {
		t.Fatal(err)
	}
	if keys := redistest.Keys(t, rdb, prefix); len(keys) != 0 {
		t.Errorf("keys left after RemoveBoard: %v", keys)
	}
}
