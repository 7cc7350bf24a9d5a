package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// mainSources returns args with every Go source file replaced by a copy in
// dir whose package clause names package main, rewritten by rewriteCell.
func mainSources(args []string, dir string) ([]string, error) {
	out := append([]string(nil), args...)
	var idx []int
	var names []string
	var srcs [][]byte
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
		idx, names, srcs = append(idx, i), append(names, a), append(srcs, src)
	}
	lang := flagValue(args, "-lang")
	srcs, err := rewriteCell(flagValue(args, "-p"), names, srcs, flagValue(args, "-importcfg"), lang)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for k, i := range idx {
		name := filepath.Join(dir, filepath.Base(names[k]))
		if err := os.WriteFile(name, srcs[k], 0o644); err != nil {
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

// The layout of a Go object file, from cmd/internal/goobj (go1.20 and
// later): the magic, an 8-byte fingerprint, 4 bytes of flags and the
// offsets of objBlocks blocks (little-endian uint32s, from the magic); the
// string table follows the header, up to the first block. Blocks
// blkSymdef up to blkRefFlags are symbol entries of symSize bytes, each
// starting with its name as a string reference (length, offset).
const (
	objMagic    = "\x00go120ld"
	objBlocks   = 19
	blkSymdef   = 3
	blkRefFlags = 8
	symSize     = 8 + 2 + 1 + 1 + 1 + 4 + 4
)

// renamePluginTable renames the plugin table symbols in the compiled
// package archive at path, if it has them: the string each symbol named so
// uses for its name is overwritten (same length). An object whose layout
// does not check out is an error.
func renamePluginTable(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	bad := func(why string, args ...any) error {
		return fmt.Errorf("%s: %s: this toolchain writes Go objects warren does not know (it knows the format with magic %q, go1.20 and later so far); native cells cannot be built as package main with it", path, fmt.Sprintf(why, args...), objMagic)
	}
	if n := bytes.Count(b, []byte(objMagic)); n != 1 {
		return bad("%d objects, want 1", n)
	}
	obj := b[bytes.Index(b, []byte(objMagic)):]
	hdr := len(objMagic) + 8 + 4
	if len(obj) < hdr+4*objBlocks {
		return bad("truncated header")
	}
	var off [objBlocks]int
	for i := range off {
		off[i] = int(binary.LittleEndian.Uint32(obj[hdr+4*i:]))
		if off[i] > len(obj) || (i > 0 && off[i] < off[i-1]) {
			return bad("block offsets out of order")
		}
	}
	strStart, strEnd := hdr+4*objBlocks, off[0]
	if strEnd < strStart {
		return bad("no string table")
	}
	syms := obj[off[blkSymdef]:off[blkRefFlags]]
	if len(syms)%symSize != 0 {
		return bad("symbol blocks of %d bytes, not a multiple of %d", len(syms), symSize)
	}
	changed := false
	for ; len(syms) > 0; syms = syms[symSize:] {
		n := int(binary.LittleEndian.Uint32(syms))
		o := int(binary.LittleEndian.Uint32(syms[4:]))
		if n == 0 {
			continue
		}
		if o < strStart || o+n > strEnd {
			return bad("a symbol name outside the string table")
		}
		name := obj[o : o+n]
		for _, r := range renames {
			if string(name) == r[0] {
				copy(name, r[1])
				changed = true
			}
		}
	}
	if !changed {
		return nil
	}
	return os.WriteFile(path, b, 0o644)
}
