package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"
)

// Deferred calls. yaegi v0.16.1 keeps, for `defer f(x)`, references to the
// frame slots holding f's arguments and reads them when the deferred call
// runs, so `defer fmt.Println(x)` followed by `x = 5` prints 5, and
// `for i := 0; i < 3; i++ { defer fmt.Println(i) }` prints 3 3 3. Go
// evaluates the function value and the arguments at the defer statement.
// The rewrite makes it so: `defer f(a, b)` becomes
// `defer __warren.Bind(f, a, b)()`: Bind runs at the defer statement,
// copies its arguments, and returns the call to make later. A method call
// whose receiver type go/types knows (declared in the cell) becomes
// `defer func(__r T, __p0 P) func() { return func() { __r.M(__p0) } }(x, a)()`,
// so the receiver (x, &x or *x, as Go takes it) is evaluated then too.
// Other calls without arguments are left alone (a method value's receiver
// of a type from an earlier cell is still read late), as are builtins
// (which are not values) and calls with `...`.
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
		method := r.typed.deferAt(r.off(call.Pos()))
		if call.Ellipsis.IsValid() {
			method = nil
		}
		var copyRecv *deferInfo // a value receiver to copy, the call bound as any other
		if method != nil && method.fn == "" {
			copyRecv, method = method, nil
		}
		list := fmt.Sprintf("__wd%d", fn.n)
		// head replaces `defer `, tail goes after the call.
		head, tail := "", "()"
		if fn.defers {
			head, tail = list+" = append("+list+", ", ")"
		} else if method == nil && copyRecv == nil && (!bindable || len(call.Args) == 0) {
			// Nothing to evaluate but the function: a literal gets the
			// exit guard (exit.go), a named function or function variable
			// goes through Bind (which has it). Builtins and method calls
			// (`defer mu.Unlock()`, `defer wg.Done()`: frequent, and a
			// Bind of a method value costs a few µs) are left alone.
			if lit, ok := call.Fun.(*ast.FuncLit); ok && bindable {
				if guardable(lit) {
					r.edits = append(r.edits, edit{r.off(lit.Body.Lbrace) + 1, r.off(lit.Body.Lbrace) + 1, exitGuard + lineDirective(r.fset.Position(lit.Body.Lbrace+1))})
				}
				continue
			}
			if !bindable || !isIdent {
				continue
			}
		}
		if head != "" {
			r.edits = append(r.edits, edit{r.off(d.Defer), r.off(call.Pos()), head})
		}
		switch {
		case method != nil:
			// func(__r T, __p0 P) func() { … }(&(x), a): the receiver
			// and arguments are copied into a fresh frame now.
			sel := call.Fun.(*ast.SelectorExpr)
			sep := ""
			if len(call.Args) > 0 {
				sep = ", "
			}
			r.edits = append(r.edits,
				edit{r.off(sel.X.Pos()), r.off(sel.X.Pos()), goHook + ".Guard(" + method.fn + "(" + method.recv + "("},
				edit{r.off(sel.X.End()), r.off(call.Lparen) + 1, ")" + sep},
				edit{r.off(call.End()), r.off(call.End()), ")" + tail})
		case bindable:
			sep := ", "
			if len(call.Args) == 0 {
				sep = ""
			}
			r.edits = append(r.edits,
				edit{r.off(call.Fun.Pos()), r.off(call.Fun.Pos()), goHook + ".Bind("},
				edit{r.off(call.Lparen), r.off(call.Lparen) + 1, sep},
				edit{r.off(call.End()), r.off(call.End()), tail})
			if copyRecv != nil {
				// Bind((*func(__r T) *T { return &__r }(x)).M, a): the
				// method value of a copy made now. (Through the pointer:
				// yaegi does not find a method of the same chunk on *T.)
				sel := call.Fun.(*ast.SelectorExpr)
				r.edits = append(r.edits,
					edit{r.off(sel.X.Pos()), r.off(sel.X.Pos()), fmt.Sprintf("(*func(__r %s) *%s { return &__r }(%s(", copyRecv.rtype, copyRecv.rtype, copyRecv.recv)},
					edit{r.off(sel.X.End()), r.off(sel.X.End()), ")))"})
			}
		default: // in a list: a builtin, or a call with `...`
			r.edits = append(r.edits,
				edit{r.off(call.Pos()), r.off(call.Pos()), "func() { "},
				edit{r.off(call.End()), r.off(call.End()), " })"})
		}
	}
}

// deferInfo is a deferred method call whose receiver go/types knows: the
// receiver is evaluated at the defer statement (yaegi's method values read
// it when called) by passing it to a func literal called at once, which
// returns the call to defer.
type deferInfo struct {
	fn   string // func(__r T, __p0 P) func() { return func() { __r.M(__p0) } }; "" if a parameter's type cannot be written
	recv string // "&", "*" or "": how the receiver expression becomes __r
	// For fn == "": a value receiver is copied on its own (T), the
	// arguments as for any call.
	name  string // M
	rtype string // T, for a value receiver; "" otherwise
}

