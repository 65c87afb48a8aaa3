package protoclient

import (
	"net"
	"time"
)

// throttledConn reads at most rate bytes a second since it was made, 1 KiB
// at a time: a client on a slow link, whose socket fills while it reads.
type throttledConn struct {
	net.Conn
	rate  int
	start time.Time
	read  int // only the reading goroutine reads
}

func (c *throttledConn) Read(p []byte) (int, error) {
	// Never ahead of rate × elapsed: wait, then read at most 1 KiB.
	allowed := int(time.Since(c.start).Seconds()*float64(c.rate)) - c.read
	if allowed < 1024 {
		time.Sleep(time.Duration(float64(1024-allowed) / float64(c.rate) * float64(time.Second)))
	}
	n, err := c.Conn.Read(p[:min(len(p), 1024)])
	c.read += n
	return n, err
}
