package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// func main and func init in cells. yaegi runs package main's main after
// every Eval once one is declared, and runs an init function while it
// compiles the declaration: user code running in the compile phase, with
// the gate held (ray tasks cannot start) and no interrupt. So no cell ever
// shows yaegi a function named main or init: the identifier main is renamed
// mainName in every cell (declaration and uses), each func init is renamed
// to a name of its own, and the cell that declares them calls them as a
// statement after its other items, as `go run` does (inits, then main).
// A cell that calls main() itself does not get a second call; later cells
// run main only when they call it.

const (
	mainName   = "__warren_main"
	initPrefix = "__warren_init_"
)

// userNames renames main and init in the chunks of one cell.
type userNames struct {
	cell     int
	inits    []string          // names given to the cell's init functions, in order
	shadowed func(string) bool // names declared by earlier cells; nil: none
	tmp      int               // temporaries made by builtinRewrite so far

	methods map[string]methodSig           // the cell's methods, by "T.M"
	method  func(string) (methodSig, bool) // earlier cells' methods; nil: none

	generics map[string]genericSig           // the cell's generic functions
	generic  func(string) (genericSig, bool) // earlier cells' ones; nil: none

	varTypes map[string]string           // types of the cell's top-level variables, for min and max
	varType  func(string) (string, bool) // earlier cells' ones; nil: none

	types    map[string]bool   // the cell's concrete types, for %T
	cellType func(string) bool // earlier cells' ones; nil: none

	basics        map[string]string        // the cell's types with a basic underlying type → it
	sessionBasics func() map[string]string // earlier cells' ones; nil: none

	funcSigs map[string]string           // the cell's non-generic functions' types
	funcSig  func(string) (string, bool) // earlier cells' ones; nil: none
}

// lookupFuncSig returns the type, as source, of the non-generic function
// name declared in the cell or earlier.
func (u *userNames) lookupFuncSig(name string) (string, bool) {
	if sig, ok := u.funcSigs[name]; ok {
		return sig, true
	}
	if u.funcSig != nil {
		return u.funcSig(name)
	}
	return "", false
}

// allBasics returns the types with a basic underlying type of the cell and
// earlier cells.
func (u *userNames) allBasics() map[string]string {
	all := map[string]string{}
	if u.sessionBasics != nil {
		for k, v := range u.sessionBasics() {
			all[k] = v
		}
	}
	for k, v := range u.basics {
		all[k] = v
	}
	return all
}

// namedBasic returns a cell type whose underlying type is the basic type
// name, or "".
func (u *userNames) namedBasic(name string) string {
	b := basicName(name)
	if b == "" {
		return ""
	}
	var found []string
	for k, v := range u.allBasics() {
		if v == b {
			found = append(found, k)
		}
	}
	sort.Strings(found)
	if len(found) == 0 {
		return ""
	}
	return found[0]
}

// underlying returns the basic underlying type of the cell type name, or "".
func (u *userNames) underlying(name string) string { return u.allBasics()[name] }

// hasStringMethod reports whether the cell type name has a String or Error
// method, declared in the cell or earlier.
func (u *userNames) hasStringMethod(name string) bool {
	_, s := u.lookupMethod(name + ".String")
	_, e := u.lookupMethod(name + ".Error")
	return s || e
}

// isCellType reports whether name is a concrete, non-generic type declared
// in the cell or earlier.
func (u *userNames) isCellType(name string) bool {
	return u.types[name] || (u.cellType != nil && u.cellType(name))
}

// lookupVarType returns the type of a top-level variable declared in the
// cell or earlier, when known.
func (u *userNames) lookupVarType(name string) (string, bool) {
	if t, ok := u.varTypes[name]; ok {
		return t, t != ""
	}
	if u.varType != nil {
		return u.varType(name)
	}
	return "", false
}

// lookupGeneric returns the generic function name declared in the cell or
// earlier.
func (u *userNames) lookupGeneric(name string) (genericSig, bool) {
	if sig, ok := u.generics[name]; ok {
		return sig, true
	}
	if u.generic != nil {
		return u.generic(name)
	}
	return genericSig{}, false
}