// deferTypes finds the deferred method calls of f whose receiver and
// parameter types can be written in the cell.
// The same holds for a go statement's method call.
func deferTypes(f *ast.File, info *types.Info) map[*ast.CallExpr]*deferInfo {
	out := map[*ast.CallExpr]*deferInfo{}
	ast.Inspect(f, func(n ast.Node) bool {
		var call *ast.CallExpr
		switch n := n.(type) {
		case *ast.DeferStmt:
			call = n.Call
		case *ast.GoStmt:
			call = n.Call
		default:
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		s := info.Selections[sel]
		xt, ok := info.Types[sel.X]
		if s == nil || s.Kind() != types.MethodVal || len(s.Index()) != 1 || !ok || xt.Type == nil {
			return true
		}
		sig, ok := s.Obj().Type().(*types.Signature)
		if !ok || sig.Recv() == nil {
			return true
		}
		rt := sig.Recv().Type()
		_, ptrRecv := rt.(*types.Pointer)
		_, ptrX := xt.Type.Underlying().(*types.Pointer)
		recv, param := "", rt
		switch {
		case types.IsInterface(rt):
			param = xt.Type
		case ptrRecv && !ptrX:
			recv = "&"
		case !ptrRecv && ptrX:
			recv = "*"
		}
		all := []types.Type{param}
		var params, args []string
		for i := range sig.Params().Len() {
			t := sig.Params().At(i).Type()
			all = append(all, t)
			ts := types.TypeString(t, qualifier)
			arg := fmt.Sprintf("__p%d", i)
			if sig.Variadic() && i == sig.Params().Len()-1 {
				ts = "..." + types.TypeString(t.(*types.Slice).Elem(), qualifier)
				arg += "..."
			}
			params = append(params, fmt.Sprintf("__p%d %s", i, ts))
			args = append(args, arg)
		}
		if containsInvalid(param) || hasInvalid(param) {
			return true
		}
		valueRecv := !ptrRecv && !types.IsInterface(rt)
		for _, t := range all {
			if containsInvalid(t) || hasInvalid(t) {
				if valueRecv {
					out[call] = &deferInfo{recv: recv, name: sel.Sel.Name, rtype: types.TypeString(rt, qualifier)}
				}
				return true
			}
		}
		out[call] = &deferInfo{
			fn:   fmt.Sprintf("func(__r %s) func() { return func() { __r.%s(%s) } }", strings.Join(append([]string{types.TypeString(param, qualifier)}, params...), ", "), sel.Sel.Name, strings.Join(args, ", ")),
			recv: recv,
		}
		return true
	})
	return out
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
// arguments now and returns the call, which does nothing after os.Exit
// (see exit.go).
func (s *Session) bind(f any, args ...any) func() {
	fv := reflect.ValueOf(f)
	if fv.Kind() != reflect.Func {
		panic(fmt.Sprintf("defer: %T is not a function", f))
	}
	in, err := callArgs(fv.Type(), args)
	if err != nil {
		panic("defer: " + err.Error())
	}
	return func() {
		if !s.exiting.Load() {
			fv.Call(in)
		}
	}
}

// runDefers is __warren.RunDefers: it runs a function's list of deferred
// calls, last first. A call that panics does not keep the others from
// running; the last panic goes on once all have run, as in Go.
func (s *Session) runDefers(list *[]func()) {
	l := *list
	*list = nil
	if s.exiting.Load() {
		return // os.Exit runs no deferred calls
	}
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

// methodBind returns how to bind a method value x.M of a value receiver
// now: yaegi v0.16.1 reads x when the method value is called, Go copies it
// when the method value is made. The receiver is passed to a func literal
// called at once, which returns the method value of its copy:
// func(__r T) func(P) R { return __r.M }(x). Nil when the receiver is a
// pointer (Go binds the pointer, and reads through it later too) or a type
// cannot be written.
func methodBind(sel *ast.SelectorExpr, s *types.Selection, info *types.Info) *deferInfo {
	xt, ok := info.Types[sel.X]
	sig, sok := s.Obj().Type().(*types.Signature)
	if !ok || xt.Type == nil || !sok || sig.Recv() == nil || len(s.Index()) != 1 {
		return nil
	}
	rt := sig.Recv().Type()
	if _, ptr := rt.(*types.Pointer); ptr || types.IsInterface(rt) {
		return nil
	}
	mt := s.Type() // the method value's type, without the receiver
	if containsInvalid(rt) || hasInvalid(rt) || hasInvalid(mt) {
		return nil
	}
	for _, t := range []*types.Tuple{sig.Params(), sig.Results()} {
		for i := range t.Len() {
			if containsInvalid(t.At(i).Type()) || hasInvalid(t.At(i).Type()) {
				return nil
			}
		}
	}
	recv := ""
	if _, ptrX := xt.Type.Underlying().(*types.Pointer); ptrX {
		recv = "*"
	}
	return &deferInfo{
		fn:   fmt.Sprintf("func(__r %s) %s { return __r.%s }", types.TypeString(rt, qualifier), types.TypeString(mt, qualifier), sel.Sel.Name),
		recv: recv,
	}
}

// methodValueEdits binds the receivers of method values (see methodBind).
func methodValueEdits(f *ast.File, off func(token.Pos) int, typed typedAt) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if b := typed.methodBindAt(off(sel.Pos())); b != nil {
			edits = append(edits,
				edit{off(sel.X.Pos()), off(sel.X.Pos()), b.fn + "(" + b.recv + "("},
				edit{off(sel.X.End()), off(sel.End()), "))"})
		}
		return true
	})
	return edits
}
