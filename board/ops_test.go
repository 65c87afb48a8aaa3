package board

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
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

// The fields of "Elements: more kinds and styles": each accepted where the
// contract allows it, and decoded to what the Element holds.
func TestDecodeOpsAcceptsNewElementFields(t *testing.T) {
	label := strings.Repeat("é", MaxText)
	for _, test := range []struct {
		name, el string
		want     Element
	}{
		{"diamond", `{"id":"d","kind":"diamond","w":10,"h":20,"fill":null}`, Element{ID: "d", Kind: KindDiamond, W: 10, H: 20}},
		{"dash dashed on a rect", `{"id":"r","kind":"rect","dash":"dashed"}`, Element{ID: "r", Kind: KindRect, Dash: DashDashed}},
		{"dash dotted on a stroke", `{"id":"s","kind":"stroke","points":[[0,0]],"dash":"dotted"}`, Element{ID: "s", Kind: KindStroke, Points: [][2]float64{{0, 0}}, Dash: DashDotted}},
		{"dash solid is the default", `{"id":"r","kind":"ellipse","dash":"solid"}`, Element{ID: "r", Kind: KindEllipse}},
		{"dash solid on text", `{"id":"t","kind":"text","dash":"solid"}`, Element{ID: "t", Kind: KindText}},
		{"round rect", `{"id":"r","kind":"rect","round":true}`, Element{ID: "r", Kind: KindRect, Round: true}},
		{"round diamond", `{"id":"d","kind":"diamond","round":true}`, Element{ID: "d", Kind: KindDiamond, Round: true}},
		{"round false anywhere", `{"id":"e","kind":"ellipse","round":false}`, Element{ID: "e", Kind: KindEllipse}},
		{"label on a rect", `{"id":"r","kind":"rect","text":"hi"}`, Element{ID: "r", Kind: KindRect, Text: "hi"}},
		{"label on an ellipse", `{"id":"e","kind":"ellipse","text":"hi","font":20}`, Element{ID: "e", Kind: KindEllipse, Text: "hi", Font: 20}},
		{"4000-char label on a diamond", `{"id":"d","kind":"diamond","text":"` + label + `"}`, Element{ID: "d", Kind: KindDiamond, Text: label}},
		{"bound arrow", `{"id":"a","kind":"arrow","points":[[0,0],[1,1]],"start":{"id":"r"},"end":{"id":"` + strings.Repeat("é", 64) + `"}}`,
			Element{ID: "a", Kind: KindArrow, Points: [][2]float64{{0, 0}, {1, 1}}, Start: &Binding{ID: "r"}, End: &Binding{ID: strings.Repeat("é", 64)}}},
		{"bound line, null end", `{"id":"l","kind":"line","points":[[0,0]],"start":{"id":"r","future":1},"end":null}`,
			Element{ID: "l", Kind: KindLine, Points: [][2]float64{{0, 0}}, Start: &Binding{ID: "r"}}},
		{"null start on a rect", `{"id":"r","kind":"rect","start":null}`, Element{ID: "r", Kind: KindRect}},
		{"group and locked", `{"id":"k","kind":"sticky","group":"g-1","locked":true}`, Element{ID: "k", Kind: KindSticky, Group: "g-1", Locked: true}},
		{"locked false", `{"id":"k","kind":"sticky","locked":false}`, Element{ID: "k", Kind: KindSticky}},
	} {
		t.Run(test.name, func(t *testing.T) {
			msg := `{"type":"ops","ref":"r","ops":[{"op":"put","el":` + test.el + `}]}`
			_, ops, err := DecodeOps([]byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*ops[0].El, test.want) {
				t.Fatalf("decoded %+v, want %+v", *ops[0].El, test.want)
			}
			if got, want := ElementBytes(ops[0].El), mustMarshalLen(t, ops[0].El)+1; got != want {
				t.Fatalf("ElementBytes %d, encoding is %d+1", got, want-1)
			}
		})
	}
}

