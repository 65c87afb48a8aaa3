package loadgen

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// The drafts the generator sends must be valid elements, and the
// hand-written presence parser must read them back as the server
// re-encodes them (board.Element through encoding/json), including a
// cleared draft and a stroke that started anew.
func TestDraftsRoundTripThroughTheServersEncoding(t *testing.T) {
	clock := Clock{Start: time.Now().Add(-time.Second)}
	times := newDraftTimes(3, 4)
	// sent grows sender's stroke n times, as if sent 10 ms ago, and
	// returns the last draft's element as the server encodes it.
	sent := func(sender int, d *drafter, n int) json.RawMessage {
		t.Helper()
		var el json.RawMessage
		for range n {
			seq := d.grow(sender)
			times.record(sender, seq, time.Since(clock.Start)-10*time.Millisecond, len(d.points))
			var msg struct{ El json.RawMessage }
			if err := json.Unmarshal(d.msg, &msg); err != nil {
				t.Fatalf("draft is not JSON: %v: %s", err, d.msg)
			}
			e, err := board.DecodeElement(msg.El, "draft.el")
			if err != nil {
				t.Fatalf("the server would refuse the draft: %v: %s", err, msg.El)
			}
			el, _ = json.Marshal(e)
		}
		return el
	}
	a := sent(1, &drafter{times: times}, 3) // seq 2
	b := sent(2, &drafter{times: times}, 6) // a second stroke of 2 points: seq 5
	line := []byte(`{"type":"presence","drafts":[["p\"1",` + string(a) + `],["p2",` + string(b) + `],["p3",null]],"views":[["p1",0,0,10,10]]}`)

	r := &Member{Index: 0, clock: clock, draftTimes: times, LatestDraft: []int64{-1, -1, -1}}
	r.frame(line, time.Now())
	if r.Drafts != 2 {
		t.Fatalf("read %d drafts, want 2", r.Drafts)
	}
	if r.LatestDraft[1] != 2 || r.LatestDraft[2] != 5 {
		t.Fatalf("LatestDraft = %v, want [-1 2 5]", r.LatestDraft)
	}
	if n, q := r.DraftLatency.Count(), r.DraftLatency.Quantile(0.01); n != 2 || q < 9*time.Millisecond || q > time.Second {
		t.Fatalf("%d latency samples, smallest %v: want 2, of about 10 ms", n, q)
	}
}

// Every length a stroke grows through reads back as its own draft: the
// width the server re-encodes names the number of points.
func TestEveryDraftOfAStrokeReadsBack(t *testing.T) {
	clock := Clock{Start: time.Now().Add(-time.Second)}
	times := newDraftTimes(2, 200)
	d := &drafter{times: times}
	r := &Member{clock: clock, draftTimes: times, LatestDraft: []int64{-1, -1}}
	for want := int64(0); want < 450; want++ {
		seq := d.grow(1)
		times.record(1, seq, time.Since(clock.Start), len(d.points))
		var msg struct{ El json.RawMessage }
		json.Unmarshal(d.msg, &msg)
		e, err := board.DecodeElement(msg.El, "draft.el")
		if err != nil {
			t.Fatalf("draft %d refused: %v", want, err)
		}
		el, _ := json.Marshal(e)
		r.frame([]byte(`{"type":"presence","drafts":[["p",`+string(el)+`]]}`), time.Now())
		if seq != want || r.LatestDraft[1] != want {
			t.Fatalf("draft %d: sent as %d, read back as %d", want, seq, r.LatestDraft[1])
		}
	}
	// The server writes the points as the generator did, so a receiver
	// skips them by length and never scans them.
	if r.skippedPoints != 450 {
		t.Fatalf("%d of 450 drafts' points skipped by length", r.skippedPoints)
	}
}
