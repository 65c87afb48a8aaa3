package subset

import (
	"encoding/binary"
	"errors"
	"unicode/utf16"
)

var be = binary.BigEndian

// metrics are the subset's glyph statistics the header tables carry.
type metrics struct {
	numGlyphs              int
	xMin, yMin, xMax, yMax int16 // over glyphs with an outline
	any                    bool  // some glyph has one
	maxPoints, maxContours int
	advMax                 uint16
	minLSB, minRSB, xExt   int16
}

// measure fills m from the glyphs and their advances.
func measure(gs []glyph, adv []uint16) metrics {
	m := metrics{numGlyphs: len(gs)}
	for i, g := range gs {
		m.advMax = max(m.advMax, adv[i])
		if g.data == nil {
			continue
		}
		w := int(g.xMax) - int(g.xMin)
		rsb := clamp16(int(adv[i]) - int(g.xMin) - w)
		ext := clamp16(int(g.xMin) + w)
		if !m.any {
			m.xMin, m.yMin, m.xMax, m.yMax = g.xMin, g.yMin, g.xMax, g.yMax
			m.minLSB, m.minRSB, m.xExt = g.xMin, rsb, ext
			m.any = true
		}
		m.xMin, m.yMin, m.xMax, m.yMax = min(m.xMin, g.xMin), min(m.yMin, g.yMin), max(m.xMax, g.xMax), max(m.yMax, g.yMax)
		m.minLSB, m.minRSB, m.xExt = min(m.minLSB, g.xMin), min(m.minRSB, rsb), max(m.xExt, ext)
		m.maxPoints, m.maxContours = max(m.maxPoints, g.points), max(m.maxContours, g.contours)
	}
	return m
}

func clamp16(v int) int16 { return int16(max(-32768, min(32767, v))) }

// headTable is the source's head with the subset's bounds and loca format,
// and checkSumAdjustment zero until the whole file is known.
func headTable(src []byte, m metrics, longLoca bool) ([]byte, error) {
	if len(src) < 54 || be.Uint32(src[12:]) != 0x5F0F3CF5 {
		return nil, errors.New("source has no valid head table")
	}
	b := append([]byte(nil), src[:54]...)
	be.PutUint32(b[8:], 0)
	be.PutUint16(b[36:], uint16(m.xMin))
	be.PutUint16(b[38:], uint16(m.yMin))
	be.PutUint16(b[40:], uint16(m.xMax))
	be.PutUint16(b[42:], uint16(m.yMax))
	be.PutUint16(b[50:], 0)
	if longLoca {
		be.PutUint16(b[50:], 1)
	}
	be.PutUint16(b[52:], 0) // glyphDataFormat
	return b, nil
}

// hheaTable is the source's hhea (ascender, descender, line gap, caret)
// with the subset's extremes and its count of full metrics.
func hheaTable(src []byte, m metrics, numHMetrics int) ([]byte, error) {
	if len(src) < 36 {
		return nil, errors.New("source has no valid hhea table")
	}
	b := append([]byte(nil), src[:36]...)
	be.PutUint16(b[10:], m.advMax)
	be.PutUint16(b[12:], uint16(m.minLSB))
	be.PutUint16(b[14:], uint16(m.minRSB))
	be.PutUint16(b[16:], uint16(m.xExt))
	be.PutUint16(b[32:], 0) // metricDataFormat
	be.PutUint16(b[34:], uint16(numHMetrics))
	return b, nil
}

// maxpTable is a version 1.0 maxp for unhinted simple glyphs.
func maxpTable(m metrics) []byte {
	b := make([]byte, 32)
	be.PutUint32(b[0:], 0x00010000)
	be.PutUint16(b[4:], uint16(m.numGlyphs))
	be.PutUint16(b[6:], uint16(m.maxPoints))
	be.PutUint16(b[8:], uint16(m.maxContours))
	be.PutUint16(b[14:], 2) // maxZones: the glyph zone and the twilight zone
	return b
}

// hmtxTable writes advances and left side bearings; advances equal to the
// last one at the end are stored once (numberOfHMetrics).
func hmtxTable(gs []glyph, adv []uint16) (table []byte, numHMetrics int) {
	n := len(adv)
	numHMetrics = n
	for numHMetrics > 1 && adv[numHMetrics-2] == adv[n-1] {
		numHMetrics--
	}
	b := make([]byte, 0, 4*numHMetrics+2*(n-numHMetrics))
	for i := range n {
		if i < numHMetrics {
			b = be.AppendUint16(b, adv[i])
		}
		lsb := int16(0)
		if gs[i].data != nil {
			lsb = gs[i].xMin
		}
		b = be.AppendUint16(b, uint16(lsb))
	}
	return b, numHMetrics
}

