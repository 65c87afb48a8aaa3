package export

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/easel-app/easel/board"
)

// Images in imports. An Easel file carries its images in "files" (by
// sha: {"mime","data":base64}), an Excalidraw scene in "files" (by file
// id: {"mimeType","dataURL":"data:<type>;base64,…"}). Reading a file
// decodes the bytes of the files its image elements show and points each
// element at the SHA-256 of those bytes ("blob:<sha>"), whatever the file
// called them; nothing is checked beyond that here. StoreFiles then
// stores each file as a blob of the board, with every limit of an upload,
// before the elements are committed, and leaves out the images whose file
// was refused, with the reason in Skips.

// ImportFile is one image an import brings: its bytes as the file holds
// them, the type the file declares, and their SHA-256.
type ImportFile struct {
	SHA  string
	MIME string
	Data []byte
}

// Reasons an image is left out of an import, besides its file's
// refusal by the store (the refusal's own message).
const (
	reasonNoFile  = "its file is not in the import"
	reasonBadFile = "its file is not readable (not base64 image data)"
)

// skipKindImage is what Skips call images.
const skipKindImage = "image"

// importFiles reads the files of an import's image elements, each
// entry once.
type importFiles struct {
	raw    map[string]json.RawMessage // the file's "files"
	decode func(json.RawMessage) (mime string, data []byte, ok bool)
	files  []ImportFile
	byKey  map[string]string // entry key → sha; "" for an unreadable entry
	bySHA  map[string]bool
}

func newImportFiles(raw map[string]json.RawMessage, decode func(json.RawMessage) (string, []byte, bool)) *importFiles {
	return &importFiles{raw: raw, decode: decode, byKey: make(map[string]string), bySHA: make(map[string]bool)}
}

// sha is the SHA-256 of the bytes of entry key; reason says why there
// is none (reasonNoFile, reasonBadFile).
func (f *importFiles) sha(key string) (sha, reason string) {
	sha, seen := f.byKey[key]
	if !seen {
		raw, ok := f.raw[key]
		if !ok {
			return "", reasonNoFile
		}
		if mime, data, ok := f.decode(raw); ok {
			sum := sha256.Sum256(data)
			sha = hex.EncodeToString(sum[:])
			if !f.bySHA[sha] {
				f.bySHA[sha] = true
				f.files = append(f.files, ImportFile{SHA: sha, MIME: mime, Data: data})
			}
		}
		f.byKey[key] = sha
	}
	if sha == "" {
		return "", reasonBadFile
	}
	return sha, ""
}

// filesField reads a file's "files" object: key → raw entry. Absent or
// null is none.
func filesField(top map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	raw, ok := top["files"]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var files map[string]json.RawMessage
	if err := json.Unmarshal(raw, &files); err != nil {
		return nil, board.Errorf(board.CodeBadRequest, "files must be an object of images by id")
	}
	return files, nil
}

// easelFile decodes an Easel file's entry {"mime","data":base64}.
func easelFile(raw json.RawMessage) (mime string, data []byte, ok bool) {
	var f FileBlob
	if json.Unmarshal(raw, &f) != nil || f.MIME == "" || len(f.Data) == 0 {
		return "", nil, false
	}
	return f.MIME, f.Data, true
}

// excalidrawFile decodes an Excalidraw file's entry: the bytes of its
// dataURL ("data:<type>;base64,<bytes>"), whose type is the one declared
// (mimeType when the URL names none).
func excalidrawFile(raw json.RawMessage) (mime string, data []byte, ok bool) {
	var f struct {
		MIMEType string `json:"mimeType"`
		DataURL  string `json:"dataURL"`
	}
	if json.Unmarshal(raw, &f) != nil {
		return "", nil, false
	}
	head, payload, found := strings.Cut(f.DataURL, ",")
	head, isData := strings.CutPrefix(head, "data:")
	head, isBase64 := strings.CutSuffix(head, ";base64")
	if !found || !isData || !isBase64 {
		return "", nil, false
	}
	mime = f.MIMEType
	if head != "" {
		mime = head
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || len(data) == 0 || mime == "" {
		return "", nil, false
	}
	return mime, data, true
}

// addSkip counts one more entry of kind left out for reason.
func addSkip(skips []Skip, kind, reason string) []Skip {
	for i := range skips {
		if skips[i].Kind == kind && skips[i].Reason == reason {
			skips[i].Count++
			return skips
		}
	}
	return append(skips, Skip{Kind: kind, Count: 1, Reason: reason})
}

// BlobPut stores an image's bytes as a blob of the board being imported
// into, with every limit of an upload (session.Hub.PutBlob): refusals are
// board errors coded unsupported_media_type or too_large.
type BlobPut func(ctx context.Context, data []byte, mime string) (board.BlobInfo, error)

// BlobHas tells whether the board being imported into holds a blob.
type BlobHas func(ctx context.Context, sha string) (bool, error)

// StoreFiles stores im's files with put, before its elements are
// committed, and leaves out the image elements whose file put refuses
// (too large, too many pixels, not an image of its type, beyond the
// board's quota) or, in an Easel file without that file, whose blob the
// board does not hold either (has), each counted in Skips with the
// reason. Any other failure of put or has is returned: nothing is
// imported then.
func (im *Imported) StoreFiles(ctx context.Context, put BlobPut, has BlobHas) error {
	refused := make(map[string]string) // sha → reason
	for _, f := range im.Files {
		if _, err := put(ctx, f.Data, f.MIME); err != nil {
			switch board.ErrorCode(err) {
			case board.CodeUnsupported:
				refused[f.SHA] = unsupportedReason(f.MIME)
			case board.CodeTooLarge: // its bytes, its pixels or the board's quota: the message says which
				refused[f.SHA] = board.ClientMessage(err)
			default:
				return err
			}
		}
	}
	for sha := range im.boardBlobs {
		ok, err := has(ctx, sha)
		if err != nil {
			return err
		}
		if !ok {
			refused[sha] = reasonNoFile
		}
	}
	if len(refused) == 0 {
		return nil
	}
	kept := im.Elements[:0]
	for _, el := range im.Elements {
		if sha, _ := board.BlobSHA(el.Src); el.Kind == board.KindImage && refused[sha] != "" {
			im.Skips = addSkip(im.Skips, skipKindImage, refused[sha])
			continue
		}
		kept = append(kept, el)
	}
	im.Elements = kept
	return nil
}

// unsupportedReason says why a file of type mime is not an image the
// board can hold.
func unsupportedReason(mime string) string {
	switch {
	case mime == "image/svg+xml":
		return "SVG images are not supported (they can carry script)"
	case !slices.Contains(board.BlobMIMEs, mime):
		return "its type " + cutRunes(mime, 40) + " is not PNG, JPEG, WebP or GIF"
	}
	return "its file is not a readable " + mime + " image"
}

// DropFiles forgets the files' bytes, once stored.
func (im *Imported) DropFiles() { im.Files, im.boardBlobs = nil, nil }
