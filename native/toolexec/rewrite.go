package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// mainSources returns args with every Go source file replaced by a copy in
// dir whose package clause names package main.
func mainSources(args []string, dir string) ([]string, error) {
	out := append([]string(nil), args...)
	made := false
	for i, a := range out {
		if !strings.HasSuffix(a, ".go") || strings.HasPrefix(a, "-") {
			continue
		}
		src, err := os.ReadFile(a)
		if err != nil {
			return nil, err
		}
		src, err = asMain(a, src)
		if err != nil {
			return nil, err
		}
		if !made {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			made = true
		}
		name := filepath.Join(dir, filepath.Base(a))
		if err := os.WriteFile(name, src, 0o644); err != nil {
			return nil, err
		}
		out[i] = name
	}
	return out, nil
}

// asMain returns src with its package clause naming package main.
func asMain(filename string, src []byte) ([]byte, error) {
	f, err := parser.ParseFile(token.NewFileSet(), filename, src, parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	start := int(f.Name.Pos()) - int(f.FileStart)
	end := int(f.Name.End()) - int(f.FileStart)
	var b bytes.Buffer
	b.Write(src[:start])
	b.WriteString("main")
	b.Write(src[end:])
	return b.Bytes(), nil
}

// Symbol names of a package's plugin table and what renamePluginTable
// renames them to: same lengths, so that the object's string table keeps
// its layout.
var renames = [][2]string{
	{"go:plugin.tabs", "go:plugin.tab_"},
	{"go:plugin.exports", "go:plugin.export_"},
}

// objMagic starts a Go object file (cmd/internal/goobj's Magic).
const objMagic = "\x00go120ld"

// renamePluginTable renames the plugin table symbols in the compiled
// package archive at path, if it has them. The object file format is that
// of cmd/internal/goobj: the magic, an 8-byte fingerprint, 4 bytes of
// flags, then the offsets of the blocks (little-endian uint32s), the first
// of which ends the string table that starts after the header. Names are
// replaced only inside the string table, and only when each occurs there
// at most once.
func renamePluginTable(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if n := bytes.Count(b, []byte(objMagic)); n != 1 {
		return fmt.Errorf("%s: %d Go objects with magic %q, want 1: this toolchain writes objects warren does not know; native cells need a Go release whose objects start with that magic (go1.20 and later so far)", path, n, objMagic)
	}
	obj := bytes.Index(b, []byte(objMagic))
	hdr := obj + len(objMagic) + 8 + 4
	if hdr+4 > len(b) {
		return errors.New(path + ": truncated Go object")
	}
	strEnd := obj + int(binary.LittleEndian.Uint32(b[hdr:]))
	if strEnd < hdr || strEnd > len(b) {
		return fmt.Errorf("%s: Go object with a string table ending at %d, outside the file", path, strEnd)
	}
	strs := b[hdr:strEnd]
	changed := false
	for _, r := range renames {
		switch n := bytes.Count(strs, []byte(r[0])); n {
		case 0:
		case 1:
			i := bytes.Index(strs, []byte(r[0]))
			copy(strs[i:], r[1])
			changed = true
		default:
			return fmt.Errorf("%s: %q occurs %d times in the object's string table, want at most 1", path, r[0], n)
		}
	}
	if !changed {
		return nil
	}
	return os.WriteFile(path, b, 0o644)
}
