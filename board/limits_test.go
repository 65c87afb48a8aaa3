package board

import (
	"strings"
	"testing"
)

func rect(id string) *Element { return &Element{ID: id, Kind: KindRect, W: 10, H: 10} }

func put(e *Element) Op       { return Op{Op: OpPut, El: e} }
func del(id string) Op        { return Op{Op: OpDel, ID: id} }
func tooLarge(err error) bool { return err != nil && ErrorCode(err) == CodeTooLarge }

func TestCheckLimitsCountsElements(t *testing.T) {
	s := NewSnapshot("")
	s.Put(rect("a"))
	s.Put(rect("b"))
	l := Limits{MaxElements: 3, MaxBytes: 1 << 20}

	for _, test := range []struct {
		name    string
		ops     []Op
		refused bool
	}{
		{"one more fits", []Op{put(rect("c"))}, false},
		{"two more do not", []Op{put(rect("c")), put(rect("d"))}, true},
		{"replacing is not growing", []Op{put(rect("a")), put(rect("b"))}, false},
		{"the same new id twice counts once", []Op{put(rect("c")), put(rect("c"))}, false},
		{"a delete makes room", []Op{del("a"), put(rect("c")), put(rect("d"))}, false},
		{"deleting a missing id makes none", []Op{del("zz"), put(rect("c")), put(rect("d"))}, true},
		{"put then delete of a new id", []Op{put(rect("c")), del("c"), put(rect("d"))}, false},
	} {
		t.Run(test.name, func(t *testing.T) {
			err := s.CheckLimits(test.ops, l)
			if tooLarge(err) != test.refused {
				t.Fatalf("CheckLimits = %v, want refused=%v", err, test.refused)
			}
			if test.refused && !strings.Contains(err.Error(), "limit is 3") {
				t.Errorf("error %q does not name the limit", err)
			}
		})
	}
}

func TestCheckLimitsCountsBytes(t *testing.T) {
	s := NewSnapshot("")
	big := &Element{ID: "t", Kind: KindText, Text: strings.Repeat("x", 3000)}
	s.Put(big)
	l := Limits{MaxElements: 100, MaxBytes: 4000}
	if err := s.CheckLimits([]Op{put(&Element{ID: "u", Kind: KindText, Text: strings.Repeat("y", 1000)})}, l); !tooLarge(err) {
		t.Fatalf("growing past MaxBytes: %v, want too_large", err)
	}
	if err := s.CheckLimits([]Op{put(&Element{ID: "t", Kind: KindText, Text: "short"})}, l); err != nil {
		t.Fatalf("shrinking an element: %v", err)
	}
}

// A board already over a lowered limit can still shrink and be edited in
// ways that do not grow it.
func TestCheckLimitsNeverRefusesShrinking(t *testing.T) {
	s := NewSnapshot("")
	for _, id := range []string{"a", "b", "c", "d"} {
		s.Put(rect(id))
	}
	l := Limits{MaxElements: 2, MaxBytes: 1}
	if err := s.CheckLimits([]Op{del("a")}, l); err != nil {
		t.Fatalf("delete on an over-limit board: %v", err)
	}
	if err := s.CheckLimits([]Op{{Op: OpTitle, Title: "t"}}, l); err != nil {
		t.Fatalf("title on an over-limit board: %v", err)
	}
}

func TestSnapshotBytesFollowsEdits(t *testing.T) {
	s := NewSnapshot("")
	s.Apply(&OpsMessage{Seq: 1, Ops: []Op{put(rect("a")), put(rect("b"))}})
	want := ElementBytes(rect("a")) + ElementBytes(rect("b"))
	if s.Bytes() != want {
		t.Fatalf("Bytes = %d, want %d", s.Bytes(), want)
	}
	s.Apply(&OpsMessage{Seq: 2, Ops: []Op{del("a"), put(&Element{ID: "b", Kind: KindText, Text: "hello"})}})
	want = ElementBytes(&Element{ID: "b", Kind: KindText, Text: "hello"})
	if s.Bytes() != want || s.Clone().Bytes() != want {
		t.Fatalf("Bytes = %d (clone %d), want %d", s.Bytes(), s.Clone().Bytes(), want)
	}
}
