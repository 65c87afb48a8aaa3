package subset

import (
	"encoding/binary"
	"math/bits"
	"sort"
)

// mapping is one cmap entry: a code point and its glyph in the subset.
type mapping struct {
	r   rune
	gid uint16
}

// maxFormat4Segments is what a format 4 subtable's 16-bit length holds
// (16 bytes of header, 8 per segment, the closing segment included).
const maxFormat4Segments = (0xFFFF - 16) / 8

// buildCmap writes a cmap with two subtables over the same mappings:
// format 4 (Windows BMP, 3/1), which every reader knows, and format 12
// (Windows full repertoire, 3/10), which covers code points beyond the BMP
// and which readers prefer when both are there. A format 4 subtable
// cannot pass 64 KiB: past maxFormat4Segments runs it holds the lowest
// code points only, and format 12 the rest.
func buildCmap(ms []mapping) []byte {
	sort.Slice(ms, func(i, j int) bool { return ms[i].r < ms[j].r })
	f4, f12 := format4(ms), format12(ms)
	be := binary.BigEndian
	b := make([]byte, 0, 20+len(f4)+len(f12))
	b = be.AppendUint16(b, 0) // version
	b = be.AppendUint16(b, 2) // subtables
	b = be.AppendUint16(b, 3)
	b = be.AppendUint16(b, 1)
	b = be.AppendUint32(b, 20)
	b = be.AppendUint16(b, 3)
	b = be.AppendUint16(b, 10)
	b = be.AppendUint32(b, uint32(20+len(f4)))
	return append(append(b, f4...), f12...)
}

// run is a range of consecutive code points mapped to consecutive glyphs.
type run struct {
	start, end rune
	gid        uint16 // glyph of start
}

// runs groups sorted mappings into runs; bmp keeps only code points of
// the Basic Multilingual Plane (U+FFFF, a noncharacter, left out).
func runs(ms []mapping, bmp bool) []run {
	var out []run
	for _, m := range ms {
		if bmp && m.r >= 0xFFFF {
			break
		}
		if n := len(out); n > 0 {
			last := &out[n-1]
			if m.r == last.end+1 && int(m.gid) == int(last.gid)+int(m.r-last.start) {
				last.end = m.r
				continue
			}
		}
		out = append(out, run{m.r, m.r, m.gid})
	}
	return out
}

func format4(ms []mapping) []byte {
	rs := runs(ms, true)
	if len(rs) > maxFormat4Segments-1 {
		rs = rs[:maxFormat4Segments-1]
	}
	segs := len(rs) + 1 // and the closing 0xFFFF segment
	be := binary.BigEndian
	searchRange := 2 << (bits.Len(uint(segs)) - 1)
	b := make([]byte, 0, 16+8*segs)
	b = be.AppendUint16(b, 4)
	b = be.AppendUint16(b, uint16(16+8*segs))
	b = be.AppendUint16(b, 0) // language
	b = be.AppendUint16(b, uint16(2*segs))
	b = be.AppendUint16(b, uint16(searchRange))
	b = be.AppendUint16(b, uint16(bits.Len(uint(segs))-1))
	b = be.AppendUint16(b, uint16(2*segs-searchRange))
	for _, r := range rs {
		b = be.AppendUint16(b, uint16(r.end))
	}
	b = be.AppendUint16(b, 0xFFFF)
	b = be.AppendUint16(b, 0) // reservedPad
	for _, r := range rs {
		b = be.AppendUint16(b, uint16(r.start))
	}
	b = be.AppendUint16(b, 0xFFFF)
	for _, r := range rs {
		b = be.AppendUint16(b, r.gid-uint16(r.start)) // idDelta, modulo 65536
	}
	b = be.AppendUint16(b, 1) // 0xFFFF + 1 = glyph 0
	for range segs {
		b = be.AppendUint16(b, 0) // idRangeOffset: none, deltas only
	}
	return b
}

func format12(ms []mapping) []byte {
	rs := runs(ms, false)
	be := binary.BigEndian
	b := make([]byte, 0, 16+12*len(rs))
	b = be.AppendUint16(b, 12)
	b = be.AppendUint16(b, 0) // reserved
	b = be.AppendUint32(b, uint32(16+12*len(rs)))
	b = be.AppendUint32(b, 0) // language
	b = be.AppendUint32(b, uint32(len(rs)))
	for _, r := range rs {
		b = be.AppendUint32(b, uint32(r.start))
		b = be.AppendUint32(b, uint32(r.end))
		b = be.AppendUint32(b, uint32(r.gid))
	}
	return b
}
