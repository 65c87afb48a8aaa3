package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/procs"
)

// stream edits from every member until stop closes.
func stream(members []*member, prefix string, stop chan struct{}) *sync.WaitGroup {
	senders := make([]func(ref string) error, len(members))
	for i, m := range members {
		senders[i] = m.edit
	}
	return streamEdits(senders, prefix, 20*time.Millisecond, stop)
}

// streamEdits has every sender send an edit each period, with refs
// <prefix>-<sender>-<n>, until stop closes or its send fails (its
// connection is gone). The kill -9 and fault tests share it.
func streamEdits(senders []func(ref string) error, prefix string, period time.Duration, stop chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i, send := range senders {
		wg.Go(func() {
			tick := time.NewTicker(period)
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				if send(fmt.Sprintf("%s-%d-%d", prefix, i, n)) != nil {
					return
				}
			}
		})
	}
	return &wg
}

func createBoardAt(t *testing.T, addr string) (id, viewID string) {
	t.Helper()
	res, err := http.Post("http://"+addr+"/api/boards", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b struct{ ID, ViewID string }
	json.NewDecoder(res.Body).Decode(&b)
	return b.ID, b.ViewID
}

// finalBoard is what a new member of the board sees.
func finalBoard(t *testing.T, addr, id string) (map[string]bool, uint64) {
	t.Helper()
	m := connectMember(t, "ws://"+addr+"/b/"+id+"/ws", "auditor", nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.elements, m.seq
}

// twoProcessesOnRedis starts the real binary twice, as two nodes on one
// Redis (a key space of the test's own), for tests that kill one.
func twoProcessesOnRedis(t *testing.T) (a, b *procs.Server) {
	t.Helper()
	bin := buildBinary(t)
	extra := []string{"--redis", testRedisURL(), "--redis-prefix", redisPrefix(t)}
	return startProcess(t, bin, t.TempDir(), extra...), startProcess(t, bin, t.TempDir(), extra...)
}

// Acceptance 3 (issue 5): kill -9 one node while its members edit. They
// reconnect to the other node with since, recover exactly the ops they
// missed, and every acknowledged ref is on the board once. The dead node's
// members leave the others' presence within 30 s.
func TestNodeKilledMembersMoveToTheOtherNode(t *testing.T) {
	a, b := twoProcessesOnRedis(t)
	defer stopProcess(t, b)
	id, _ := createBoardAt(t, a.Addr)

	// Refs belong to their author: a member that resends after moving to
	// the other node says it is the same client, as the bundled page does.
	clientOf := func(name string) string { return "node-kill-client-" + name }
	onA := []*member{
		connectClient(t, "ws://"+a.Addr+"/b/"+id+"/ws", "a1", clientOf("a1"), nil),
		connectClient(t, "ws://"+a.Addr+"/b/"+id+"/ws", "a2", clientOf("a2"), nil),
	}
	onB := connectMember(t, "ws://"+b.Addr+"/b/"+id+"/ws", "b1", nil)
	stop := make(chan struct{})
	wg := stream(append(onA, onB), "k", stop)
	time.Sleep(400 * time.Millisecond) // edits flow from both nodes
	killedAt := time.Now()
	a.Kill()
	time.Sleep(200 * time.Millisecond) // b1 keeps editing while a's members are away
	close(stop)
	wg.Wait()

	// The dead node's members disappear from b1's presence.
	onB.waitFor("the dead node's members to leave", 30*time.Second, func() bool {
		return onB.leaves[onA[0].you] && onB.leaves[onA[1].you]
	})
	t.Logf("members of the killed node left after %v", time.Since(killedAt).Round(time.Second))

	// a1 and a2 reconnect to node B with since and catch up exactly.
	onB.waitFor("b1's own edits to settle", 10*time.Second, func() bool { return len(onB.pending) == 0 })
	onB.mu.Lock()
	boardSeq := onB.seq
	onB.mu.Unlock()
	acked := map[string]bool{}
	for k := range onB.acked {
		acked[k] = true
	}
	for _, old := range onA {
		old.close()
		old.mu.Lock()
		since := map[string]any{"epoch": old.epoch, "seq": old.seq}
		from := old.seq
		for k := range old.acked {
			acked[k] = true
		}
		var resend []string
		for k := range old.pending {
			resend = append(resend, k)
		}
		old.mu.Unlock()
		back := connectClient(t, "ws://"+b.Addr+"/b/"+id+"/ws", old.name+"-back", clientOf(old.name), since)
		back.waitFor("the missed ops", 10*time.Second, func() bool { return back.seq >= boardSeq })
		back.mu.Lock()
		if !back.recovered {
			t.Errorf("%s: welcome recovered=false after a node failure; want recovered with since", old.name)
		}
		for i, s := range back.caughtUp {
			if s != from+uint64(i)+1 {
				t.Fatalf("%s: caught up with seqs %v from %d: not exactly the missed ones", old.name, back.caughtUp, from)
			}
		}
		back.mu.Unlock()
		for _, ref := range resend {
			back.edit(ref)
		}
		back.waitFor("acks of the resent edits", 10*time.Second, func() bool { return len(back.pending) == 0 })
		for k := range back.acked {
			acked[k] = true
		}
	}
	elements, seq := finalBoard(t, b.Addr, id)
	for ref := range acked {
		if !elements[ref] {
			t.Errorf("acknowledged edit %s is missing", ref)
		}
	}
	if uint64(len(elements)) != seq {
		t.Errorf("board at seq %d holds %d elements: an edit was committed twice or lost", seq, len(elements))
	}
	t.Logf("%d acknowledged edits; board at seq %d", len(acked), seq)
}

// redisServer runs a dedicated Redis with an append-only file fsync'd on
// every write, so acknowledged edits survive its crash.
type redisServer struct {
	port, dir string
	cmd       *exec.Cmd
}

func startRedis(t *testing.T, port, dir string, extra ...string) *redisServer {
	t.Helper()
	r := &redisServer{port: port, dir: dir}
	args := append([]string{"--port", port, "--bind", "127.0.0.1", "--dir", dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", ""}, extra...)
	r.cmd = exec.Command("redis-server", args...)
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Write([]byte("PING\r\n"))
			buf := make([]byte, 7)
			c.SetReadDeadline(time.Now().Add(time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if strings.HasPrefix(string(buf[:n]), "+PONG") {
				return r
			}
		}
		if time.Now().After(deadline) {
			r.cmd.Process.Kill()
			t.Fatal("redis-server did not answer within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *redisServer) kill9() {
	r.cmd.Process.Kill()
	r.cmd.Wait()
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// Acceptance 4 (issue 5): Redis crashes and comes back during edits, with
// members on two nodes. No edit is acknowledged that is not kept, none is
// kept twice, edits during the outage are refused as unavailable, and the
// members converge after recovery.
func TestRedisRestartDuringEdits(t *testing.T) {
	port, dir := freePort(t), t.TempDir()
	rs := startRedis(t, port, dir)
	t.Cleanup(func() { rs.kill9() })
	url := "redis://127.0.0.1:" + port + "/0"
	args := func() []string { return []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--redis", url} }
	addrA, _ := startRun(t, args(), nil)
	addrB, _ := startRun(t, args(), nil)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	id, _ := createBoardAt(t, addrA)
	members := []*member{connectMember(t, "ws://"+addrA+"/b/"+id+"/ws", "ea", nil), connectMember(t, "ws://"+addrB+"/b/"+id+"/ws", "eb", nil)}
	watcher := connectMember(t, "ws://"+addrA+"/b/"+id+"/ws", "watcher-a", nil)

	stop := make(chan struct{})
	wg := stream(members, "r", stop)
	time.Sleep(300 * time.Millisecond)
	rs.kill9()
	// Cursors keep flowing among the members of one node meanwhile.
	members[0].send(map[string]any{"type": "cursor", "x": 4242, "y": 1})
	watcher.waitFor("a same-node cursor while Redis is down", 5*time.Second, func() bool {
		for _, msg := range watcher.msgs {
			if msg["type"] != "cursors" {
				continue
			}
			for _, e := range msg["c"].([]any) {
				if e := e.([]any); e[0] == members[0].you && e[1] == 4242.0 {
					return true
				}
			}
		}
		return false
	})
	time.Sleep(500 * time.Millisecond) // edits during the outage
	if status := getStatus(t, "http://"+addrA+"/readyz"); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Redis down = %d, want 503", status)
	}
	rs = startRedis(t, port, dir)
	time.Sleep(500 * time.Millisecond) // and after it
	close(stop)
	wg.Wait()

	refusedUnavailable := 0
	for _, m := range members {
		m.waitFor("every edit answered", 20*time.Second, func() bool { return len(m.pending) == 0 })
		for _, code := range m.refused {
			if code == "unavailable" {
				refusedUnavailable++
			}
		}
	}
	if refusedUnavailable == 0 {
		t.Error("no edit was refused as unavailable while Redis was down")
	}
	// Members resend what was refused, as clients do, until it is kept.
	for _, m := range members {
		m.mu.Lock()
		var resend []string
		for ref := range m.refused {
			resend = append(resend, ref)
		}
		m.refused = map[string]string{}
		m.mu.Unlock()
		for _, ref := range resend {
			m.edit(ref)
		}
		m.waitFor("acks of the resent edits", 20*time.Second, func() bool { return len(m.pending) == 0 && len(m.refused) == 0 })
	}
	elements, seq := finalBoard(t, addrB, id)
	requireAckedOnBoard(t, members, elements)
	for _, m := range members {
		// Both members converge on the board (a lost publish is filled
		// from the store).
		m.waitFor("convergence", 20*time.Second, func() bool { return m.seq == seq && len(m.elements) == len(elements) })
	}
	if uint64(len(elements)) != seq {
		t.Errorf("board at seq %d holds %d elements: an edit was committed twice or lost", seq, len(elements))
	}
	t.Logf("board at seq %d; %d edits refused during the outage", seq, refusedUnavailable)
}

// Acceptance 5 (issue 5): a download started on node A and interrupted
// resumes on node B to a byte-identical file.
func TestExportResumesOnAnotherNode(t *testing.T) {
	prefix := redisPrefix(t)
	args := func() []string {
		return []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--redis", testRedisURL(), "--redis-prefix", prefix}
	}
	addrA, _ := startRun(t, args(), nil)
	addrB, _ := startRun(t, args(), nil)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	id, _ := createBoardAt(t, addrA)
	filler := connectMember(t, "ws://"+addrA+"/b/"+id+"/ws", "filler", nil)
	points := make([][2]float64, 5000)
	for i := range points {
		points[i] = [2]float64{float64(i) + 0.5, float64(i % 89)}
	}
	for msg := range 8 { // about 7 MB of JSON: more than one 4 MiB window
		var ops []any
		for i := range 12 {
			ops = append(ops, map[string]any{"op": "put", "el": map[string]any{"id": fmt.Sprint("s", msg, "-", i), "kind": "stroke", "points": points, "z": "a0"}})
		}
		ref := fmt.Sprint("fill-", msg)
		filler.mu.Lock()
		filler.pending[ref] = true
		filler.mu.Unlock()
		filler.send(map[string]any{"type": "ops", "ref": ref, "ops": ops})
		filler.waitFor("ack of "+ref, 20*time.Second, func() bool { return filler.acked[ref] })
	}

	// On node A: start, never ack, so it stops after one window; then drop.
	dlA := connectMember(t, "ws://"+addrA+"/b/"+id+"/ws", "dl-a", nil)
	dlA.send(map[string]any{"type": "export", "ref": "x", "format": "json"})
	var meta map[string]any
	dlA.waitFor("export.meta", 20*time.Second, func() bool {
		for _, msg := range dlA.msgs {
			if msg["type"] == "export.meta" {
				meta = msg
				return true
			}
		}
		return false
	})
	window, size := int64(meta["window"].(float64)), int64(meta["size"].(float64))
	if size <= window {
		t.Fatalf("file of %d bytes fits one window (%d); the test needs more", size, window)
	}
	dlA.waitFor("one window", 20*time.Second, func() bool { return dlA.have >= window })
	dlA.mu.Lock()
	part := append([]byte(nil), dlA.file[:dlA.have]...)
	dlA.mu.Unlock()
	dlA.conn.Close()

	// On node B: resume from what we hold, acking as we go.
	dlB := connectMember(t, "ws://"+addrB+"/b/"+id+"/ws", "dl-b", nil)
	dlB.mu.Lock()
	dlB.file, dlB.have = part, int64(len(part))
	dlB.mu.Unlock()
	xid := meta["id"].(string)
	dlB.send(map[string]any{"type": "export.resume", "id": xid, "offset": len(part)})
	deadline := time.Now().Add(30 * time.Second)
	for {
		dlB.mu.Lock()
		have, done := dlB.have, false
		for _, msg := range dlB.msgs {
			done = done || msg["type"] == "export.done" && msg["id"] == xid
			if msg["type"] == "error" {
				dlB.mu.Unlock()
				t.Fatalf("resume on node B refused: %v", msg)
			}
		}
		dlB.mu.Unlock()
		if done && have == size {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("resume on node B stalled at %d of %d bytes", have, size)
		}
		dlB.send(map[string]any{"type": "export.ack", "id": xid, "offset": have})
		time.Sleep(5 * time.Millisecond)
	}
	res, err := http.Get("http://" + addrB + "/b/" + id + "/export.json")
	if err != nil {
		t.Fatal(err)
	}
	var whole []byte
	buf := make([]byte, 1<<20)
	for {
		n, err := res.Body.Read(buf)
		whole = append(whole, buf[:n]...)
		if err != nil {
			break
		}
	}
	res.Body.Close()
	dlB.mu.Lock()
	defer dlB.mu.Unlock()
	if string(dlB.file) != string(whole) || res.Header.Get("ETag") != `"`+meta["sha256"].(string)+`"` {
		t.Fatalf("file resumed on node B (%d bytes) differs from node B's HTTP export (%d bytes)", len(dlB.file), len(whole))
	}
}

// requireAckedOnBoard fails the test for every edit a member saw
// acknowledged that is not among the board's elements.
func requireAckedOnBoard(t *testing.T, members []*member, elements map[string]bool) {
	t.Helper()
	for _, m := range members {
		m.mu.Lock()
		for ref := range m.acked {
			if !elements[ref] {
				t.Errorf("%s: acknowledged edit %s is not on the board", m.name, ref)
			}
		}
		m.mu.Unlock()
	}
}
