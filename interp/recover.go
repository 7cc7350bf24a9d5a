package interp

import (
	"fmt"
	"go/ast"
	"reflect"
	"strings"
)

// recover() in yaegi v0.16.1 returns what the interpreter panicked with:
// a reflect.Value holding the panic's value (so `r.(myError)` and
// `r.(string)` fail), and for a run-time error of interpreted code (an
// index out of range, a nil map write) a plain string from package reflect
// (so `r.(runtime.Error)` fails). recoverRewrite passes every call of the
// builtin recover through the session's Recovered, which returns the value
// Go's recover would: the panic's own value, or a runtime.Error.

// recoverRewrite returns text with recover() calls wrapped in the
// session's Recovered hook; prefix+text+suffix is the chunk's source for
// the parser, stmts whether the chunk holds statements, and shadowed
// reports names earlier cells declare.
func recoverRewrite(prefix, text, suffix string, stmts bool, shadowed func(string) bool) string {
	if !strings.Contains(text, "recover") || (shadowed != nil && shadowed("recover")) {
		return text
	}
	fset, f, off, err := parseChunk(prefix, text, suffix, 0)
	if err != nil {
		return text // analyze reports the error
	}
	var edits []edit
	// A recover() of a statement chunk outside function literals runs at
	// the cell's top level, never in a deferred call: it is nil, as in Go
	// (yaegi's recover fails there, with no calling frame).
	var lits []*ast.FuncLit
	ast.Inspect(f, func(n ast.Node) bool {
		if l, ok := n.(*ast.FuncLit); ok {
			lits = append(lits, l)
		}
		return true
	})
	inLit := func(n ast.Node) bool {
		for _, l := range lits {
			if l.Pos() <= n.Pos() && n.End() <= l.End() {
				return true
			}
		}
		return false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 0 || off(call.Pos()) < 0 {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "recover" && id.Obj == nil {
			if stmts && !inLit(call) {
				edits = append(edits, edit{off(call.Pos()), off(call.End()), "any(nil)"})
				return true
			}
			pos := fset.Position(call.Pos())
			edits = append(edits,
				edit{off(call.Pos()), off(call.Pos()), goHook + ".Recovered(" + lineDirective(pos)},
				edit{off(call.End()), off(call.End()), ")"})
		}
		return true
	})
	return applyEdits(text, edits)
}

// recovered is __warren.Recovered: the value recover() returns in Go.
func recovered(r any) any {
	if v, ok := r.(reflect.Value); ok {
		if !v.IsValid() || !v.CanInterface() {
			return nil
		}
		r = v.Interface()
	}
	if reflectSliceFault(r) {
		return interpRuntimeError("slice bounds out of range")
	}
	if s, ok := r.(string); ok && strings.HasPrefix(s, "reflect: ") && isRuntimeFault(s) {
		s = strings.TrimPrefix(s, "reflect: ")
		for _, k := range []string{"slice ", "array ", "string "} {
			s = strings.Replace(s, k+"index out of range", "index out of range", 1)
		}
		return interpRuntimeError(s)
	}
	return r
}

// isRuntimeFault reports whether a panic message from package reflect is a
// run-time error of interpreted code rather than a misuse of reflect.
func isRuntimeFault(s string) bool {
	for _, k := range []string{"index out of range", "slice bounds out of range", "assignment to entry in nil map", "nil pointer"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// interpRuntimeError is a run-time error raised by interpreted code. Its
// message is the interpreter's (it does not know the index and length Go
// reports for an index out of range).
type interpRuntimeError string

// RuntimeError marks the error as a runtime.Error.
func (e interpRuntimeError) RuntimeError() {}

func (e interpRuntimeError) Error() string { return fmt.Sprintf("runtime error: %s", string(e)) }
