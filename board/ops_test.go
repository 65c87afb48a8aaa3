package board

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeOpsAcceptsEveryKind(t *testing.T) {
	msg := `{"type":"ops","ref":"c1-1","ops":[
		{"op":"put","el":{"id":"s","kind":"stroke","x":1,"y":2,"points":[[0,0],[4.5,2]],"stroke":"#1e1e1e","width":2,"z":"a0"}},
		{"op":"put","el":{"id":"r","kind":"rect","x":0,"y":0,"w":120,"h":80,"rot":0,"fill":null,"z":"a1"}},
		{"op":"put","el":{"id":"e","kind":"ellipse","w":10,"h":10,"fill":"#ffd43b","z":"a2"}},
		{"op":"put","el":{"id":"l","kind":"line","points":[[0,0],[10,10]],"z":"a3"}},
		{"op":"put","el":{"id":"a","kind":"arrow","points":[[0,0],[10,10]],"z":"a4"}},
		{"op":"put","el":{"id":"t","kind":"text","text":"hello","font":16,"z":"a5","future":"ignored"}},
		{"op":"put","el":{"id":"k","kind":"sticky","text":"note","fill":"#ffd43b","z":"a6"}},
		{"op":"del","id":"gone"},
		{"op":"title","title":"Retro"}
	]}`
	ref, ops, err := DecodeOps([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if ref != "c1-1" || len(ops) != 9 {
		t.Fatalf("ref %q, %d ops", ref, len(ops))
	}
	if ops[0].El.Points[1] != [2]float64{4.5, 2} || ops[1].El.Fill != nil || *ops[2].El.Fill != "#ffd43b" {
		t.Fatalf("decoded elements wrong: %+v %+v %+v", ops[0].El, ops[1].El, ops[2].El)
	}
	s := NewSnapshot("Untitled")
	s.Apply(&OpsMessage{Seq: 1, Ops: ops})
	if len(s.Elements) != 7 || s.Title != "Retro" || s.Seq != 1 {
		t.Fatalf("snapshot after apply: %d elements, title %q, seq %d", len(s.Elements), s.Title, s.Seq)
	}
}

// Acceptance 5: invalid input of every kind is a bad_request that names
// the problem.
func TestDecodeOpsRejectsInvalidInput(t *testing.T) {
	put := func(el string) string { return `{"type":"ops","ref":"r","ops":[{"op":"put","el":` + el + `}]}` }
	points := func(n int) string {
		p := make([]string, n)
		for i := range p {
			p[i] = "[1,2]"
		}
		return "[" + strings.Join(p, ",") + "]"
	}
	manyOps := make([]string, 501)
	for i := range manyOps {
		manyOps[i] = `{"op":"del","id":"x"}`
	}
	for _, test := range []struct{ name, msg, mention string }{
		{"missing ref", `{"type":"ops","ops":[{"op":"del","id":"x"}]}`, "ref"},
		{"empty ref", `{"type":"ops","ref":"","ops":[{"op":"del","id":"x"}]}`, "ref"},
		{"ref too long", `{"type":"ops","ref":"` + strings.Repeat("r", 65) + `","ops":[{"op":"del","id":"x"}]}`, "ref"},
		{"ref not a string", `{"type":"ops","ref":7,"ops":[{"op":"del","id":"x"}]}`, "ref"},
		{"no ops", `{"type":"ops","ref":"r"}`, "ops"},
		{"empty ops", `{"type":"ops","ref":"r","ops":[]}`, "at least one"},
		{"501 ops", `{"type":"ops","ref":"r","ops":[` + strings.Join(manyOps, ",") + `]}`, "501"},
		{"ops not an array", `{"type":"ops","ref":"r","ops":{"op":"del"}}`, "ops"},
		{"unknown op", `{"type":"ops","ref":"r","ops":[{"op":"move","id":"x"}]}`, "move"},
		{"unknown kind", put(`{"id":"x","kind":"hexagon"}`), "hexagon"},
		{"missing kind", put(`{"id":"x"}`), "kind"},
		{"missing id", put(`{"kind":"rect"}`), "id"},
		{"id too long", put(`{"id":"` + strings.Repeat("i", 65) + `","kind":"rect"}`), "id"},
		{"huge number", put(`{"id":"x","kind":"rect","x":1e400}`), "ops[0]"},
		{"coordinate out of range", put(`{"id":"x","kind":"rect","x":1e8}`), "x"},
		{"string for a number", put(`{"id":"x","kind":"rect","w":"wide"}`), "ops[0]"},
		{"5001 points", put(`{"id":"x","kind":"stroke","points":` + points(5001) + `}`), "5001"},
		{"point of three", put(`{"id":"x","kind":"stroke","points":[[1,2,3]]}`), "points[0]"},
		{"points on a rect", put(`{"id":"x","kind":"rect","points":[[1,2]]}`), "points"},
		{"4001-char text", put(`{"id":"x","kind":"text","text":"` + strings.Repeat("é", 4001) + `"}`), "4001"},
		{"text on a rect", put(`{"id":"x","kind":"rect","text":"hi"}`), "text"},
		{"bad stroke", put(`{"id":"x","kind":"rect","stroke":"red"}`), "stroke"},
		{"bad fill", put(`{"id":"x","kind":"rect","fill":"#12345"}`), "fill"},
		{"width too small", put(`{"id":"x","kind":"rect","width":0.1}`), "width"},
		{"width too big", put(`{"id":"x","kind":"rect","width":101}`), "width"},
		{"bad z", put(`{"id":"x","kind":"rect","z":"a 0"}`), "z"},
		{"font out of range", put(`{"id":"x","kind":"text","font":1000}`), "font"},
		{"title too long", `{"type":"ops","ref":"r","ops":[{"op":"title","title":"` + strings.Repeat("t", 121) + `"}]}`, "title"},
		{"empty title", `{"type":"ops","ref":"r","ops":[{"op":"title","title":""}]}`, "title"},
		{"del without id", `{"type":"ops","ref":"r","ops":[{"op":"del"}]}`, "id"},
		{"put without el", `{"type":"ops","ref":"r","ops":[{"op":"put"}]}`, "el"},
		{"one bad op among good", `{"type":"ops","ref":"r","ops":[{"op":"del","id":"a"},{"op":"put","el":{"id":"x","kind":"blob"}}]}`, "ops[1]"},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, ops, err := DecodeOps([]byte(test.msg))
			if err == nil {
				t.Fatalf("accepted: %+v", ops)
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeBadRequest {
				t.Fatalf("error %v is not bad_request", err)
			}
			if !strings.Contains(e.Message, test.mention) {
				t.Fatalf("message %q does not mention %q", e.Message, test.mention)
			}
			if ops != nil {
				t.Fatal("a rejected message returned ops")
			}
		})
	}
}

func TestSnapshotOrdersByZThenID(t *testing.T) {
	s := NewSnapshot("")
	var ops []Op
	for i, z := range []string{"a2", "a0", "a1", "a0"} {
		ops = append(ops, Op{Op: OpPut, El: &Element{ID: fmt.Sprint("e", 3-i), Kind: KindRect, Z: z}})
	}
	s.Apply(&OpsMessage{Seq: 1, Ops: ops})
	var got []string
	for _, e := range s.Sorted() {
		got = append(got, e.Z+"/"+e.ID)
	}
	if strings.Join(got, " ") != "a0/e0 a0/e2 a1/e1 a2/e3" {
		t.Fatalf("order = %v", got)
	}
}

// FuzzDecodeOps: whatever a client sends, decoding never panics, and what
// is accepted is within the limits and survives a JSON round trip.
func FuzzDecodeOps(f *testing.F) {
	for _, seed := range []string{
		`{"type":"ops","ref":"c-1","ops":[{"op":"put","el":{"id":"a","kind":"stroke","points":[[0,0],[1,1]],"z":"a0"}}]}`,
		`{"type":"ops","ref":"c-2","ops":[{"op":"del","id":"a"},{"op":"title","title":"T"}]}`,
		`{"type":"ops","ref":"c-3","ops":[{"op":"put","el":{"id":"t","kind":"text","text":"<b>","fill":null,"font":16}}]}`,
		`{"ref":1}`, `[]`, `{"ops":[null]}`, `{"ref":"r","ops":[{"op":"put","el":{"id":"x","kind":"rect","x":1e400}}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ref, ops, err := DecodeOps(data)
		if err != nil {
			if ErrorCode(err) != CodeBadRequest {
				t.Fatalf("error %v is not bad_request", err)
			}
			return
		}
		if ref == "" || len(ref) > 4*MaxRefLen || len(ops) == 0 || len(ops) > MaxOpsPerMsg {
			t.Fatalf("accepted ref %q with %d ops", ref, len(ops))
		}
		for _, op := range ops {
			if op.Op == OpPut {
				if len(op.El.Points) > MaxPoints || !ValidCoordinate(op.El.X) || !ValidCoordinate(op.El.Y) {
					t.Fatalf("accepted out-of-limit element %+v", op.El)
				}
			}
		}
		// What was accepted re-encodes into a message that is accepted again.
		again, err := json.Marshal(map[string]any{"type": "ops", "ref": ref, "ops": ops})
		if err != nil {
			t.Fatalf("accepted ops do not encode: %v", err)
		}
		if _, _, err := DecodeOps(again); err != nil {
			t.Fatalf("accepted ops re-encode into a rejected message: %v\n%s", err, again)
		}
	})
}
