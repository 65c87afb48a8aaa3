package session

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/easel-app/easel/board"
)

// benchStroke is a stroke of n points, as a pen drafts it.
func benchStroke(id string, n int) board.Element {
	el := board.Element{ID: id, Kind: board.KindStroke, X: 100, Y: 200, Stroke: "#1e1e1e", Width: 2, Z: "a0"}
	for i := range n {
		el.Points = append(el.Points, [2]float64{float64(i) * 1.5, float64(i%17) * 0.25})
	}
	return el
}

// BenchmarkPresenceTick is BenchmarkCursorTick with every member also
// drafting a growing stroke (200 points, the S2 variant): the
// drafts recorded, encoded once each at the tick, published with the
// cursors and delivered in the same frame. ns/update is per delivered
// entry (cursor positions and drafts together), to compare with
// BenchmarkCursorTick's ns/position.
func BenchmarkPresenceTick(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			br := newBenchRoom(b, n)
			strokes := make([]board.Element, n)
			for i, m := range br.members {
				strokes[i] = benchStroke(m.peer.ID, 200)
			}
			b.ReportAllocs()
			step := 0
			for b.Loop() {
				br.moveAll(step)
				for i, m := range br.members {
					el := strokes[i]
					el.Points = el.Points[:190+step%10] // growing, a new element each time
					m.draftGen++
					br.r.changePresence(m, func(p *roomPresence, peer string) {
						p.localDrafts[peer] = localDraft{peer: peer, gen: m.draftGen, el: &el}
					})
				}
				br.r.tick()
				br.sent()
				step++
			}
			if br.frames != b.N*n {
				b.Fatalf("%d frames over %d ticks, want one per member per tick (%d)", br.frames, b.N, n)
			}
			updates := 2 * float64(b.N) * float64(n*(n-1))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/updates, "ns/update")
			b.ReportMetric(float64(br.bytes)/float64(b.N), "wireB/tick")
		})
	}
}

// BenchmarkDraftDecode measures what one draft costs its node on arrival:
// decoding the line and validating the element as an ops element is. The
// connection's budgets bound how many a client may send (CursorRate
// messages, BytesRate bytes per second), so MB/s here prices a flood.
// "client" lines are what the bundled client sends ({"type":"draft","el":
// …}, fastDraft's shape); "other" puts el first, which only the general
// path reads.
func BenchmarkDraftDecode(b *testing.B) {
	for _, c := range []struct {
		shape  string
		points int
	}{{"client", 200}, {"client", board.MaxPoints}, {"other", 200}} {
		b.Run(fmt.Sprintf("%s/points=%d", c.shape, c.points), func(b *testing.B) {
			el, _ := json.Marshal(benchStroke("s-1", c.points))
			line := []byte(`{"type":"draft","el":` + string(el) + `}`)
			if c.shape == "other" {
				line = []byte(`{"el":` + string(el) + `,"type":"draft"}`)
			}
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				msg, err := decodeLine(line)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := draftElement(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDraftEncode measures encoding one member's draft for a tick's
// publish as a pen grows it (one point more each time, up to 200 points,
// then a new stroke, as S10): through the draft encoder, which writes only
// the new points, and through json.Marshal, which writes them all.
func BenchmarkDraftEncode(b *testing.B) {
	stroke := benchStroke("s-1", 200)
	for _, via := range []string{"encoder", "json.Marshal"} {
		b.Run(via, func(b *testing.B) {
			var e draftEncoder
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				el := stroke
				el.Points = stroke.Points[:n%200+1]
				if via == "encoder" {
					e.encodeDrafts([]localDraft{{peer: "p", gen: 1, el: &el}})
				} else {
					encode(&el)
				}
				n++
			}
		})
	}
}
