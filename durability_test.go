package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/procs"
	"github.com/easel-app/easel/store"
)

// buildBinary builds the real easel binary for this test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "easel")
	if err := procs.Build(context.Background(), ".", bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// startProcess runs the binary on a free port with dataDir; it is killed
// when the test ends, and its log shown if the test failed.
func startProcess(t *testing.T, bin, dataDir string, extra ...string) *procs.Server {
	t.Helper()
	p, err := procs.Start(context.Background(), bin, append([]string{"--addr", "127.0.0.1:0", "--data", dataDir}, extra...), procs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("log of the process on %s:\n%s", p.Addr, p.Log())
		}
	})
	return p
}

// stopProcess ends p with SIGTERM and fails the test if it does not exit
// within 15 s.
func stopProcess(t *testing.T, p *procs.Server) {
	t.Helper()
	if err := p.Stop(); errors.Is(err, procs.ErrStuck) {
		t.Fatal(err)
	}
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
			res, err := http.Post("http://"+p.Addr+"/api/boards", "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			var b struct{ ID string }
			json.NewDecoder(res.Body).Decode(&b)
			res.Body.Close()
			boardID = b.ID
		}
		url := "ws://" + p.Addr + "/b/" + boardID + "/ws"
		// Like a page, an editor keeps its client id across reconnects so
		// that its resent refs dedupe against the originals.
		editors := make([]*member, 3)
		for i := range editors {
			editors[i] = connectClient(t, url, "editor", fmt.Sprintf("durability-editor-%d-0123456789", i), nil)
		}
		for ref, i := range pending { // resend what was never acknowledged, with the same client id
			editors[i].edit(ref)
		}
		stop := make(chan struct{})
		senders := make([]func(string) error, len(editors))
		for i, e := range editors {
			senders[i] = e.edit
		}
		// ~66 messages/s per editor, within the budget.
		wg := streamEdits(senders, fmt.Sprintf("r%d", round), 15*time.Millisecond, stop)
		time.Sleep(time.Duration(100+rng.IntN(500)) * time.Millisecond) // the random moment
		p.Kill()
		close(stop)
		wg.Wait()
		pending = map[string]int{}
		for i, e := range editors {
			e.close()
			e.mu.Lock()
			for ref := range e.acked {
				acked[ref] = true
			}
			for ref := range e.pending { // sent, neither acked nor refused
				if !acked[ref] {
					pending[ref] = i
				}
			}
			e.mu.Unlock()
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
	auditor := connectMember(t, "ws://"+p.Addr+"/b/"+boardID+"/ws", "auditor", nil)
	var welcome struct {
		Type     string
		Seq      uint64
		Elements []struct{ ID string }
	}
	line, _ := json.Marshal(auditor.wait("the welcome", func(m map[string]any) bool { return m["type"] == "welcome" }))
	json.Unmarshal(line, &welcome)
	auditor.close()
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
	stopProcess(t, p)
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
