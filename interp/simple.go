package interp

// Straight-line statement chunks. Every statement chunk used to start with
// the Begin hook, which ends the session's exclusive hold on the compile
// gate once yaegi has set the chunk up, so that goroutines and tasks of
// earlier cells run on while the cell's statements do. A hook call costs
// yaegi about 1 KB of nodes kept for the session's life; for a chunk that
// cannot wait on anything — no loop, no channel, no go statement, no call
// but of fmt's printing and formatting functions, builtins and conversions
// to builtin types — holding the gate to its end changes nothing another
// goroutine could see but a delay of a few microseconds, so such a chunk
// runs without the hook (see chunk.stmtSrc and Session.eval).

import (
	"go/ast"
	"go/token"
)

// simpleStmts reports whether a chunk's statements are straight-line code
// that cannot block or run for long: no loops, labels, go, defer, select,
// channel operations or switches, and calls only of the builtins, of
// conversions to builtin types and of fmt's Print and Sprint functions.
// Function literals are not looked into (a literal's body runs only if it
// is called, which is a call of another kind).
func simpleStmts(body []ast.Stmt) bool {
	if len(body) == 0 {
		return false
	}
	ok := true
	for _, st := range body {
		ast.Inspect(st, func(n ast.Node) bool {
			if !ok {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt, *ast.LabeledStmt, *ast.BranchStmt, *ast.GoStmt, *ast.DeferStmt,
				*ast.SelectStmt, *ast.SendStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt:
				ok = false
			case *ast.UnaryExpr:
				ok = n.Op != token.ARROW
			case *ast.CallExpr:
				ok = simpleCall(n.Fun)
			}
			return ok
		})
		if !ok {
			return false
		}
	}
	return true
}

// simpleFmt are the functions of fmt a simple chunk may call: they format
// and write to the cell's output, and cannot run interpreted code (compiled
// fmt does not see the methods of the cells' types).
var simpleFmt = map[string]bool{
	"Print": true, "Println": true, "Printf": true,
	"Sprint": true, "Sprintln": true, "Sprintf": true, "Errorf": true,
}

// simpleBuiltin are the builtins and builtin types a simple chunk may call.
var simpleBuiltin = map[string]bool{
	"len": true, "cap": true, "append": true, "make": true, "new": true, "min": true, "max": true,
	"copy": true, "delete": true, "clear": true, "panic": true, "print": true, "println": true,
	"complex": true, "real": true, "imag": true,
	"bool": true, "string": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true, "byte": true, "rune": true,
}

func simpleCall(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.Ident:
		return simpleBuiltin[f.Name]
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && x.Name == "fmt" && simpleFmt[f.Sel.Name]
	case *ast.ArrayType, *ast.MapType: // []byte(s), conversions
		return true
	}
	return false
}
