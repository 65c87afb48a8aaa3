package session

import (
	"time"

	"github.com/easel-app/easel/board"
)

func cursorOf(peer string, x, y float64) board.Cursor { return board.Cursor{Peer: peer, X: x, Y: y} }

func fixedTime() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
