package protoclient

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkReadLoop measures the read loop's cost per 4 KiB frame: the
// load generator's hot path, which must not allocate per frame beyond
// what the WebSocket library does (a reader per message, on each side:
// the server here is in the same process).
func BenchmarkReadLoop(b *testing.B) {
	frame := make([]byte, 4<<10)
	url := testServer(b, func(ws *websocket.Conn, _ *http.Request) {
		for range b.N {
			if ws.WriteMessage(websocket.TextMessage, frame) != nil {
				return
			}
		}
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	})
	c, _, err := Dial(context.Background(), url, Options{ReadBufferSize: 16 << 10})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	n := 0
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	b.ResetTimer()
	c.Run(func(_ int, data []byte, _ time.Time) error { n++; return nil }, nil)
	<-c.Done()
	if n != b.N {
		b.Fatalf("read %d of %d frames", n, b.N)
	}
}
