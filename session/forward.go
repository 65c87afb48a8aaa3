package session

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/easel-app/easel/board"
)

// Forwarding between nodes: a member's HTTP session lives on the node that
// opened it (its token names the node), and a load balancer without sticky
// sessions sends the member's later requests to any node. A node that
// gets a request for another node's session forwards it through the
// broker's node requests (board.NodeRequests) as one of three operations
// — poll, send, too large — and answers with what the owner answered. A
// stream on a node that is not the session's is a loop of forwarded polls.
// When the owner has gone, the session has too (410): the client opens a
// new one and catches up with since, as after a socket's close.

// Carrier is what the HTTP routes drive: a session of this node
// (*HTTPSession) or of another (remoteSession).
type Carrier interface {
	// Stream runs a server-sent-events carrier (see HTTPSession.Stream).
	Stream(ctx context.Context, after uint64, emit func([]Event) error, heartbeat func() error, quiet time.Duration) error
	// Poll is a long-polling carrier (see HTTPSession.Poll).
	Poll(ctx context.Context, after uint64, wait time.Duration) ([]Event, error)
	// Send handles one numbered POST of messages (see HTTPSession.Send).
	Send(ctx context.Context, seq uint64, body []byte) error
	// TooLarge closes the session for a send over the size limit.
	TooLarge()
}

var (
	_ Carrier = (*HTTPSession)(nil)
	_ Carrier = (*remoteSession)(nil)
)

// forwardSlack is how much longer than the owner's own wait a forwarded
// request waits for its answer.
const forwardSlack = 5 * time.Second

// nodeRequest is a forwarded operation on the wire.
type nodeRequest struct {
	Op     string     `json:"op"` // poll, send, toolarge
	Token  string     `json:"token"`
	Route  string     `json:"route"` // the id in the request's URL
	Role   board.Role `json:"role"`
	After  uint64     `json:"after,omitempty"`
	WaitMS int64      `json:"wait,omitempty"`
	Seq    uint64     `json:"seq,omitempty"`
	Body   []byte     `json:"body,omitempty"`
}

// nodeAnswer is the owner's answer: events, or the name of an error.
type nodeAnswer struct {
	Events []Event `json:"events,omitempty"`
	Err    string  `json:"err,omitempty"`
}

// carrierErrors name the errors that cross between nodes.
var carrierErrors = map[string]error{"gone": ErrSessionGone, "gap": ErrSendGap, "after": ErrBadAfter}

func errorName(err error) string {
	for name, e := range carrierErrors {
		if errors.Is(err, e) {
			return name
		}
	}
	return "gone" // anything else ends the session for the client
}

// remoteSession is another node's session, reached through node requests.
type remoteSession struct {
	hub   *Hub
	node  string
	token string
	route string
	role  board.Role
}

// do forwards one operation and waits at most wait for the answer.
func (r *remoteSession) do(ctx context.Context, req nodeRequest, wait time.Duration) ([]Event, error) {
	req.Token, req.Route, req.Role = r.token, r.route, r.role
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	r.hub.metrics.CarrierRequests.WithLabelValues("forwarded").Inc()
	data, err := r.hub.nodes.Request(ctx, r.node, payload)
	if err != nil {
		// The owner has gone (or does not answer): so has its session.
		r.hub.log.Debug("forwarded carrier request failed", "node", r.node, "op", req.Op, "err", err)
		return nil, ErrSessionGone
	}
	var ans nodeAnswer
	if err := json.Unmarshal(data, &ans); err != nil {
		return nil, ErrSessionGone
	}
	if ans.Err != "" {
		return nil, carrierErrors[ans.Err]
	}
	return ans.Events, nil
}

// Poll forwards the wait in slices of at most forwardSlice: each is a
// PUBLISH that finds out at once when the owner has died (no receiver),
// so a member whose node died learns it within a slice, not a whole wait.
func (r *remoteSession) Poll(ctx context.Context, after uint64, wait time.Duration) ([]Event, error) {
	deadline := time.Now().Add(wait)
	for {
		slice := min(time.Until(deadline), forwardSlice)
		evs, err := r.do(ctx, nodeRequest{Op: "poll", After: after, WaitMS: max(slice, 0).Milliseconds()}, max(slice, 0)+forwardSlack)
		if err != nil || len(evs) > 0 || time.Until(deadline) <= 0 || ctx.Err() != nil {
			return evs, err
		}
	}
}

// forwardSlice is the longest wait one forwarded poll asks of the owner.
const forwardSlice = 2 * time.Second

func (r *remoteSession) Send(ctx context.Context, seq uint64, body []byte) error {
	_, err := r.do(ctx, nodeRequest{Op: "send", Seq: seq, Body: body}, r.hub.cfg.HTTPSendGap+forwardSlack)
	return err
}

func (r *remoteSession) TooLarge() {
	r.do(context.Background(), nodeRequest{Op: "toolarge"}, forwardSlack)
}

// Stream is a loop of forwarded polls, each waiting at most quiet: what
// one brings is emitted, and a quiet one is a heartbeat.
func (r *remoteSession) Stream(ctx context.Context, after uint64, emit func([]Event) error, heartbeat func() error, quiet time.Duration) error {
	for wait := time.Duration(0); ; wait = quiet {
		// The first poll does not wait, so that the response starts at
		// once (with a heartbeat when there is nothing yet).
		evs, err := r.Poll(ctx, after, wait)
		switch {
		case err != nil:
			return err
		case ctx.Err() != nil:
			return nil
		case len(evs) == 0:
			err = heartbeat()
		default:
			err = emit(evs)
			after = evs[len(evs)-1].N
		}
		if err != nil || isClose(evs) {
			return err
		}
	}
}

// serveNodeRequest answers a forwarded operation on a session of this
// node.
func (h *Hub) serveNodeRequest(ctx context.Context, payload []byte) []byte {
	var req nodeRequest
	var ans nodeAnswer
	err := json.Unmarshal(payload, &req)
	var s *HTTPSession
	if err == nil {
		s, err = h.localHTTP(req.Token, req.Route, req.Role)
	}
	if err == nil {
		switch req.Op {
		case "poll":
			ans.Events, err = s.Poll(ctx, req.After, min(time.Duration(req.WaitMS)*time.Millisecond, maxForwardedWait))
		case "send":
			if int64(len(req.Body)) > h.cfg.MaxMessage {
				s.TooLarge()
				err = ErrSessionGone
				break
			}
			err = s.Send(ctx, req.Seq, req.Body)
		case "toolarge":
			s.TooLarge()
		default:
			err = ErrSessionGone
		}
	}
	if err != nil {
		ans.Err = errorName(err)
	}
	data, _ := json.Marshal(ans)
	return data
}

// maxForwardedWait bounds the wait another node may ask a poll for.
const maxForwardedWait = 30 * time.Second
