package board

import (
	"fmt"
	"strings"
	"testing"
)

// A stroke of 200 points: a typical freehand line.
func strokeMessage() []byte {
	pts := make([]string, 200)
	for i := range pts {
		pts[i] = fmt.Sprintf("[%d.5,%d.25]", i, i/2)
	}
	return []byte(`{"type":"ops","ref":"c-1","ops":[{"op":"put","el":{"id":"el-1","kind":"stroke","x":10,"y":20,"points":[` +
		strings.Join(pts, ",") + `],"stroke":"#1e1e1e","width":2,"z":"a0"}}]}`)
}

func BenchmarkDecodeOpsStroke(b *testing.B) {
	msg := strokeMessage()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := DecodeOps(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapshotApply(b *testing.B) {
	s := NewSnapshot("")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		s.Apply(&OpsMessage{Seq: uint64(i), Ops: []Op{{Op: OpPut, El: &Element{ID: fmt.Sprint(i % 10000), Kind: KindRect}}}})
	}
}

func BenchmarkSnapshotSorted10k(b *testing.B) {
	s := NewSnapshot("")
	for i := range 10000 {
		s.Apply(&OpsMessage{Seq: uint64(i + 1), Ops: []Op{{Op: OpPut, El: &Element{ID: fmt.Sprint(i), Kind: KindRect, Z: fmt.Sprintf("a%05d", i%997)}}}})
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Sorted()
	}
}
