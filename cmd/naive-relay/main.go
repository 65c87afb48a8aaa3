// Command naive-relay is a benchmark baseline only, not a product: the
// cursor relay written the way melody's own examples write one (one
// melody.New(), HandleRequest in an http handler, and a HandleMessage
// that hands each message at once to the other sessions of the same room
// with BroadcastFilter), so that easel-load can measure Easel against it
// (-relay-bin; issue 18).
//
// It speaks just enough of protocol v1 for the load generator to drive it
// unchanged: POST /api/boards creates nothing but answers with fresh ids;
// GET /b/<id>/ws echoes the easel.v1 subprotocol, answers hello with a
// minimal welcome, and turns each {"type":"cursor","x","y"} into a
// cursors message of one entry, one frame per move, to every other member
// of the board. There are no boards, elements, ticks, limits or checks:
// everything else a client sends is ignored.
//
//	naive-relay --addr 127.0.0.1:0
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/google/uuid"
	"github.com/olahol/melody"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "naive-relay:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, logging `listening addr=…` once it accepts
// connections (the line the load generator waits for).
func run(ctx context.Context, args []string, logOut io.Writer) error {
	flags := flag.NewFlagSet("naive-relay", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := flags.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler()}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	slog.New(slog.NewTextHandler(logOut, nil)).Info("listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handler is the relay: melody's multichat example with Easel's framing.
func handler() http.Handler {
	m := melody.New()
	m.Upgrader.Subprotocols = []string{"easel.v1"}
	m.HandleMessage(func(s *melody.Session, msg []byte) {
		var in struct {
			Type string
			X, Y float64
		}
		if json.Unmarshal(msg, &in) != nil {
			return
		}
		switch in.Type {
		case "hello":
			you := uuid.NewString()
			s.Set("you", you)
			s.Write(welcome(you, s.MustGet("room").(string)))
		case "cursor":
			you, ok := s.Get("you")
			if !ok {
				return
			}
			out := cursors(you.(string), in.X, in.Y)
			room := s.MustGet("room")
			m.BroadcastFilter(out, func(q *melody.Session) bool {
				_, joined := q.Get("you")
				return q != s && joined && q.MustGet("room") == room
			})
		}
	})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/boards", func(w http.ResponseWriter, r *http.Request) {
		id, viewID := uuid.NewString(), uuid.NewString()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{
			"id": id, "viewId": viewID, "title": "load", "editUrl": "/b/" + id, "viewUrl": "/v/" + viewID,
		})
	})
	mux.HandleFunc("GET /b/{id}/ws", func(w http.ResponseWriter, r *http.Request) {
		m.HandleRequestWithKeys(w, r, map[string]any{"room": r.PathValue("id")})
	})
	return mux
}

// welcome is the least of a welcome the load generator reads: who the
// member is and where the (always empty) board's history starts.
func welcome(you, room string) []byte {
	data, _ := json.Marshal(map[string]any{
		"type": "welcome", "you": you, "role": "edit", "epoch": "naive", "seq": 0,
		"board": map[string]string{"id": room, "title": "load"}, "recovered": false,
		"elements": []any{}, "peers": []any{}, "limits": map[string]any{}, "tick": 0,
	})
	return data
}

// cursors is one move as the cursors message of one entry.
func cursors(you string, x, y float64) []byte {
	buf := append([]byte(`{"type":"cursors","c":[["`), you...)
	buf = append(buf, `",`...)
	buf = strconv.AppendFloat(buf, x, 'f', -1, 64)
	buf = append(buf, ',')
	buf = strconv.AppendFloat(buf, y, 'f', -1, 64)
	return append(buf, "]]}"...)
}