// Elements without the new fields encode exactly as before they existed.
func TestOldElementsEncodeUnchanged(t *testing.T) {
	el := `{"id":"r","kind":"rect","x":1,"y":2,"w":3,"h":4,"rot":0,"stroke":"#1e1e1e","fill":null,"width":2,"z":"a0"}`
	_, ops, err := DecodeOps([]byte(`{"ref":"r","ops":[{"op":"put","el":` + el + `}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(ops[0].El); string(got) != el {
		t.Fatalf("encoded %s, want %s", got, el)
	}
}

func mustMarshalLen(t *testing.T, e *Element) int64 {
	t.Helper()
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return int64(len(data))
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
		{"text on a line", put(`{"id":"x","kind":"line","points":[[0,0]],"text":"hi"}`), "text"},
		{"4001-char label on a diamond", put(`{"id":"x","kind":"diamond","text":"` + strings.Repeat("é", 4001) + `"}`), "4001"},
		{"image without src", put(`{"id":"x","kind":"image","w":10,"h":10}`), "ops[0].el.src is missing"},
		{"image src not a blob", put(`{"id":"x","kind":"image","w":10,"h":10,"src":"https://example.com/a.png"}`), "ops[0].el.src must be"},
		{"image src upper-case hex", put(`{"id":"x","kind":"image","src":"blob:` + strings.Repeat("A", 64) + `"}`), "ops[0].el.src must be"},
		{"src on a rect", put(`{"id":"x","kind":"rect","src":"blob:` + strings.Repeat("a", 64) + `"}`), "ops[0].el.src is only for image"},
		{"unknown dash", put(`{"id":"x","kind":"rect","dash":"wavy"}`), "ops[0].el.dash"},
		{"dash not a string", put(`{"id":"x","kind":"rect","dash":true}`), "dash"},
		{"dash on text", put(`{"id":"x","kind":"text","text":"a","dash":"dashed"}`), "ops[0].el.dash"},
		{"dash on a sticky", put(`{"id":"x","kind":"sticky","dash":"dotted"}`), "ops[0].el.dash"},
		{"round on an ellipse", put(`{"id":"x","kind":"ellipse","round":true}`), "ops[0].el.round"},
		{"round on an arrow", put(`{"id":"x","kind":"arrow","points":[[0,0]],"round":true}`), "ops[0].el.round"},
		{"round not a bool", put(`{"id":"x","kind":"rect","round":"yes"}`), "round"},
		{"start on a rect", put(`{"id":"x","kind":"rect","start":{"id":"b"}}`), "ops[0].el.start"},
		{"end on a stroke", put(`{"id":"x","kind":"stroke","points":[[0,0]],"end":{"id":"b"}}`), "ops[0].el.end"},
		{"start a string", put(`{"id":"x","kind":"arrow","points":[[0,0]],"start":"b"}`), "ops[0].el.start.id"},
		{"start without id", put(`{"id":"x","kind":"arrow","points":[[0,0]],"start":{}}`), "ops[0].el.start.id"},
		{"start empty id", put(`{"id":"x","kind":"line","points":[[0,0]],"start":{"id":""}}`), "ops[0].el.start.id"},
		{"start id a number", put(`{"id":"x","kind":"line","points":[[0,0]],"start":{"id":7}}`), "ops[0].el.start.id"},
		{"end id too long", put(`{"id":"x","kind":"arrow","points":[[0,0]],"end":{"id":"` + strings.Repeat("i", 65) + `"}}`), "ops[0].el.end.id"},
		{"empty group", put(`{"id":"x","kind":"rect","group":""}`), "ops[0].el.group"},
		{"group too long", put(`{"id":"x","kind":"rect","group":"` + strings.Repeat("g", 65) + `"}`), "ops[0].el.group"},
		{"group not a string", put(`{"id":"x","kind":"rect","group":3}`), "group"},
		{"locked not a bool", put(`{"id":"x","kind":"rect","locked":1}`), "locked"},
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
		`{"type":"ops","ref":"c-4","ops":[{"op":"put","el":{"id":"d","kind":"diamond","w":9,"h":9,"round":true,"dash":"dotted","text":"<ok>","group":"g","locked":true}}]}`,
		`{"type":"ops","ref":"c-5","ops":[{"op":"put","el":{"id":"a","kind":"arrow","points":[[0,0],[5,5]],"dash":"dashed","start":{"id":"d"},"end":{"id":"e\u2028"}}}]}`,
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
		_, back, err := DecodeOps(again)
		if err != nil {
			t.Fatalf("accepted ops re-encode into a rejected message: %v\n%s", err, again)
		}
		// ...and decodes to the very same ops, every field included, whose
		// counted size is the encoded size.
		if !reflect.DeepEqual(back, ops) {
			t.Fatalf("round trip changed the ops:\n%s", again)
		}
		for _, op := range ops {
			if op.Op == OpPut {
				if got, want := ElementBytes(op.El), mustMarshalLen(t, op.El)+1; got != want {
					t.Fatalf("ElementBytes %d, encoding is %d+1: %+v", got, want-1, op.El)
				}
			}
		}
	})
}
