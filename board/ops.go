package board

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// OpKind is what an op does.
type OpKind string

// The ops of protocol v1.
const (
	OpPut   OpKind = "put"
	OpDel   OpKind = "del"
	OpTitle OpKind = "title"
)

// Op is one change to a board.
type Op struct {
	Op    OpKind   `json:"op"`
	El    *Element `json:"el,omitempty"`
	ID    string   `json:"id,omitempty"`
	Title string   `json:"title,omitempty"`
}

// OpsMessage is one accepted `ops` message: the unit of sequencing,
// durability and dedupe. Seq is assigned by the store.
//
// Scope is whose refs Ref belongs to ("Refs belong to their author" in the
// protocol): the store dedupes Scope+Ref, so nobody can commit another
// member's next ref first. It is derived from the author's secret client
// id and never leaves the server: `json:"-"` keeps it out of every message,
// event and export; the stores persist it on their own. Empty is the
// unscoped dedupe of server-made messages and of logs written before
// scopes existed.
type OpsMessage struct {
	Seq   uint64 `json:"seq"`
	By    string `json:"by"`
	Ref   string `json:"ref"`
	Ops   []Op   `json:"ops"`
	Scope string `json:"-"`
	// Name is the author's display name when it sent the message, and At
	// the time the store committed it: checkpoints say who edited and
	// when (board.Version). Stores persist both; neither is on the wire.
	Name string    `json:"-"`
	At   time.Time `json:"-"`
}

// DedupeKey is the key the store dedupes m under: Ref within Scope. A
// scope is a fixed 22 characters of base64url, so a scoped key never
// equals another scope's; an unscoped key is the bare ref, as stored
// before scopes existed.
func (m *OpsMessage) DedupeKey() string {
	if m.Scope == "" {
		return m.Ref
	}
	return m.Scope + "\x00" + m.Ref
}

type wireOp struct {
	Op    *string      `json:"op"`
	El    *wireElement `json:"el"`
	ID    *string      `json:"id"`
	Title *string      `json:"title"`
}

type wireOpsMessage struct {
	Ref *string           `json:"ref"`
	Ops []json.RawMessage `json:"ops"`
}

// DecodeOps decodes and validates the body of a client's `ops` message
// (the whole JSON object). Either every op is valid and returned, or the
// error names the first problem: nothing of a bad message is applied. The
// ref is returned when it could be read, so the error can carry it.
func DecodeOps(data []byte) (ref string, ops []Op, err error) {
	var msg wireOpsMessage
	if err := DecodeJSON(data, &msg); err != nil {
		return "", nil, Errorf(CodeBadRequest, "ops message: %v", err)
	}
	if msg.Ref == nil {
		return "", nil, Errorf(CodeBadRequest, "ops message has no ref")
	}
	ref = *msg.Ref
	if n := utf8.RuneCountInString(ref); n < 1 || n > MaxRefLen || !utf8.ValidString(ref) {
		return "", nil, Errorf(CodeBadRequest, "ref must be a string of 1 to %d characters", MaxRefLen)
	}
	switch {
	case msg.Ops == nil:
		return ref, nil, Errorf(CodeBadRequest, "ops message has no ops array")
	case len(msg.Ops) == 0:
		return ref, nil, Errorf(CodeBadRequest, "ops must hold at least one op")
	case len(msg.Ops) > MaxOpsPerMsg:
		return ref, nil, Errorf(CodeBadRequest, "ops holds %d ops, at most %d allowed", len(msg.Ops), MaxOpsPerMsg)
	}
	ops = make([]Op, len(msg.Ops))
	for i, raw := range msg.Ops {
		op, err := decodeOp(raw, fmt.Sprintf("ops[%d]", i))
		if err != nil {
			return ref, nil, err
		}
		ops[i] = op
	}
	return ref, ops, nil
}

func decodeOp(raw json.RawMessage, path string) (Op, error) {
	var w wireOp
	if err := DecodeJSON(raw, &w); err != nil {
		return Op{}, Errorf(CodeBadRequest, "%s: %v", path, err)
	}
	if w.Op == nil {
		return Op{}, Errorf(CodeBadRequest, "%s.op is missing", path)
	}
	switch OpKind(*w.Op) {
	case OpPut:
		if w.El == nil {
			return Op{}, Errorf(CodeBadRequest, "%s.el is missing", path)
		}
		el, err := w.El.toElement(path + ".el")
		if err != nil {
			return Op{}, err
		}
		return Op{Op: OpPut, El: &el}, nil
	case OpDel:
		if w.ID == nil || *w.ID == "" || utf8.RuneCountInString(*w.ID) > MaxElementIDLen {
			return Op{}, Errorf(CodeBadRequest, "%s.id must be a string of 1 to %d characters", path, MaxElementIDLen)
		}
		return Op{Op: OpDel, ID: *w.ID}, nil
	case OpTitle:
		if w.Title == nil {
			return Op{}, Errorf(CodeBadRequest, "%s.title is missing", path)
		}
		title, err := CleanTitle(path+".title", *w.Title)
		if err != nil {
			return Op{}, err
		}
		return Op{Op: OpTitle, Title: title}, nil
	default:
		return Op{}, Errorf(CodeBadRequest, "%s.op %q is not one of put, del, title", path, *w.Op)
	}
}

// DecodeJSON decodes exactly one JSON value from outside input, reporting
// type mismatches, out-of-range numbers (1e400) and trailing data as
// errors. Unknown fields are allowed: the protocol says receivers ignore
// them.
func DecodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}
