package board

import (
	"bytes"
	"encoding/json"
)

// wirePoints are a line's or stroke's points as a client sends them,
// [[x,y],…]. By bytes, points are most of what clients send: a pen's
// draft is sent again with every new point, 30–60 times a second. Through
// encoding/json each pair is a slice of its own and each number a
// reflective store: 400 allocations and most of the decoding time of a
// 200-point draft. UnmarshalJSON reads the usual shape by hand into one
// backing array. Anything it does not read cleanly — a pair of another
// length, a string, a number out of range, null — goes to encoding/json
// exactly as before, so what is accepted, the values and the errors are
// unchanged (TestWirePointsAgreeWithEncodingJSON, FuzzDecodeOps).
type wirePoints [][]float64

func (p *wirePoints) UnmarshalJSON(data []byte) error {
	if pts, ok := scanPoints(data); ok {
		*p = pts
		return nil
	}
	// A type error returned here gets the field's context ("wireElement.
	// points") from the outer decoder, as it did without this method.
	return json.Unmarshal(data, (*[][]float64)(p))
}

// scanPoints reads an array of number pairs with optional white space;
// ok is false for anything else.
func scanPoints(data []byte) (pts [][]float64, ok bool) {
	i := skipSpace(data, 0)
	if i == len(data) || data[i] != '[' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return [][]float64{}, skipSpace(data, i+1) == len(data)
	}
	// Every pair opens with '[' and a number holds none: one backing array
	// of the right size, found at memory speed.
	flat := make([]float64, 0, 2*(bytes.Count(data, []byte{'['})-1))
	for {
		if i == len(data) || data[i] != '[' {
			return nil, false
		}
		for k := range 2 {
			i = skipSpace(data, i+1) // past '[' or ','
			v, n, ok := JSONNumber(data[i:])
			if !ok {
				return nil, false
			}
			flat = append(flat, v)
			i = skipSpace(data, i+n)
			if want := ",]"[k]; i == len(data) || data[i] != want {
				return nil, false
			}
		}
		i = skipSpace(data, i+1) // past the pair's ']'
		if i == len(data) {
			return nil, false
		}
		if data[i] == ']' {
			break
		}
		if data[i] != ',' {
			return nil, false
		}
		i = skipSpace(data, i+1)
	}
	if skipSpace(data, i+1) != len(data) {
		return nil, false
	}
	pts = make([][]float64, len(flat)/2)
	for k := range pts {
		pts[k] = flat[2*k : 2*k+2 : 2*k+2]
	}
	return pts, true
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
