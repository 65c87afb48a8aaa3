package export

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
)

// FuzzParseImport: no input makes ParseImport panic, and whatever it
// accepts is what the server would accept from a client.
func FuzzParseImport(f *testing.F) {
	scene, err := os.ReadFile("testdata/scene.excalidraw")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(scene)
	fidelity, err := os.ReadFile("testdata/fidelity.excalidraw")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fidelity)
	images, err := os.ReadFile("testdata/images.excalidraw")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(images)
	png := "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
	sha := strings.Repeat("ab", 32)
	f.Add([]byte(`{"format":"easel","version":1,"elements":[{"id":"i","kind":"image","w":5,"h":5,"src":"blob:` + sha + `","z":"a0"},{"id":"j","kind":"image","src":"blob:` + strings.Repeat("0", 64) + `"}],"files":{"` + sha + `":{"mime":"image/png","data":"` + png + `"}}}`))
	f.Add([]byte(`{"type":"excalidraw","elements":[{"id":"i","type":"image","fileId":"f","width":3,"height":4},{"id":"j","type":"image","fileId":"g"}],"files":{"f":{"mimeType":"image/png","dataURL":"data:;base64,` + png + `"},"g":{"dataURL":"data:image/gif;base64,@"}}}`))
	f.Add([]byte(`{"type":"excalidraw","elements":[{"id":"r","type":"rectangle","roundness":{"type":3},"groupIds":["a","b"],"locked":true,"boundElements":[{"type":"text","id":"t"}]},{"id":"t","type":"text","text":"in","originalText":"in box","containerId":"r","fontSize":0},{"id":"a","type":"arrow","points":[[0,0],[5,5]],"startBinding":{"elementId":"r"},"endBinding":{"elementId":""},"strokeStyle":"dotted"},{"id":"i","type":"image"},{"id":"d","type":"diamond","strokeSharpness":"round","strokeStyle":"dashed","angle":-7}]}`))
	f.Add([]byte(`{"format":"easel","version":1,"elements":[{"id":"a","kind":"diamond","round":true,"dash":"dashed","text":"x","group":"g","locked":true,"z":"zzzz"},{"id":"b","kind":"arrow","points":[[0,0],[1,1]],"start":{"id":"a"},"end":{"id":"gone"}}]}`))
	f.Add([]byte(`{"format":"easel","version":1,"title":"T","elements":[{"id":"a","kind":"stroke","points":[[0,0],[1,2]],"z":"a0"},{"id":"b","kind":"sticky","text":"hi","fill":null}]}`))
	f.Add([]byte(`{"type":"excalidraw","elements":[{"id":"d","type":"diamond","width":1e300,"height":-4}]}`))
	f.Add([]byte(`{"type":"excalidraw","elements":[{"id":"t","type":"text","text":"x","fontSize":-1,"angle":1e308}]}`))
	f.Add([]byte(`{"type":"excalidraw","elements":"x"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`not json`))
	f.Add([]byte(`{"type":"excalidraw","elements":[{"id":"r","type":"rectangle","x":"abc"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		title, els, err := ParseImport(data)
		if err != nil {
			if c := board.ErrorCode(err); c != board.CodeBadRequest && c != board.CodeTooLarge {
				t.Fatalf("error %v has code %s", err, c)
			}
			return
		}
		if title != "" {
			if err := board.ValidateTitle(title); err != nil {
				t.Fatalf("title %q: %v", title, err)
			}
		}
		if len(els) > MaxImportElements {
			t.Fatalf("%d elements", len(els))
		}
		passesValidation(t, els)
		// Placed on a board, centred anywhere: still valid, or refused
		// with a reason.
		im, err := ReadImport(data)
		if err != nil {
			t.Fatalf("ParseImport accepted what ReadImport refuses: %v", err)
		}
		// Every image shows a file of the import by its bytes' sha, or
		// (an Easel file) a blob the board may hold.
		files := map[string]bool{}
		for _, f := range im.Files {
			sum := sha256.Sum256(f.Data)
			if hex.EncodeToString(sum[:]) != f.SHA || files[f.SHA] {
				t.Fatalf("file %s is not its bytes' sha, or twice", f.SHA)
			}
			files[f.SHA] = true
		}
		for _, el := range im.Elements {
			if sha, _ := board.BlobSHA(el.Src); el.Kind == board.KindImage && !files[sha] && !im.boardBlobs[sha] {
				t.Fatalf("image %s shows %q, which nothing brings", el.ID, el.Src)
			}
		}
		top := string(data[:min(len(data), 8)])
		if !zPattern(top) {
			top = "a0"
		}
		if _, err := im.Place(Placement{Top: top, Center: &[2]float64{9e6, -9e6}}); err != nil {
			if board.ErrorCode(err) != board.CodeBadRequest {
				t.Fatalf("place: %v", err)
			}
			return
		}
		passesValidation(t, im.Elements)
	})
}
