package interp

import (
	"fmt"
	"go/ast"
	"reflect"
)

// Deferred calls. yaegi v0.16.1 keeps, for `defer f(x)`, references to the
// frame slots holding f's arguments and reads them when the deferred call
// runs, so `defer fmt.Println(x)` followed by `x = 5` prints 5, and
// `for i := 0; i < 3; i++ { defer fmt.Println(i) }` prints 3 3 3. Go
// evaluates the function value and the arguments at the defer statement.
// The rewrite makes it so: `defer f(a, b)` becomes
// `defer __warren.Bind(f, a, b)()`: Bind runs at the defer statement,
// copies its arguments, and returns the call to make later. Calls without
// arguments are left alone (a method value's receiver is still read late),
// as are builtins (which are not values) and calls with `...`.
//
// In a function whose loop bodies run as functions of their own (see
// loopvar.go) and hold a defer, every defer of the function goes instead to
// a list, `__wdN = append(__wdN, __warren.Bind(f, a, b))`, run in reverse by
// one `defer __warren.RunDefers(&__wdN)` at the top of the function, so the
// deferred calls still run when the function returns, in Go's order.
// recover() keeps working in a function deferred this way outside loop
// bodies: yaegi's recover looks at the frame that created the function.

// deferEdits rewrites the direct defers of fn (not those of func literals
// inside it).
func (r *loopRewriter) deferEdits(fn *loopFunc, defers []*ast.DeferStmt) {
	for _, d := range defers {
		call := d.Call
		id, isIdent := call.Fun.(*ast.Ident)
		bindable := !call.Ellipsis.IsValid() && !(isIdent && builtins[id.Name])
		if !fn.defers {
			if !bindable || len(call.Args) == 0 {
				continue
			}
			r.edits = append(r.edits,
				edit{r.off(call.Fun.Pos()), r.off(call.Fun.Pos()), goHook + ".Bind("},
				edit{r.off(call.Lparen), r.off(call.Lparen) + 1, ", "},
				edit{r.off(call.End()), r.off(call.End()), "()"})
			continue
		}
		list := fmt.Sprintf("__wd%d", fn.n)
		if !bindable {
			r.edits = append(r.edits,
				edit{r.off(d.Defer), r.off(call.Pos()), list + " = append(" + list + ", func() { "},
				edit{r.off(call.End()), r.off(call.End()), " })"})
			continue
		}
		lparen := ", "
		if len(call.Args) == 0 {
			lparen = ""
		}
		r.edits = append(r.edits,
			edit{r.off(d.Defer), r.off(call.Pos()), list + " = append(" + list + ", " + goHook + ".Bind("},
			edit{r.off(call.Lparen), r.off(call.Lparen) + 1, lparen},
			edit{r.off(call.End()), r.off(call.End()), ")"})
	}
}

// recovers reports whether a deferred call is a func literal calling
// recover directly.
func recovers(call *ast.CallExpr) bool {
	lit, ok := call.Fun.(*ast.FuncLit)
	if !ok {
		return false
	}
	found := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 {
				found = true
			}
		}
		return !found
	})
	return found
}

// bind is __warren.Bind: it evaluates a deferred call's function and
// arguments now and returns the call.
func bind(f any, args ...any) func() {
	fv := reflect.ValueOf(f)
	if fv.Kind() != reflect.Func {
		panic(fmt.Sprintf("defer: %T is not a function", f))
	}
	in, err := callArgs(fv.Type(), args)
	if err != nil {
		panic("defer: " + err.Error())
	}
	return func() { fv.Call(in) }
}

// runDefers is __warren.RunDefers: it runs a function's list of deferred
// calls, last first. A call that panics does not keep the others from
// running; the last panic goes on once all have run, as in Go.
func runDefers(list *[]func()) {
	l := *list
	*list = nil
	var last any
	panicking := false
	for i := len(l) - 1; i >= 0; i-- {
		func() {
			defer func() {
				if r := recover(); r != nil {
					last, panicking = r, true
				}
			}()
			l[i]()
		}()
	}
	if panicking {
		panic(last)
	}
}
