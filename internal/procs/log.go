package procs

import (
	"bufio"
	"io"
	"regexp"
	"strings"
	"sync"
)

// listeningLine is what a server logs once it accepts connections.
var listeningLine = regexp.MustCompile(`msg=listening addr=(\S+)`)

// keptLines is how many of the latest lines Log keeps.
const keptLines = 100

// logKeeper reads a server's log: it hands every line to onLine, tells the
// listening address once, and keeps the lines up to it and the latest.
type logKeeper struct {
	onLine    func(string)
	listening chan string // buffered: the address, once

	mu     sync.Mutex
	start  []string // up to and with the listening line
	latest []string // after it, the last keptLines
	heard  bool     // the listening line was read
}

func newLogKeeper(onLine func(string)) *logKeeper {
	return &logKeeper{onLine: onLine, listening: make(chan string, 1)}
}

// read reads r to its end. A line too long to scan ends the scanning, not
// the reading: the rest is drained so that the server never blocks on its
// log.
func (k *logKeeper) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		k.line(sc.Text())
	}
	io.Copy(io.Discard, r)
}

func (k *logKeeper) line(line string) {
	if k.onLine != nil {
		k.onLine(line)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.heard {
		if k.latest = append(k.latest, line); len(k.latest) > keptLines {
			k.latest = k.latest[1:]
		}
		return
	}
	k.start = append(k.start, line)
	if m := listeningLine.FindStringSubmatch(line); m != nil {
		k.heard = true
		k.listening <- m[1]
	}
}

// String is the log kept: its start, then its latest lines.
func (k *logKeeper) String() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return strings.Join(append(append([]string(nil), k.start...), k.latest...), "\n")
}