// lookupMethod returns the signature of method "T.M", declared in the cell
// or earlier.
func (u *userNames) lookupMethod(key string) (methodSig, bool) {
	if sig, ok := u.methods[key]; ok {
		return sig, true
	}
	if u.method != nil {
		return u.method(key)
	}
	return methodSig{}, false
}

// rename returns text with main and init renamed. The chunk's source for
// the parser is prefix+text+suffix.
func (u *userNames) rename(prefix, text, suffix string) string {
	if !strings.Contains(text, "main") && !strings.Contains(text, "init") {
		return text
	}
	fset, f, off, err := parseChunk(prefix, text, suffix, parser.SkipObjectResolution)
	if err != nil {
		return text // analyze reports the error
	}
	var edits []edit
	// A line directive after a longer name keeps the columns of the rest
	// of the line.
	restore := func(p token.Pos) string {
		pos := fset.Position(p)
		return fmt.Sprintf("/*line _.go:%d:%d*/", pos.Line, pos.Column)
	}
	for _, id := range mainIdents(f) {
		edits = append(edits, edit{off(id.Pos()), off(id.End()), mainName + restore(id.End())})
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
			name := fmt.Sprintf("%s%d_%d", initPrefix, u.cell, len(u.inits))
			u.inits = append(u.inits, name)
			edits = append(edits, edit{off(fd.Name.Pos()), off(fd.Name.End()), name + restore(fd.Name.End())})
		}
	}
	return applyEdits(text, edits)
}

// calls returns the statements that run the cell's init functions and, with
// runMain, main; "" when there are none.
func (u *userNames) calls(runMain bool) string {
	var calls []string
	for _, n := range u.inits {
		calls = append(calls, n+"()")
	}
	if runMain {
		calls = append(calls, mainName+"()")
	}
	return strings.Join(calls, "; ")
}

// mainIdents returns the identifiers named main in f that may refer to a
// package-level main (see refIdents).
func mainIdents(f *ast.File) []*ast.Ident {
	return refIdents(f, func(name string) bool { return name == "main" })
}

// refIdents returns the identifiers in f whose names match and that may
// refer to a package-level name: not selectors' names, struct fields,
// interface methods, method names, the keys of composite literals (field
// names), nor labels.
func refIdents(f *ast.File, match func(string) bool) []*ast.Ident {
	skip := map[*ast.Ident]bool{}
	var ids []*ast.Ident
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Recv != nil {
				skip[n.Name] = true
			}
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.StructType:
			for _, fl := range n.Fields.List {
				for _, nm := range fl.Names {
					skip[nm] = true
				}
			}
		case *ast.InterfaceType:
			for _, m := range n.Methods.List {
				for _, nm := range m.Names {
					skip[nm] = true
				}
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						skip[id] = true
					}
				}
			}
		case *ast.LabeledStmt:
			skip[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				skip[n.Label] = true
			}
		case *ast.Ident:
			if !skip[n] && match(n.Name) {
				ids = append(ids, n)
			}
		}
		return true
	})
	return ids
}

// applyEdits returns text with the edits, which must not overlap, applied.
func applyEdits(text string, edits []edit) string {
	if len(edits) == 0 {
		return text
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].pos < edits[j].pos })
	var b strings.Builder
	at := 0
	for _, e := range edits {
		if e.pos < at || e.pos < 0 || e.end > len(text) {
			continue
		}
		b.WriteString(text[at:e.pos])
		b.WriteString(e.repl)
		at = e.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// userText maps the names of renamed functions in a message back to the
// names in the cell.
func userText(s string) string {
	if !strings.Contains(s, "__warren_") {
		return s
	}
	s = strings.ReplaceAll(s, mainName, "main")
	s = strings.ReplaceAll(s, genericPrefix, "")
	for {
		i := strings.Index(s, initPrefix)
		if i < 0 {
			return s
		}
		j := i + len(initPrefix)
		for j < len(s) && (s[j] == '_' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		s = s[:i] + "init" + s[j:]
	}
}
