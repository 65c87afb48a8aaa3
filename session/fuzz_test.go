package session

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/easel-app/easel/transfers"
)

// FuzzClientFrame feeds arbitrary client frames through the read path's
// decoding: splitting into lines and decoding each. It must never panic,
// and its verdicts must agree with what the protocol promises: a line that
// is not JSON is errNotJSON (close 1007); a decoded message has a type.
func FuzzClientFrame(f *testing.F) {
	for _, seed := range []string{
		`{"type":"hello","name":"a","color":"#000000","since":{"epoch":"e","seq":3}}`,
		`{"type":"cursor","x":1,"y":2}` + "\n" + `{"type":"cursor","gone":true}`,
		`{"type":"ops","ref":"r","ops":[{"op":"del","id":"x"}]}`,
		`{"type":"export","ref":"r","format":"png","scale":2}`,
		`{"type":"export.resume","id":"7c6f0a36-4a4b-4c3e-9d1e-3f1e8b0c2d4a","offset":131072}`,
		`{"type":"export.ack","id":"x","offset":-1}`,
		"\n\n \t\n",
		`[1,2]`,
		`{"type":5}`,
		"{\"type\":\"cursor\",\"x\":\xff}",
	} {
		f.Add([]byte(seed))
	}
	f.Add([]byte(`{"type":"cursor","x":-0.5e+3,"y":1E2}`))
	f.Add([]byte(`{"type":"cursor","x":1e400,"y":0}`))
	f.Add([]byte(`{"type":"cursor","x":01,"y":0}`))
	f.Add([]byte(`{"type":"cursor","x":3,"y":-4.5,"laser":true}`))
	f.Add([]byte(`{"type":"cursor","x":3,"y":4,"laser":false}`))
	f.Add([]byte(`{"type":"draft","el":{"id":"a","kind":"stroke","points":[[0,0],[1,1]]}}`))
	f.Add([]byte(`{"type":"draft","el":{"id":"a","kind":"stroke","x":1,"y":2,"w":3,"h":4,"rot":0,"points":[[0,0],[1.5,-2e1]],"stroke":"#1e1e1e","fill":null,"width":2,"z":"a0"}}`))
	f.Add([]byte(`{"type":"draft","el":{"id":"a","kind":"arrow","points":[[0,0],[1,1]],"start":{"id":"b"}} }`))
	f.Add([]byte(`{"type":"draft","el":{"id":"a","kind":"stroke","points":[[0,0]]}}}`))
	f.Add([]byte(`{"type":"draft","el":null}`))
	f.Add([]byte(`{"type":"draft","el":{"id":"a","kind":"stroke","points":[[0,0,1]]}}`))
	f.Add([]byte(`{"type":"view","x":0,"y":0,"w":800,"h":600}` + "\n" + `{"type":"chat","text":"hi"}` + "\n" + `{"type":"react","emoji":"👍"}` + "\n" + `{"type":"summon"}`))
	f.Fuzz(func(t *testing.T, frame []byte) {
		// The hand-written cursor decoder agrees with encoding/json on
		// every line it accepts.
		if x, y, laser, ok := fastCursor(frame); ok {
			var slow inbound
			if !json.Valid(frame) || json.Unmarshal(frame, &slow) != nil || slow.Type != "cursor" ||
				slow.X == nil || slow.Y == nil || *slow.X != x || *slow.Y != y || slow.Gone || slow.Laser != laser {
				t.Fatalf("fastCursor(%q) = %v, %v, %v; encoding/json disagrees", frame, x, y, laser)
			}
		}
		// The hand-written draft path agrees with the general one on every
		// line it accepts: the same element, every field.
		if el, ok := fastDraft(frame); ok {
			slow, err := decodeAny(frame)
			if err != nil || slow.Type != "draft" || slow.draft != nil {
				t.Fatalf("fastDraft(%q) accepted; the general path says %+v, %v", frame, slow, err)
			}
			want, err := draftElement(slow)
			if err != nil || !reflect.DeepEqual(*el, want) {
				t.Fatalf("fastDraft(%q) = %+v; the general path gives %+v, %v", frame, *el, want, err)
			}
		}
		splitLines(frame, func(line []byte) bool {
			if len(line) == 0 || bytes.IndexByte(line, '\n') >= 0 {
				t.Fatalf("splitLines gave %q", line)
			}
			msg, err := decodeLine(line)
			switch {
			case err == errNotJSON:
				if json.Valid(line) {
					t.Fatalf("valid JSON %q reported as not JSON", line)
				}
			case err != nil:
				if !json.Valid(line) {
					t.Fatalf("invalid JSON %q not reported as such", line)
				}
			case msg.Type == "":
				t.Fatalf("%q decoded without a type", line)
			}
			return true
		})
	})
}

// FuzzExportResume drives one download through an arbitrary resume offset
// and arbitrary acks (negative, past the end, going backwards, repeated),
// as a client's export.resume and export.ack messages would. Whatever the
// client says, the chunks sent are contiguous from the resume offset, carry
// the file's own bytes, never run more than a window ahead of the acks,
// and end with export.done exactly at the file's end.
func FuzzExportResume(f *testing.F) {
	f.Add([]byte("some rendered file bytes, long enough for several chunks"), int64(0), []byte{})
	f.Add([]byte("0123456789"), int64(10), []byte{0, 0, 0, 0, 0, 0, 0, 5})
	f.Add([]byte("abcdefghijklmnopqrstuvwxyz"), int64(7), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 30})
	f.Add([]byte{}, int64(0), []byte{1})
	f.Fuzz(func(t *testing.T, data []byte, offset int64, acks []byte) {
		if len(data) > 4096 {
			return
		}
		// A transfer held in memory, as every transfers.Store keeps small files.
		tr := &transfers.Transfer{BoardID: "b", Ref: "r"}
		tr.Stamp(data, time.Now(), time.Minute)
		// The resume check of Member.exportResume.
		if offset < 0 || offset > tr.Size {
			return
		}
		const window, chunk = 24, 10
		d := &downloads{window: window, chunk: chunk}
		d.start(tr, offset)
		pos, acked := offset, offset
		for steps := 0; ; steps++ {
			if steps > 10000 {
				t.Fatal("the download does not end")
			}
			frame, then := d.pull()
			if frame != nil {
				at := int64(binary.BigEndian.Uint64(frame[16:chunkHeader]))
				payload := frame[chunkHeader:]
				if at != pos {
					t.Fatalf("chunk at %d, want %d (contiguous from %d)", at, pos, offset)
				}
				if !bytes.Equal(payload, data[at:at+int64(len(payload))]) {
					t.Fatalf("chunk at %d does not hold the file's bytes", at)
				}
				pos += int64(len(payload))
				if pos-acked > window {
					t.Fatalf("%d bytes in flight, window %d", pos-acked, window)
				}
			}
			if then != nil {
				if !bytes.Contains(then, []byte(`"export.done"`)) {
					t.Fatalf("unexpected message %s", then)
				}
				if pos != tr.Size {
					t.Fatalf("export.done at %d of %d", pos, tr.Size)
				}
				return
			}
			if frame == nil {
				// Window closed: the client acks (what the fuzzer says,
				// then, so that it ends, everything it holds).
				ack := pos
				if len(acks) >= 8 {
					ack = int64(binary.BigEndian.Uint64(acks))
					acks = acks[8:]
				}
				if ack >= 0 { // Member.exportAck refuses negative offsets
					d.ack(tr.ID, ack)
				}
				acked = max(acked, min(ack, pos))
			}
		}
	})
}
