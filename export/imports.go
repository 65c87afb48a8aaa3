package export

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/easel-app/easel/board"
)

// Import limits. MaxImportElements counts what an import adds (deleted and
// unsupported entries of an Excalidraw scene do not count);
// maxImportEntries bounds the work spent on a file's elements array.
const (
	MaxImportElements = 10000
	maxImportEntries  = 10 * MaxImportElements
)

// Imported is what an uploaded file holds.
type Imported struct {
	Source   string // "easel" or "excalidraw"
	Title    string // "" when the file has none; otherwise a valid board title
	Elements []board.Element
	// Skips counts the entries left out because Easel cannot draw them
	// (images, frames, embeds…), one entry per kind in file order.
	Skips []Skip
	// Deleted counts entries the file itself marks deleted: not skipped,
	// since nobody sees them.
	Deleted int
	// Files are the images the elements show (importfiles.go), each
	// element's src naming its file's sha: to be stored on the board
	// (StoreFiles) before the elements are committed.
	Files []ImportFile
	// boardBlobs are blobs image elements of an Easel file show without
	// the file carrying them: kept if the board holds them.
	boardBlobs map[string]bool
}

// Skip says how many entries of one kind an import left out for one
// reason.
type Skip struct {
	Kind   string `json:"kind"`
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// ParseImport reads an uploaded file (Easel's JSON export or an
// Excalidraw scene) into elements, every one of which passes the same
// validation as a client's put op. Errors are board errors with code
// bad_request (or too_large), and say what is wrong.
func ParseImport(data []byte) (title string, elements []board.Element, err error) {
	im, err := ReadImport(data)
	if err != nil {
		return "", nil, err
	}
	return im.Title, im.Elements, nil
}

// ReadImport is ParseImport with the details: the format and how many
// entries were skipped.
func ReadImport(data []byte) (*Imported, error) {
	var top map[string]json.RawMessage
	if err := board.DecodeJSON(data, &top); err != nil {
		return nil, notAFile("it is not JSON (%v)", err)
	}
	if top == nil {
		return nil, notAFile("it is not a JSON object")
	}
	format, _ := stringField(top, "format")
	kind, _ := stringField(top, "type")
	switch {
	case format == FileFormat:
		return readEasel(top)
	case kind == "excalidraw":
		return readExcalidraw(top)
	}
	return nil, notAFile(`it has neither "format": "easel" nor "type": "excalidraw"`)
}

func notAFile(format string, args ...any) error {
	return board.Errorf(board.CodeBadRequest, "not an Easel or Excalidraw file: "+format, args...)
}

func badElement(i int, format string, args ...any) error {
	return board.Errorf(board.CodeBadRequest, "elements[%d]"+format, append([]any{i}, args...)...)
}

// stringField is obj[key] when it is a string, "" when it is absent or
// null, and an error when it is something else.
func stringField(obj map[string]json.RawMessage, key string) (s string, err error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s must be a string", key)
	}
	return s, nil
}

// elementsField is the file's elements array, one raw value per entry.
func elementsField(top map[string]json.RawMessage) ([]json.RawMessage, error) {
	raw, ok := top["elements"]
	if !ok {
		return nil, board.Errorf(board.CodeBadRequest, "the file has no elements array")
	}
	var els []json.RawMessage
	if err := json.Unmarshal(raw, &els); err != nil || els == nil {
		return nil, board.Errorf(board.CodeBadRequest, "elements must be an array")
	}
	if len(els) > maxImportEntries {
		return nil, board.Errorf(board.CodeTooLarge, "the file has %d elements, at most %d can be imported", len(els), MaxImportElements)
	}
	return els, nil
}

// importTitle is a file's title made a valid board title (board.FitTitle:
// cleaned, cut to the longest allowed), and "" when there is none.
func importTitle(top map[string]json.RawMessage, obj string, key string) (string, error) {
	src := top
	if obj != "" {
		var inner map[string]json.RawMessage
		if raw, ok := top[obj]; !ok || json.Unmarshal(raw, &inner) != nil {
			return "", nil // an appState we cannot read has no title for us
		}
		src = inner
	}
	t, err := stringField(src, key)
	if err != nil {
		return "", board.Errorf(board.CodeBadRequest, "%v", err)
	}
	return board.FitTitle(t), nil
}

// checked runs one element, as JSON, through the server's validation of
// a client's put op, and returns what the server would store. Errors name
// the element as elements[i].
func checked(raw []byte, i int) (board.Element, error) {
	msg := make([]byte, 0, len(raw)+64)
	msg = append(msg, `{"type":"ops","ref":"import","ops":[{"op":"put","el":`...)
	msg = append(msg, raw...)
	msg = append(msg, "}]}"...)
	_, ops, err := board.DecodeOps(msg)
	if err != nil {
		text := board.ClientMessage(err)
		if rest, ok := strings.CutPrefix(text, "ops[0].el"); ok {
			return board.Element{}, badElement(i, "%s", rest)
		}
		if rest, ok := strings.CutPrefix(text, "ops[0]"); ok {
			return board.Element{}, badElement(i, "%s", rest)
		}
		return board.Element{}, badElement(i, ": %s", text)
	}
	return *ops[0].El, nil
}

// checkedElement is checked for an element built here.
func checkedElement(el *board.Element, i int) (board.Element, error) {
	raw, err := json.Marshal(el)
	if err != nil {
		return board.Element{}, badElement(i, ": %v", err)
	}
	return checked(raw, i)
}

// readEasel reads Easel's own JSON export (see File).
func readEasel(top map[string]json.RawMessage) (*Imported, error) {
	var version float64
	raw, ok := top["version"]
	if !ok || json.Unmarshal(raw, &version) != nil {
		return nil, board.Errorf(board.CodeBadRequest, "Easel file: version must be a number")
	}
	if version != FileVersion {
		return nil, board.Errorf(board.CodeBadRequest, "Easel file version %g is not supported (this server reads version %d)", version, FileVersion)
	}
	title, err := importTitle(top, "", "title")
	if err != nil {
		return nil, err
	}
	raws, err := elementsField(top)
	if err != nil {
		return nil, err
	}
	if len(raws) > MaxImportElements {
		return nil, board.Errorf(board.CodeTooLarge, "the file has %d elements, at most %d can be imported", len(raws), MaxImportElements)
	}
	rawFiles, err := filesField(top)
	if err != nil {
		return nil, err
	}
	files := newImportFiles(rawFiles, easelFile)
	im := &Imported{Source: FileFormat, Title: title, Elements: make([]board.Element, 0, len(raws))}
	seen := make(map[string]int, len(raws))
	for i, raw := range raws {
		el, err := checked(raw, i)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[el.ID]; dup {
			return nil, badElement(i, ".id %q is also the id of elements[%d]", el.ID, j)
		}
		seen[el.ID] = i
		if el.Kind == board.KindImage {
			// Its file, by the sha its src names: the bytes' own sha
			// from here on. Without one, the board may hold the blob.
			want, _ := board.BlobSHA(el.Src)
			switch sha, reason := files.sha(want); reason {
			case "":
				el.Src = board.BlobSrc(sha)
			case reasonNoFile:
				if im.boardBlobs == nil {
					im.boardBlobs = make(map[string]bool)
				}
				im.boardBlobs[want] = true
			default:
				im.Skips = addSkip(im.Skips, skipKindImage, reason)
				continue
			}
		}
		im.Elements = append(im.Elements, el)
	}
	im.Files = files.files
	return im, nil
}
