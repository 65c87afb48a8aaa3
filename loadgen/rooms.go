package loadgen

import (
	"context"
	"sync"
	"time"
)

// cluster is the servers a load is spread over (one, or S7's two nodes);
// member i of a room joins node i mod len.
type cluster []*Server

// stats sums the nodes' process statistics.
func (c cluster) stats() ProcStats {
	var sum ProcStats
	for _, s := range c {
		st, _ := s.Stats()
		sum.CPU += st.CPU
		sum.RSS += st.RSS
	}
	return sum
}

// joinRooms joins every member of l, joinParallel at a time, and l.Slow
// slow readers to room 0. On error every member already joined is closed.
func joinRooms(ctx context.Context, l CursorLoad, nodes cluster, boards []Board, clock Clock, drafts []*draftTimes) ([][]*Member, []*Member, error) {
	rooms := make([][]*Member, l.Rooms)
	var slow []*Member
	var joinErr error
	var mu sync.Mutex
	keep := func(err error, put func()) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			joinErr = err
			return
		}
		put()
	}
	sem := make(chan struct{}, joinParallel)
	var wg sync.WaitGroup
	for r := range l.Rooms {
		rooms[r] = make([]*Member, l.PerRoom)
		for i := range l.PerRoom {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				var onMsg func(string, []byte)
				var onBin func([]byte)
				if l.Hook != nil {
					onMsg, onBin = l.Hook(r, i)
				}
				node := nodes[i%len(nodes)]
				opts := JoinOptions{Peers: l.PerRoom, Since: l.Since, Nodes: len(nodes)}
				if drafts != nil {
					opts.Drafts = drafts[r]
				}
				if l.Carrier != nil {
					opts.Carrier = l.Carrier(i)
				}
				m, err := joinHooked(ctx, wsURL(node.URL(), boards[r].EditURL), i, clock, opts, onMsg, onBin)
				keep(err, func() { rooms[r][i] = m })
			})
		}
	}
	for i := range l.Slow {
		wg.Go(func() {
			opts := JoinOptions{Peers: l.PerRoom, Since: l.Since, ReadRate: l.SlowRate}
			m, err := Join(ctx, wsURL(nodes[0].URL(), boards[0].EditURL), l.PerRoom+i, clock, opts)
			keep(err, func() { slow = append(slow, m) })
		})
	}
	wg.Wait()
	if joinErr != nil {
		closeMembers(rooms, slow)
		return nil, nil, joinErr
	}
	return rooms, slow, nil
}

// closeMembers closes every member, in parallel.
func closeMembers(rooms [][]*Member, slow []*Member) {
	var wg sync.WaitGroup
	for _, room := range rooms {
		for _, m := range room {
			if m != nil {
				wg.Go(m.Close)
			}
		}
	}
	for _, m := range slow {
		wg.Go(m.Close)
	}
	wg.Wait()
}

// moves are what a load's movers sent last: the y of each one's last
// cursor and, when they draft, the seq of its last draft (-1: none).
type moves struct {
	y      [][]float64
	drafts [][]int64
}

// moveRooms moves the first movers members of every room at hz until ctx
// ends, each also sending a draft after each move when drafts (one
// draftTimes per room) is set, as a client sends both in one animation
// frame; it returns what each mover sent last and how many sends failed.
func moveRooms(ctx context.Context, rooms [][]*Member, movers int, hz float64, drafts []*draftTimes) (moves, int) {
	final := moves{y: make([][]float64, len(rooms)), drafts: make([][]int64, len(rooms))}
	var mu sync.Mutex
	failed := 0
	var wg sync.WaitGroup
	for r, room := range rooms {
		final.y[r] = make([]float64, len(room))
		final.drafts[r] = make([]int64, len(room))
		for i := range room {
			final.drafts[r][i] = -1
		}
		for i := range movers {
			m := room[i]
			var d *drafter
			if drafts != nil {
				d = &drafter{times: drafts[r]}
			}
			wg.Go(func() {
				pace(ctx, hz, func(int) bool {
					y, err := m.Move()
					if err == nil {
						final.y[r][i] = y
						if d != nil {
							var seq int64
							if seq, err = d.next(m); err == nil {
								final.drafts[r][i] = seq
							}
						}
					}
					if err != nil {
						mu.Lock()
						failed++
						mu.Unlock()
						return false
					}
					return true
				})
			})
		}
	}
	<-ctx.Done()
	wg.Wait()
	return final, failed
}

// waitConverged waits up to timeout for every member to hold every moving
// peer's last position (and last draft, when they drafted), and returns
// how many (member, peer) pairs do not.
func waitConverged(rooms [][]*Member, final moves, movers int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for {
		missing := 0
		for r, room := range rooms {
			for _, m := range room {
				select {
				case <-m.Done():
					missing += movers // gone: it holds nothing more
					continue
				default:
				}
				for p := range movers {
					if p == m.Index {
						continue
					}
					if final.y[r][p] != 0 && m.latestOf(p) != final.y[r][p] {
						missing++
					} else if d := final.drafts[r][p]; d >= 0 && m.LatestDraft != nil && m.latestDraftOf(p) != d {
						missing++
					}
				}
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			return missing
		}
		time.Sleep(50 * time.Millisecond)
	}
}