// os2Table is the source's OS/2 with the subset's first and last
// character; the rest (weight, widths, vertical metrics, embedding
// permissions) describe the same design.
func os2Table(src []byte, ms []mapping) ([]byte, error) {
	if len(src) < 78 {
		return nil, errors.New("source has no valid OS/2 table")
	}
	b := append([]byte(nil), src...)
	first, last := 0xFFFF, 0
	for _, m := range ms {
		first, last = min(first, int(min(m.r, 0xFFFF))), max(last, int(min(m.r, 0xFFFF)))
	}
	if len(ms) == 0 {
		first = 0
	}
	be.PutUint16(b[64:], uint16(first))
	be.PutUint16(b[66:], uint16(last))
	return b, nil
}

// postTable is version 3.0 (no glyph names) with the source's italic
// angle, underline and pitch.
func postTable(src []byte) []byte {
	b := make([]byte, 32)
	be.PutUint32(b[0:], 0x00030000)
	if len(src) >= 16 {
		copy(b[4:16], src[4:16])
	}
	return b
}

// Name ids written to the subset's name table.
const (
	nameCopyright  = 0
	nameFamily     = 1
	nameSubfamily  = 2
	nameUniqueID   = 3
	nameFull       = 4
	nameVersion    = 5
	namePostScript = 6
	nameLicense    = 13
	nameLicenseURL = 14
)

// copiedNames are the source's names a subset keeps: who made it and
// under which licence.
var copiedNames = []uint16{nameCopyright, nameVersion, nameLicense, nameLicenseURL}

// maxNameLen bounds one copied name, in bytes of UTF-16.
const maxNameLen = 4096

// nameTable writes the family (the subset's own, so that it can never
// pass for the whole font) and the source's copyright, version and
// licence, as Windows Unicode (3/1/0x409) records.
func nameTable(src []byte, family string) []byte {
	names := map[uint16][]byte{}
	for _, id := range copiedNames {
		if s := sourceName(src, id); s != nil {
			names[id] = s
		}
	}
	names[nameFamily] = utf16BE(family)
	names[nameSubfamily] = utf16BE("Regular")
	names[nameUniqueID] = utf16BE(family)
	names[nameFull] = utf16BE(family)
	names[namePostScript] = utf16BE(postScriptName(family))
	ids := []uint16{nameCopyright, nameFamily, nameSubfamily, nameUniqueID, nameFull, nameVersion, namePostScript, nameLicense, nameLicenseURL}
	var recs, strs []byte
	count := 0
	for _, id := range ids {
		s, ok := names[id]
		if !ok {
			continue
		}
		recs = be.AppendUint16(recs, 3)
		recs = be.AppendUint16(recs, 1)
		recs = be.AppendUint16(recs, 0x409)
		recs = be.AppendUint16(recs, id)
		recs = be.AppendUint16(recs, uint16(len(s)))
		recs = be.AppendUint16(recs, uint16(len(strs)))
		strs = append(strs, s...)
		count++
	}
	b := be.AppendUint16(nil, 0)
	b = be.AppendUint16(b, uint16(count))
	b = be.AppendUint16(b, uint16(6+len(recs)))
	return append(append(b, recs...), strs...)
}

// sourceName is name id's Windows English (3/1/0x409) string in a name
// table, as UTF-16BE bytes; nil when absent, malformed or too long.
func sourceName(name []byte, id uint16) []byte {
	if len(name) < 6 {
		return nil
	}
	count, base := int(be.Uint16(name[2:])), int(be.Uint16(name[4:]))
	for i := range count {
		r := 6 + 12*i
		if r+12 > len(name) {
			return nil
		}
		if be.Uint16(name[r:]) != 3 || be.Uint16(name[r+2:]) != 1 || be.Uint16(name[r+4:]) != 0x409 || be.Uint16(name[r+6:]) != id {
			continue
		}
		n, off := int(be.Uint16(name[r+8:])), base+int(be.Uint16(name[r+10:]))
		if n%2 != 0 || n > maxNameLen || off+n > len(name) {
			return nil
		}
		return append([]byte(nil), name[off:off+n]...)
	}
	return nil
}

func utf16BE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = be.AppendUint16(b, u)
	}
	return b
}

// postScriptName is family as PostScript allows: printable ASCII without
// spaces or delimiters, at most 63 characters.
func postScriptName(family string) string {
	var b []byte
	for _, c := range []byte(family) {
		if c > 32 && c < 127 && c != '[' && c != ']' && c != '(' && c != ')' && c != '{' && c != '}' && c != '<' && c != '>' && c != '/' && c != '%' {
			b = append(b, c)
		}
	}
	if len(b) > 63 {
		b = b[:63]
	}
	if len(b) == 0 {
		return "Subset"
	}
	return string(b)
}
