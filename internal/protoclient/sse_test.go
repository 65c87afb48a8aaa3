package protoclient

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// The stream is parsed as the HTML standard says, with the protocol's
// rule that every event is numbered.
func TestSSEReader(t *testing.T) {
	long := strings.Repeat("x", 10_000) // longer than the reader's buffer
	for _, test := range []struct {
		name, stream string
		want         []event
		err          error
	}{
		{"message", "id: 1\ndata: a\n\n", []event{{1, "", []byte("a")}}, io.EOF},
		{"named, lines joined", "id: 2\nevent: chunk\ndata: a\ndata:\ndata:  b\n\n", []event{{2, "chunk", []byte("a\n\n b")}}, io.EOF},
		{"CRLF, no space, comments", ": hi\r\nid:3\r\n: beat\r\ndata:a\r\n\r\n", []event{{3, "", []byte("a")}}, io.EOF},
		{"no data: not dispatched", "id: 1\nevent: x\n\nid: 2\ndata: b\n\n", []event{{2, "", []byte("b")}}, io.EOF},
		{"a long line", "id: 1\ndata: " + long + "\n\n", []event{{1, "", []byte(long)}}, io.EOF},
		{"unknown fields", "id: 1\nretry: 10\nfoo\ndata: a\n\n", []event{{1, "", []byte("a")}}, io.EOF},
		{"partial event dropped", "id: 1\ndata: a\n\nid: 2\ndata: b\n", []event{{1, "", []byte("a")}}, io.EOF},
		{"no id", "data: a\n\n", nil, errMalformed},
		{"bad id", "id: x\ndata: a\n\n", nil, errMalformed},
	} {
		t.Run(test.name, func(t *testing.T) {
			r := newSSEReader(strings.NewReader(test.stream), 0)
			var got []event
			var err error
			for {
				var ev event
				if ev, err = r.next(); err != nil {
					break
				}
				got = append(got, ev)
			}
			if !errors.Is(err, test.err) || len(got) != len(test.want) {
				t.Fatalf("got %v, %v; want %v, %v", got, err, test.want, test.err)
			}
			for i := range got {
				if got[i].n != test.want[i].n || got[i].name != test.want[i].name || string(got[i].data) != string(test.want[i].data) {
					t.Errorf("event %d: %+v, want %+v", i, got[i], test.want[i])
				}
			}
		})
	}
}

// Whatever a server streams, the reader ends with an error, never a
// panic or a hang.
func FuzzSSEReader(f *testing.F) {
	f.Add([]byte("id: 1\nevent: session\ndata: {}\n\n: beat\n\nid: 2\ndata: a\ndata: b\n\n"))
	f.Add([]byte("id:1\r\ndata\r\n\r\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		r := newSSEReader(strings.NewReader(string(stream)), 0)
		for range len(stream) + 1 {
			ev, err := r.next()
			if err != nil {
				return
			}
			if ev.n < 1 {
				t.Fatalf("event numbered %d", ev.n)
			}
		}
		t.Fatal("more events than bytes")
	})
}
