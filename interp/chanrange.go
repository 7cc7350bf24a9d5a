package interp

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Ranges over slices of channels. yaegi v0.16.1 takes a range whose value
// variable is a channel for a range over a channel (its rangeChanType looks
// at the value variable where it means the ranged expression), so
// `for _, c := range chans { … }` fails at run time with "reflect: call of
// reflect.Value.Len on int Value". When the slice is a variable the loop
// body does not assign, the value is read by index instead:
// `for __wk := range chans { c := chans[__wk]; … }` (chanRangeEdits; a
// range that assigns existing variables is left alone).

// A chanRange is a range over a slice of channels to rewrite: the slice
// variable's name.
type chanRange struct{ x string }

// chanRanges returns, by the offset (cellOff) of their `for`, the ranges of
// f over a slice variable of channels with a value variable, where the
// body assigns neither the variable nor its address.
func chanRanges(f *ast.File, info *types.Info, cellOff func(token.Pos) int) map[int]chanRange {
	out := map[int]chanRange{}
	ast.Inspect(f, func(n ast.Node) bool {
		r, ok := n.(*ast.RangeStmt)
		if !ok || r.Value == nil {
			return true
		}
		x, ok := r.X.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.Uses[x].(*types.Var)
		if !ok {
			return true
		}
		s, ok := v.Type().Underlying().(*types.Slice)
		if !ok {
			return true
		}
		if _, ok := s.Elem().Underlying().(*types.Chan); !ok {
			return true
		}
		if assignsVar(r.Body, v, info) {
			return true
		}
		out[cellOff(r.For)] = chanRange{x.Name}
		return true
	})
	return out
}

// assignsVar reports whether n assigns v or takes its address.
func assignsVar(n ast.Node, v types.Object, info *types.Info) bool {
	return assignsTo(n, func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.Uses[id] == v
	})
}

// chanRangeEdits rewrites the ranges chanRanges found in the chunk parsed
// as f. The value's definition goes first after the body's brace, before
// what loopEdits puts there (rewrite appends these edits first).
func chanRangeEdits(f *ast.File, fset *token.FileSet, off func(token.Pos) int, typed typedAt) []edit {
	if typed.ct == nil || len(typed.ct.chanRanges) == 0 {
		return nil
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		r, ok := n.(*ast.RangeStmt)
		if !ok || r.Value == nil || r.Tok != token.DEFINE || off(r.For) < 0 {
			return true
		}
		cr, ok := typed.ct.chanRanges[typed.cellOff(off(r.For))]
		val, ok2 := r.Value.(*ast.Ident)
		if !ok || !ok2 {
			return true
		}
		key := "__wk"
		if id, ok := r.Key.(*ast.Ident); ok && id.Name != "_" {
			key = id.Name
		}
		edits = append(edits,
			edit{off(r.Key.Pos()), off(r.Value.End()), key + lineDirective(fset.Position(r.Value.End()))},
			edit{off(r.Body.Lbrace) + 1, off(r.Body.Lbrace) + 1, " " + val.Name + " := " + cr.x + "[" + key + "];" + lineDirective(fset.Position(r.Body.Lbrace+1))})
		return true
	})
	return edits
}
