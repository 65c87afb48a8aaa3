package fonts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/font/opentype/tables"
)

// candidate is one face found on disk: what selection needs to know,
// without its glyphs.
type candidate struct {
	path     string
	index    int  // face in a collection
	user     bool // from --fonts, preferred over the system's
	size     int64
	family   string
	aspect   font.Aspect
	coverage Coverage
}

// scanStats counts what discovery skipped, for the start log line.
type scanStats struct {
	files, faces, tooLarge, bad, overCount int
}

// scanDirs walks dirs (in order; missing ones are fine) for font files and
// reads each face's name, aspect and cmap. It never fails: a bad file is
// counted and logged at debug level.
func scanDirs(dirs []string, user map[string]bool, lim Limits, logf func(msg string, args ...any)) ([]candidate, scanStats) {
	var out []candidate
	var st scanStats
	seen := map[string]bool{}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // an unreadable directory: skip it, keep walking
			}
			if d.IsDir() || !isFontFile(path) {
				return nil
			}
			if real, err := filepath.EvalSymlinks(path); err == nil {
				if seen[real] {
					return nil
				}
				seen[real] = true
			}
			if st.files >= lim.MaxFiles {
				st.overCount++
				return nil
			}
			st.files++
			faces, err := scanFile(path, lim)
			switch {
			case errors.Is(err, errTooLarge):
				st.tooLarge++
				logf("font file skipped: too large", "path", path, "max_bytes", lim.MaxFileBytes)
			case err != nil:
				st.bad++
				logf("font file skipped: unreadable", "path", path, "err", err)
			}
			for i := range faces {
				faces[i].user = user[dir]
			}
			st.faces += len(faces)
			out = append(out, faces...)
			return nil
		})
	}
	return out, st
}

var errTooLarge = errors.New("font file too large")

func isFontFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ttf", ".otf", ".ttc", ".otc":
		return true
	}
	return false
}

// scanFile reads the faces of one file (several for a collection). Only
// the tables it needs are read, not the whole file.
func scanFile(path string, lim Limits) ([]candidate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > lim.MaxFileBytes {
		return nil, errTooLarge
	}
	lds, err := ot.NewLoaders(f)
	if err != nil {
		return nil, err
	}
	if len(lds) > lim.MaxCollectionFaces {
		lds = lds[:lim.MaxCollectionFaces]
	}
	var out []candidate
	var firstErr error
	for i, ld := range lds {
		c, err := describe(ld)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("face %d: %w", i, err)
			}
			continue
		}
		c.path, c.index, c.size = path, i, info.Size()
		if c.family == "" { // a font without a readable name: call it by its file
			c.family = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, firstErr
	}
	return out, nil
}

// describe reads a face's family, aspect and the runes its cmap maps.
func describe(ld *ot.Loader) (candidate, error) {
	page := tables.FPNone
	if raw, err := ld.RawTable(ot.MustNewTag("OS/2")); err == nil {
		if os2, _, err := tables.ParseOs2(raw); err == nil {
			page = os2.FontPage()
		}
	}
	raw, err := ld.RawTable(ot.MustNewTag("cmap"))
	if err != nil {
		return candidate{}, err
	}
	tb, _, err := tables.ParseCmap(raw)
	if err != nil {
		return candidate{}, err
	}
	cmap, _, err := font.ProcessCmap(tb, page)
	if err != nil {
		return candidate{}, err
	}
	var runes []rune
	for it := cmap.Iter(); it.Next(); {
		r, g := it.Char()
		if g != 0 {
			runes = append(runes, r)
		}
	}
	if len(runes) == 0 {
		return candidate{}, errors.New("no characters mapped")
	}
	desc, _ := font.Describe(ld, nil)
	return candidate{family: desc.Family, aspect: desc.Aspect, coverage: coverageOf(runes)}, nil
}
