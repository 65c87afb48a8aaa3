package export

import (
	"context"
	"encoding/json"

	"github.com/easel-app/easel/board"
)

// FileFormat and FileVersion identify Easel's own JSON export.
const (
	FileFormat  = "easel"
	FileVersion = 1
)

// File is Easel's JSON export: versioned, re-importable with POST
// …/import, elements in drawing order, and the images they show.
type File struct {
	Format   string           `json:"format"`
	Version  int              `json:"version"`
	Title    string           `json:"title"`
	Seq      uint64           `json:"seq"`
	Elements []*board.Element `json:"elements"`
	// Files holds the bytes of every blob the image elements show (by
	// its SHA-256), so that an import restores them; absent on a board
	// without images. A blob the board no longer holds is left out.
	Files map[string]FileBlob `json:"files,omitempty"`
}

// FileBlob is one image of a File: its type and its bytes (base64 in
// the JSON).
type FileBlob struct {
	MIME string `json:"mime"`
	Data []byte `json:"data"`
}

func renderJSON(ctx context.Context, snap *board.Snapshot, src BlobSource) ([]byte, error) {
	sc := imageScene(snap)
	if err := sc.loadImages(ctx, src); err != nil {
		return nil, err
	}
	var files map[string]FileBlob
	if sc.images != nil {
		for _, im := range sc.images.order {
			ok, err := sc.images.bytes(ctx, im)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if files == nil {
				files = make(map[string]FileBlob)
			}
			files[im.sha] = FileBlob{MIME: im.info.MIME, Data: im.data}
		}
	}
	// Compact: indentation would put every point coordinate on a line of
	// its own and multiply the size of large boards.
	data, err := json.Marshal(File{
		Format:   FileFormat,
		Version:  FileVersion,
		Title:    snap.Title,
		Seq:      snap.Seq,
		Elements: snap.Sorted(),
		Files:    files,
	})
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
