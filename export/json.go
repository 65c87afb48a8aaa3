package export

import (
	"encoding/json"

	"github.com/easel-app/easel/board"
)

// FileFormat and FileVersion identify Easel's own JSON export.
const (
	FileFormat  = "easel"
	FileVersion = 1
)

// File is Easel's JSON export: versioned, re-importable with POST
// …/import, elements in drawing order.
type File struct {
	Format   string           `json:"format"`
	Version  int              `json:"version"`
	Title    string           `json:"title"`
	Seq      uint64           `json:"seq"`
	Elements []*board.Element `json:"elements"`
}

func renderJSON(snap *board.Snapshot) ([]byte, error) {
	// Compact: indentation would put every point coordinate on a line of
	// its own and multiply the size of large boards.
	data, err := json.Marshal(File{
		Format:   FileFormat,
		Version:  FileVersion,
		Title:    snap.Title,
		Seq:      snap.Seq,
		Elements: snap.Sorted(),
	})
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
