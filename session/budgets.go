package session

import (
	"fmt"
	"time"

	"github.com/easel-app/easel/board"
)

// Every line a client sends is counted before it is handled — each line,
// not each frame, since a frame holds many — against two budgets of its
// connection: the messages per second of its type, and the bytes per
// second of all its messages. Ops lines are counted a third and fourth
// time, by bytes, against the connection's and the board's ops budgets
// (in ops). Without these, cheap messages (export.cancel, export.ack,
// unknown types) could be sent at hundreds of thousands per second and
// take the CPU from every other board.

// msgClass is a message type as far as budgets (and metrics) go: the
// protocol's types, and one class for everything else.
type msgClass int

const (
	classHello msgClass = iota
	classCursor
	classOps
	classExport
	classAck
	classResume
	classCancel
	classDraft
	classView
	classChat
	classReact
	classSummon
	classOther // unknown types, and lines of the wrong shape
	numClasses
)

var classNames = [numClasses]string{"hello", "cursor", "ops", "export", "export.ack", "export.resume", "export.cancel",
	"draft", "view", "chat", "react", "summon", "unknown"}

func classOf(t string) msgClass {
	for c, name := range classNames[:classOther] {
		if t == name {
			return msgClass(c)
		}
	}
	return classOther
}

// messageClass keeps the metric's label set bounded whatever clients send.
func messageClass(t string) string { return classNames[classOf(t)] }

// connBudgets are one connection's budgets; read loop only.
type connBudgets struct {
	msgs     [numClasses]budget
	bytes    budget // every line
	opsBytes budget // ops lines
	// chat is the one budget chat and react share: a count in a sliding
	// window, not a rate (see windowBudget).
	chat windowBudget
	// ackCredit is how many chunks sent to the connection have been
	// turned into export.ack tokens so far (see exportChunksSent).
	ackCredit int64
}

func newConnBudgets(cfg Config) connBudgets {
	var cb connBudgets
	for c := range cb.msgs {
		cb.msgs[c] = newBudget(cfg.ControlRate)
	}
	cb.msgs[classCursor] = newBudget(cfg.CursorRate)
	cb.msgs[classOps] = newBudget(cfg.OpsRate)
	cb.msgs[classDraft] = newBudget(cfg.CursorRate)
	cb.msgs[classView] = newBudget(cfg.CursorRate)
	cb.chat = newWindowBudget(cfg.ChatMessages, cfg.ChatWindow, cfg.ControlRate)
	cb.msgs[classAck] = newBudget(cfg.AckRate)
	cb.bytes = newBudget(cfg.BytesRate)
	cb.opsBytes = newBudget(cfg.OpsBytesRate)
	return cb
}

// rate is the per-second rate of class c, for error messages.
func (cfg *Config) rate(c msgClass) float64 {
	switch c {
	case classCursor, classDraft, classView:
		return cfg.CursorRate
	case classOps:
		return cfg.OpsRate
	case classAck:
		return cfg.AckRate
	}
	return cfg.ControlRate
}

// withinBudget counts one line of class c (n bytes; ref and id as the
// message has them) and reports whether it may be handled. When it may
// not, the client has been told or closed as the verdict says.
func (m *Member) withinBudget(c msgClass, n int, ref, id string) bool {
	now := time.Now()
	b := &m.budgets
	if c == classAck {
		// Every chunk sent earns one ack: a download acknowledged chunk
		// by chunk is never limited, however fast the link.
		sent := m.downloads.chunksSent.Load()
		b.msgs[classAck].accept.grant(float64(sent - b.ackCredit))
		b.ackCredit = sent
	}
	var v verdict
	what := "more than %.0f " + classNames[c] + " messages per second"
	rate := m.hub.cfg.rate(c)
	if c == classChat || c == classReact {
		v = b.chat.check(now)
		what = "more than %.0f chat and react messages together in any " + m.hub.cfg.ChatWindow.String()
		rate = float64(m.hub.cfg.ChatMessages)
	} else {
		v = b.msgs[c].check(now)
	}
	if v == accepted {
		v = b.bytes.checkN(now, float64(n))
		what, rate = "more than %.0f bytes of messages per second", m.hub.cfg.BytesRate
	}
	return m.obey(v, c, ref, id, what, rate)
}

// withinOpsBytes counts an ops message's n bytes against the connection's
// and the board's ops bytes budgets. The board's is shared by its editors
// on this node: refusing there says the board is busy, never that this
// client floods, so only the connection's budget can close it.
func (m *Member) withinOpsBytes(n int, ref string) bool {
	now := time.Now()
	v := m.budgets.opsBytes.checkN(now, float64(n))
	if !m.obey(v, classOps, ref, "", "more than %.0f bytes of ops messages per second", m.hub.cfg.OpsBytesRate) {
		return false
	}
	if !m.room.Load().opsBytes.allow(now, float64(n)) {
		return m.obey(refusedTell, classOps, ref, "", "more than %.0f bytes of ops messages per second on this board", m.hub.cfg.BoardOpsBytesRate)
	}
	return true
}

// obey acts on a verdict for a message of class c: true to handle it.
// Refused ops messages are each answered (the client must roll back that
// ref), and so are refused chat and react messages (a person typed each
// one; their budget is a handful, and a flood of them closes long before
// the answers cost anything); any other refusal is told once per run of
// refusals, so refusals never answer a flood line by line. A flood closes
// with 1008.
func (m *Member) obey(v verdict, c msgClass, ref, id, what string, rate float64) bool {
	if v == accepted {
		return true
	}
	m.hub.metrics.RateLimited.WithLabelValues(classNames[c]).Inc()
	switch {
	case v == flooding:
		m.closeWith(ClosePolicyViolation, classNames[c]+" rate limit exceeded far beyond burst")
	case v == refusedTell || c == classOps || c == classChat || c == classReact:
		m.send(encode(errorMsg{Type: "error", Code: board.CodeRateLimited, Message: fmt.Sprintf(what, rate), Ref: ref, ID: id}))
	}
	return false
}
