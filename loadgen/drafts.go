package loadgen

import (
	"bytes"
	"math"
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"
)

// Drafts (S10, issue 13): each member draws a stroke that grows by one
// point per draft, up to a fixed length, then starts a new stroke with a
// new id, as a pen does. A stroke's id names its sender and its number,
// "d<sender>-<stroke>", and its number of points says which draft of it
// this is, so a receiver knows the draft's sequence number — stroke ×
// length + points − 1 — without any marker in the element: the drafts
// stay the shapes a pen sends. The pen moves right by a fixed step, so
// the stroke's width w (which comes before the points) tells the number
// of points without counting them. The generator records each send time
// under the sequence number (draftTimes), with the length of the points'
// text — numbers written as the server writes them, shortest form, so
// that a receiver skips the points without reading them; it looks both
// up on arrival.

// draftRing is how many send times are kept per sender: 136 s of drafts
// at 30 Hz, far beyond any delivery the run could still make.
const draftRing = 4096

// draftTimes are the send times of one room's drafts, in µs since the
// run's clock started, and the lengths of their points' text, per sender
// and sequence number (mod draftRing), packed as µs<<24 | length.
// Senders store before they send, receivers load: atomics, no lock.
type draftTimes struct {
	points int // a stroke's length before a new one starts
	at     [][draftRing]atomic.Int64
}

func (t *draftTimes) record(sender int, seq int64, sent time.Duration, pointsLen int) {
	t.at[sender][seq%draftRing].Store(sent.Microseconds()<<24 | int64(pointsLen))
}

// lookup returns what record stored; ok is false for nothing.
func (t *draftTimes) lookup(sender int, seq int64) (sentMicros int64, pointsLen int, ok bool) {
	v := t.at[sender][seq%draftRing].Load()
	return v >> 24, int(v & (1<<24 - 1)), v != 0
}

func newDraftTimes(senders, points int) *draftTimes {
	return &draftTimes{points: points, at: make([][draftRing]atomic.Int64, senders)}
}

func (t *draftTimes) seq(stroke, n int) int64 { return int64(stroke*t.points + n - 1) }

// drafter is one member's stroke in progress; owned by its sender.
type drafter struct {
	times  *draftTimes
	stroke int    // number of the stroke being drawn
	n      int    // its points so far
	points []byte // `[x,y],[x,y],…` of those points
	maxX   float64
	maxY   float64
	msg    []byte
}

// next sends the member's stroke with one more point (or a new stroke's
// first point) as a `draft`, and returns its sequence number.
func (d *drafter) next(m *Member) (int64, error) {
	seq := d.grow(m.Index)
	d.times.record(m.Index, seq, time.Since(m.clock.Start), len(d.points))
	if err := m.WriteText(d.msg); err != nil {
		return -1, err
	}
	return seq, nil
}

// grow adds a point to the stroke of sender (or starts a new one), builds
// its `draft` message in d.msg and returns its sequence number.
func (d *drafter) grow(sender int) int64 {
	if d.n == d.times.points {
		d.stroke++
		d.n, d.points, d.maxX, d.maxY = 0, d.points[:0], 0, 0
	}
	// A pen moving right with a wobble, to two decimals as the client
	// rounds: points of ~14 bytes, as real strokes.
	x := round2(pointX(d.n))
	y := round2(float64((d.n*37)%83) * 0.73)
	d.maxX, d.maxY = max(d.maxX, x), max(d.maxY, y)
	if d.n > 0 {
		d.points = append(d.points, ',')
	}
	d.points = append(d.points, '[')
	d.points = strconv.AppendFloat(d.points, x, 'f', -1, 64)
	d.points = append(d.points, ',')
	d.points = strconv.AppendFloat(d.points, y, 'f', -1, 64)
	d.points = append(d.points, ']')
	d.n++

	b := d.msg[:0]
	b = append(b, `{"type":"draft","el":{"id":"d`...)
	b = strconv.AppendInt(b, int64(sender), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(d.stroke), 10)
	b = append(b, `","kind":"stroke","x":`...)
	b = strconv.AppendInt(b, int64(100+sender*10), 10)
	b = append(b, `,"y":`...)
	b = strconv.AppendInt(b, int64(100+d.stroke%50*20), 10)
	b = append(b, `,"w":`...)
	b = strconv.AppendFloat(b, d.maxX, 'f', -1, 64)
	b = append(b, `,"h":`...)
	b = strconv.AppendFloat(b, d.maxY, 'f', -1, 64)
	b = append(b, `,"rot":0,"points":[`...)
	b = append(b, d.points...)
	b = append(b, `],"stroke":"#1e1e1e","fill":null,"width":2,"z":"a`...)
	b = strconv.AppendInt(b, int64(sender), 10)
	b = append(b, `"}}`...)
	d.msg = b
	return d.times.seq(d.stroke, d.n)
}

