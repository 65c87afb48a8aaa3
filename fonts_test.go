package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// --fonts (or EASEL_FONTS) adds a directory's fonts to the set, the start
// log says which scripts have a font, and the page gets the new face.
func TestFontsFlagAddsADirectory(t *testing.T) {
	hebrew, err := os.ReadFile("/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf")
	if err != nil {
		t.Fatalf("%v: install fonts-noto-core (scripts/test-deps.sh)", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hebrew.ttf"), hebrew, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, setup := range map[string]func() ([]string, map[string]string){
		"flag": func() ([]string, map[string]string) { return []string{"--fonts", dir, "--no-system-fonts"}, nil },
		"env": func() ([]string, map[string]string) {
			return nil, map[string]string{"EASEL_FONTS": dir + ",/nonexistent", "EASEL_NO_SYSTEM_FONTS": "true"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			args, env := setup()
			var mu sync.Mutex
			var fontLines []string
			addr, _ := startRunLogging(t, append([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...), env, func(line string) {
				if strings.Contains(line, "msg=fonts ") {
					mu.Lock()
					fontLines = append(fontLines, line)
					mu.Unlock()
				}
			})
			mu.Lock()
			lines := append([]string(nil), fontLines...)
			mu.Unlock()
			if len(lines) != 1 || !strings.Contains(lines[0], "scripts=Latin,Cyrillic,Greek,Hebrew boxes=CJK,Arabic,Devanagari,Emoji") || !strings.Contains(lines[0], "files_scanned=1") {
				t.Fatalf("start lines %q", lines)
			}
			res, err := http.Get("http://" + addr + "/fonts.css")
			if err != nil {
				t.Fatal(err)
			}
			css, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Count(string(css), "@font-face") != 2 || !strings.Contains(string(css), "/fonts/noto-sans-hebrew-") {
				t.Errorf("/fonts.css:\n%s", css)
			}
		})
	}
}

func TestHelpNamesTheFontFlags(t *testing.T) {
	var out strings.Builder
	if _, err := parseConfig([]string{"--help"}, func(string) string { return "" }, &out); err == nil {
		t.Fatal("--help did not stop")
	}
	for _, want := range []string{"-fonts", "EASEL_FONTS", "-no-system-fonts", "EASEL_NO_SYSTEM_FONTS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}
