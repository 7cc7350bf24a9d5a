// Package stdsyms holds the yaegi symbol tables of the Go standard library
// for the Go release warren is built with, so cells can import what
// `go run` can (iter, unique, weak, crypto/sha3, the Go 1.23+ additions to
// strings, maps, sync, …), not only what yaegi v0.16.1's tables (Go 1.22)
// list.
//
// The std_*.go files and version.go are generated: run `go generate
// ./interp/stdsyms` after changing Go release (a test fails while GoVersion
// differs from the running toolchain). The generator, in ./gen, extracts
// every importable standard package with yaegi's extract library.
//
// It is not the interpreter and not the generic half of the standard
// library: compiled generic functions cannot be exported to yaegi, so
// functions such as slices.Sort are supplied as interpreted source by
// package interp/stdgeneric.
package stdsyms

import (
	"reflect"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

//go:generate go run ./gen

// Symbols maps "importpath/name" to the extracted symbols of each standard
// package, as generated. Use Exports for the interpreter.
var Symbols = map[string]map[string]reflect.Value{}

// Exports returns a fresh export map for yaegi's Interpreter.Use: yaegi's
// own standard-library exports (which carry the interpreter's stdio
// redirections and its interface-wrapper mappings) overlaid with these
// tables, symbol by symbol. An interface wrapper ("_Name") that yaegi
// already defines is kept, since yaegi's special-case mappings refer to
// its wrappers.
func Exports() yaegi.Exports {
	ex := yaegi.Exports{}
	for k, m := range stdlib.Symbols {
		ex[k] = copySyms(m)
	}
	for k, m := range Symbols {
		dst := ex[k]
		if dst == nil {
			dst = map[string]reflect.Value{}
			ex[k] = dst
		}
		for name, v := range m {
			if _, ok := dst[name]; ok && name[0] == '_' {
				continue
			}
			dst[name] = v
		}
	}
	return ex
}

func copySyms(m map[string]reflect.Value) map[string]reflect.Value {
	c := make(map[string]reflect.Value, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
