package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/store"
)

// buildBinary builds the real easel binary once for this test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "easel")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is the binary running as a subprocess.
type process struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

func startProcess(t *testing.T, bin, dataDir string, extra ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0", "--data", dataDir}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		defer close(p.done)
		listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		cmd.Wait()
	}()
	select {
	case p.addr = <-found:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("binary did not log its listening address within 10 s")
	}
	return p
}

func (p *process) kill9(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func (p *process) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		t.Fatal("binary did not exit within 15 s of SIGTERM")
	}
}

// editor streams ops messages, one new element per message with the ref as
// its id, and records which refs were acknowledged.
type editor struct {
	conn *websocket.Conn
	mu   sync.Mutex
	sent map[string]bool // sent, not yet acked or refused
	ack  map[string]bool
	done chan struct{}
}

// newEditor connects with hello's client id: like a page, an editor keeps
// it across reconnects so that its resent refs dedupe against the originals.
func newEditor(t *testing.T, url, client string) *editor {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.WriteJSON(map[string]any{"type": "hello", "name": "editor", "color": "#000000", "client": client})
	e := &editor{conn: conn, sent: map[string]bool{}, ack: map[string]bool{}, done: make(chan struct{})}
	go e.read()
	return e
}

func (e *editor) read() {
	defer close(e.done)
	for {
		_, data, err := e.conn.ReadMessage()
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(data), "\n") {
			var m struct{ Type, Ref, Code string }
			json.Unmarshal([]byte(line), &m)
			e.mu.Lock()
			switch {
			case m.Type == "ops" && e.sent[m.Ref]:
				delete(e.sent, m.Ref)
				e.ack[m.Ref] = true
			case m.Type == "error" && e.sent[m.Ref]:
				delete(e.sent, m.Ref) // refused (rate limit): not committed
			}
			e.mu.Unlock()
		}
	}
}

func (e *editor) send(ref string) error {
	e.mu.Lock()
	e.sent[ref] = true
	e.mu.Unlock()
	return e.conn.WriteJSON(map[string]any{"type": "ops", "ref": ref, "ops": []any{
		map[string]any{"op": "put", "el": map[string]any{"id": ref, "kind": "rect", "x": 1, "y": 2, "w": 3, "h": 4, "z": "a0"}},
	}})
}

// Acceptance 2 (issue 3): edits stream in while the real binary is killed
// with SIGKILL at a random moment, ten times; after each restart on the same
// data every acknowledged ref is on the board exactly once, and the store
// passes its integrity check.
func TestAckedEditsSurviveKill9(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	var boardID string
	acked := map[string]bool{}
	pending := map[string]int{} // sent but never acked → by which editor: resent after the restart
	next := 0
	for round := range 10 {
		p := startProcess(t, bin, dir)
		if boardID == "" {
			res, err := http.Post("http://"+p.addr+"/api/boards", "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			var b struct{ ID string }
			json.NewDecoder(res.Body).Decode(&b)
			res.Body.Close()
			boardID = b.ID
		}
		url := "ws://" + p.addr + "/b/" + boardID + "/ws"
		editors := make([]*editor, 3)
		for i := range editors {
			editors[i] = newEditor(t, url, fmt.Sprintf("durability-editor-%d-0123456789", i))
		}
		for ref, i := range pending { // resend what was never acknowledged, with the same client id
			editors[i].send(ref)
		}
		stop := make(chan struct{})
		senders := make([]func(string) error, len(editors))
		for i, e := range editors {
			senders[i] = e.send
		}
		// ~66 messages/s per editor, within the budget.
		wg := streamEdits(senders, fmt.Sprintf("r%d", round), 15*time.Millisecond, stop)
		time.Sleep(time.Duration(100+rng.IntN(500)) * time.Millisecond) // the random moment
		p.kill9(t)
		close(stop)
		wg.Wait()
		pending = map[string]int{}
		for i, e := range editors {
			e.conn.Close()
			<-e.done
			for ref := range e.ack {
				acked[ref] = true
			}
			for ref := range e.sent {
				if !acked[ref] {
					pending[ref] = i
				}
			}
		}
		for ref := range acked {
			delete(pending, ref)
		}
		next += len(acked)

		// The file a SIGKILL left behind is consistent.
		st, err := store.OpenBolt(dir)
		if err != nil {
			t.Fatalf("round %d: reopen store after kill: %v", round, err)
		}
		if err := st.Check(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		st.Close()
	}
	if len(acked) < 50 {
		t.Fatalf("only %d edits were acknowledged in 10 rounds; the test exercised too little", len(acked))
	}

	// Restart once more and read the board as a new member does.
	p := startProcess(t, bin, dir)
	conn, _, err := websocket.DefaultDialer.Dial("ws://"+p.addr+"/b/"+boardID+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	conn.WriteJSON(map[string]any{"type": "hello", "name": "auditor", "color": "#000000"})
	var welcome struct {
		Type     string
		Seq      uint64
		Elements []struct{ ID string }
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := conn.ReadJSON(&welcome); err != nil || welcome.Type != "welcome" {
		t.Fatalf("welcome: %v %+v", err, welcome.Type)
	}
	conn.Close()
	onBoard := map[string]int{}
	for _, el := range welcome.Elements {
		onBoard[el.ID]++
	}
	for ref := range acked {
		if onBoard[ref] != 1 {
			t.Errorf("acknowledged edit %s is on the board %d times", ref, onBoard[ref])
		}
	}
	// Every message adds one new element, so a ref committed twice would
	// show as more seqs than elements.
	if uint64(len(welcome.Elements)) != welcome.Seq {
		t.Errorf("board at seq %d holds %d elements: some message was committed twice or lost", welcome.Seq, len(welcome.Elements))
	}
	p.stop(t)
	st, err := store.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d edits acknowledged across 10 kills; board at seq %d with %d elements", len(acked), welcome.Seq, len(welcome.Elements))
}
