package protoclient

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// event is one numbered event of an HTTP session, as SSE and long-polling
// both carry it: its number, its name ("" or "message" for a server
// frame) and its data.
type event struct {
	n    int64
	name string
	data []byte
}

// sseReader reads the events of a text/event-stream as the HTML standard
// parses them: fields by line ("\n" or "\r\n" ends one), a blank line
// dispatches, comment lines (":…", the heartbeats) are skipped, one space
// after the colon is dropped, data lines are joined with "\n", an event
// with no data is not dispatched. The protocol numbers every event, so an
// event without an id, or with one that is not a number, is an error of
// its own kind (malformed); a read error is the stream's.
type sseReader struct {
	r    *bufio.Reader
	line []byte // a line longer than the buffer, put together
}

func newSSEReader(r io.Reader, size int) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, max(size, 4<<10))}
}

// errMalformed marks a stream that breaks the contract (not the network).
var errMalformed = errors.New("malformed event stream")

// next reads the next event. Its data is its own.
func (s *sseReader) next() (event, error) {
	var ev event
	var data []byte
	hasID := false
	for {
		line, err := s.readLine()
		if err != nil {
			return event{}, err // a partial event is dropped, as the standard says
		}
		if len(line) == 0 {
			if len(data) == 0 {
				ev, hasID = event{}, false
				continue
			}
			if !hasID {
				return event{}, fmt.Errorf("%w: an event without an id", errMalformed)
			}
			ev.data = data[:len(data)-1]
			return ev, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value, _ = bytes.CutPrefix(value, []byte(" "))
		switch string(field) {
		case "data":
			data = append(append(data, value...), '\n')
		case "event":
			ev.name = string(value)
		case "id":
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 1 {
				return event{}, fmt.Errorf("%w: id %q", errMalformed, value)
			}
			ev.n, hasID = n, true
		}
	}
}

// readLine reads one line without its ending; it is valid until the next
// call.
func (s *sseReader) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.line = append(s.line[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.r.ReadSlice('\n')
			s.line = append(s.line, line...)
		}
		line = s.line
	}
	if err != nil {
		return nil, err
	}
	line = line[:len(line)-1]
	line, _ = bytes.CutSuffix(line, []byte("\r"))
	return line, nil
}