// round2 rounds to two decimals, as the client does.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// pointX is the x of a stroke's point k (from 0): the stroke's width
// once it has k+1 points.
func pointX(k int) float64 { return float64(k)*3.17 + 0.25 }

// pointsOfWidth is how many points a stroke of width w has.
func pointsOfWidth(w float64) int { return int(math.Round((w-0.25)/3.17)) + 1 }

var (
	presencePrefix = []byte(`{"type":"presence"`)
	draftsField    = []byte(`"drafts":[`)
	draftIDPrefix  = []byte(`{"id":"d`)
	widthField     = []byte(`"w":`)
	pointsField    = []byte(`"points":[`)
	elementEnd     = []byte(`}]`)
)

// presence reads the drafts of a `presence` message by hand: with 200
// members drafting, a member receives ~200 strokes of ~2 KB per tick,
// gigabytes a second across a room, which encoding/json could not keep up
// with beside the server. Only the generator's own strokes are
// understood (an id "d<sender>-<stroke>" first, a points array, no
// nested object after it — what the server encodes of them); anything
// else ends the scan of that message.
func (m *Member) presence(line []byte, now time.Time) {
	if m.draftTimes == nil {
		return
	}
	i := bytes.Index(line, draftsField)
	if i < 0 {
		return
	}
	p := line[i+len(draftsField):]
	elapsed := now.Sub(m.clock.Start).Microseconds()
	for len(p) > 0 && p[0] == '[' {
		// ["peer",{"id":"d<sender>-<stroke>",…,"points":[[…],…,[…]],…}]
		// or ["peer",null]
		q := closingQuote(p[2:])
		if q < 0 || 2+q+2 > len(p) {
			return
		}
		p = p[2+q+2:] // past `",`
		if bytes.HasPrefix(p, []byte("null]")) {
			p = p[len("null]"):]
		} else {
			var ok bool
			if p, ok = m.draftEntry(p, elapsed); !ok {
				return
			}
		}
		if len(p) > 0 && p[0] == ',' {
			p = p[1:]
		}
	}
}

// draftEntry reads one element of the drafts list (p starts at its `{`)
// and returns what follows its entry's closing `]`.
func (m *Member) draftEntry(p []byte, elapsed int64) ([]byte, bool) {
	if !bytes.HasPrefix(p, draftIDPrefix) {
		return nil, false
	}
	p = p[len(draftIDPrefix):]
	dash := bytes.IndexByte(p, '-')
	quote := bytes.IndexByte(p, '"')
	if dash < 0 || quote < dash {
		return nil, false
	}
	sender, err1 := strconv.Atoi(unsafe.String(&p[0], dash))
	stroke, err2 := strconv.Atoi(unsafe.String(&p[dash+1], quote-dash-1))
	if err1 != nil || err2 != nil {
		return nil, false
	}
	p = p[quote:]
	i := bytes.Index(p, widthField)
	if i < 0 {
		return nil, false
	}
	p = p[i+len(widthField):]
	comma := bytes.IndexByte(p, ',')
	if comma < 0 {
		return nil, false
	}
	w, err := strconv.ParseFloat(unsafe.String(&p[0], comma), 64)
	if err != nil {
		return nil, false
	}
	t := m.draftTimes
	if sender < 0 || sender >= len(t.at) {
		return nil, false
	}
	seq := t.seq(stroke, pointsOfWidth(w))
	sent, pointsLen, known := t.lookup(sender, seq)
	if i = bytes.Index(p, pointsField); i < 0 {
		return nil, false
	}
	p = p[i+len(pointsField):]
	// Past the points: by the length sent when the server wrote them as
	// the generator did (checked), else to the next quote, which opens
	// the key after them (numbers hold none).
	if known && pointsLen+1 < len(p) && p[pointsLen-1] == ']' && p[pointsLen] == ']' && p[pointsLen+1] == ',' {
		p = p[pointsLen+1:]
		m.skippedPoints++
	} else if i = bytes.IndexByte(p, '"'); i >= 0 {
		p = p[i:]
	} else {
		return nil, false
	}
	closing := bytes.Index(p, elementEnd)
	if closing < 0 {
		return nil, false
	}
	p = p[closing+len(elementEnd):]

	m.Drafts++
	if known {
		m.DraftLatency.Add(time.Duration(elapsed-sent) * time.Microsecond)
	}
	if sender < len(m.LatestDraft) {
		m.latestMu.Lock()
		m.LatestDraft[sender] = max(m.LatestDraft[sender], seq)
		m.latestMu.Unlock()
	}
	return p, true
}

// latestDraftOf is the latest draft seq received from peer p (a progress
// probe, as latestOf).
func (m *Member) latestDraftOf(p int) int64 {
	m.latestMu.Lock()
	defer m.latestMu.Unlock()
	return m.LatestDraft[p]
}
