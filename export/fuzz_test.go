package export

import (
	"os"
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
	})
}
