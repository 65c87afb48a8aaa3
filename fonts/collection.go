package fonts

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// extractFace rewrites face index of a collection (.ttc) as a standalone
// font file, because browsers load single fonts, not collections. The
// tables are read by go-text's loader; the file is written here rather
// than with ot.WriteTTF, which neither aligns tables on 4 bytes (the
// browsers' font sanitizer, OTS, refuses misaligned tables) nor keeps a
// CFF font's OTTO signature.
func extractFace(data []byte, index int) ([]byte, error) {
	lds, err := ot.NewLoaders(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if index < 0 || index >= len(lds) {
		return nil, fmt.Errorf("collection has no face %d", index)
	}
	ld := lds[index]
	tags := ld.Tables() // sorted, as the table directory must be
	contents := make([][]byte, len(tags))
	for i, tag := range tags {
		if contents[i], err = ld.RawTable(tag); err != nil {
			return nil, fmt.Errorf("table %s: %w", tag, err)
		}
	}
	return WriteSFNT(ld.Type, tags, contents), nil
}

// WriteSFNT lays out an OpenType file: header, table directory (tags
// sorted, as OpenType requires), then each table at a 4-byte aligned
// offset, zero padded. It leaves head's checkSumAdjustment as it finds it.
func WriteSFNT(version ot.Tag, tags []ot.Tag, contents [][]byte) []byte {
	n := len(tags)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := (1 << entrySelector) * 16
	head := 12 + 16*n
	size := head
	for _, c := range contents {
		size += (len(c) + 3) &^ 3
	}
	out := make([]byte, size)
	be := binary.BigEndian
	be.PutUint32(out[0:], uint32(version))
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(searchRange))
	be.PutUint16(out[8:], uint16(entrySelector))
	be.PutUint16(out[10:], uint16(n*16-searchRange))
	off := head
	for i, tag := range tags {
		c := contents[i]
		copy(out[off:], c)
		padded := (len(c) + 3) &^ 3
		rec := out[12+16*i:]
		be.PutUint32(rec[0:], uint32(tag))
		be.PutUint32(rec[4:], checksum(out[off:off+padded]))
		be.PutUint32(rec[8:], uint32(off))
		be.PutUint32(rec[12:], uint32(len(c)))
		off += padded
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i+4 <= len(b); i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	return sum
}

// validate parses a whole font file: every table it names must lie inside
// the file, and the tables the renderer reads must parse.
func validate(data []byte) error {
	ld, err := ot.NewLoader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	for _, tag := range ld.Tables() {
		if _, err := ld.RawTable(tag); err != nil {
			return fmt.Errorf("table %s: %w", tag, err)
		}
	}
	_, err = font.NewFont(ld)
	return err
}
