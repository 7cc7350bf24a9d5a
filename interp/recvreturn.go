package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// yaegi v0.16.1 fails at run time on a return operand that is a channel
// receive (`return <-ch`: "reflect.Value.Set using unaddressable value"),
// while receiving into a variable first works. recvReturnRewrite does that:
//
//	return <-ch, nil   →   { __wrv0 := <-ch; return __wrv0, nil }
//
// when the return's other operands call nothing and receive nothing (so the
// order of evaluation stays Go's).
func recvReturnRewrite(prefix, text, suffix string) string {
	if !strings.Contains(text, "<-") || !strings.Contains(text, "return") {
		return text
	}
	fset, f, off, err := parseChunk(prefix, text, suffix, parser.SkipObjectResolution)
	if err != nil {
		return text // analyze reports the error
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok || off(ret.Pos()) < 0 {
			return true
		}
		var recvs []int
		for i, r := range ret.Results {
			if u, ok := ast.Unparen(r).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				recvs = append(recvs, i)
			} else if hasEffects(r) {
				return true
			}
		}
		if len(recvs) == 0 {
			return true
		}
		var names, vals []string
		for k, i := range recvs {
			r := ret.Results[i]
			name := "__wrv" + strconv.Itoa(k)
			names = append(names, name)
			vals = append(vals, lineDirective(fset.Position(r.Pos()))+text[off(r.Pos()):off(r.End())])
			edits = append(edits, edit{off(r.Pos()), off(r.End()), name})
		}
		edits = append(edits,
			edit{off(ret.Pos()), off(ret.Pos()), "{ " + strings.Join(names, ", ") + " := " + strings.Join(vals, ", ") + "; " + lineDirective(fset.Position(ret.Pos()))},
			edit{off(ret.End()), off(ret.End()), " }"})
		return true
	})
	return applyEdits(text, edits)
}

// hasEffects reports whether evaluating e may call a function or receive.
func hasEffects(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			found = true
		case *ast.UnaryExpr:
			found = found || n.Op == token.ARROW
		}
		return !found
	})
	return found
}
