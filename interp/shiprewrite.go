package interp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// The source side of code shipping (ship.go): every call ray.Remote(arg)
// written in a cell becomes ray.Remote(__warren.Ship(key, arg)), and so do
// the constructor of ray.NewActor(ctor, …) and the function of an actor's
// call a.Remote(fn, …) (see actorCallFunc), where key
// tells the session which function arg is, because reflection cannot (an
// interpreted function reaches compiled code as a reflect.MakeFunc wrapper
// whose code pointer is the same for every function):
//
//   - a name of a top-level function (or of a session variable, which Ship
//     refuses): the name;
//   - pkg.F, a function of an imported package: "sel:pkg.F";
//   - a function literal that uses no variable of an enclosing function or
//     of the cell's statements: "lit:" and the name of a top-level function
//     made of the literal's text (litName), which the session logs as a
//     declaration of its own;
//   - anything else: "!" and why it cannot run on a worker, with what to do.

// shipPrefix starts the names of function literals lifted to top-level
// functions.
const shipPrefix = "__warren_lit_"

// A liftedLit is a function literal passed to ray.Remote, as a top-level
// function declaration.
type liftedLit struct {
	name string
	src  string // "func name(…) … {…}"
	line int    // the literal's line in its cell
}

// litName returns the top-level name of a function literal with the given
// text: the same text always gets the same name.
func litName(text string) string {
	h := sha256.Sum256([]byte(text))
	return shipPrefix + hex.EncodeToString(h[:8])
}

// shipRewrite wraps the argument of each ray.Remote call of a chunk's text
// in the Ship hook (see the top of this file) and returns the function
// literals it lifted. prefix and suffix are what goes around the text to
// parse it (chunk.wrap); stmts says the text is a statement chunk, whose
// top-level variables are the session's variables.
func shipRewrite(prefix, text, suffix string, stmts bool, funcSig func(string) (string, bool)) (string, []liftedLit) {
	if !strings.Contains(text, "Remote") && !strings.Contains(text, "NewActor") {
		return text, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", prefix+text+suffix, 0)
	if err != nil {
		return text, nil
	}
	off := func(p token.Pos) int { return fset.File(p).Offset(p) - len(prefix) }
	// The function bodies of the chunk, other than the wrapper of a
	// statement chunk: a name declared inside one is a local variable.
	type span struct{ pos, end token.Pos }
	var funcs []span
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if !(stmts && n.Name.Name == "_" && n == f.Decls[len(f.Decls)-1]) {
				funcs = append(funcs, span{n.Pos(), n.End()})
			}
		case *ast.FuncLit:
			funcs = append(funcs, span{n.Pos(), n.End()})
		}
		return true
	})
	local := func(p token.Pos) bool {
		for _, s := range funcs {
			if s.pos <= p && p < s.end {
				return true
			}
		}
		return false
	}
	// The session variables of a statement chunk: those its top-level
	// statements declare (a name declared in a block of it, as a loop's
	// variable, is local to the block). Their values travel with the
	// functions that use them (shipvar.go).
	session := map[any]bool{}
	if stmts {
		if w, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl); ok && w.Body != nil {
			for _, st := range w.Body.List {
				switch st := st.(type) {
				case *ast.AssignStmt:
					if st.Tok == token.DEFINE {
						session[st] = true
					}
				case *ast.DeclStmt:
					if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
						for _, sp := range g.Specs {
							session[sp] = true
						}
					}
				}
			}
		}
	}
	// Session variables of a statement chunk that hold remote functions
	// (var f = ray.Remote(…)): workers replay them (see replayableVar).
	remoteVar := func(decl any) bool {
		switch d := decl.(type) {
		case *ast.ValueSpec:
			return len(d.Names) == 1 && len(d.Values) == 1 && remoteExpr(d.Values[0])
		case *ast.AssignStmt:
			return len(d.Lhs) == 1 && len(d.Rhs) == 1 && remoteExpr(d.Rhs[0])
		}
		return false
	}
	var edits []edit
	var lits []liftedLit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, _ := sel.X.(*ast.Ident)
		ray := pkg != nil && pkg.Name == "ray" && pkg.Obj == nil
		switch {
		case ray && sel.Sel.Name == "Remote" && len(call.Args) == 1 && !call.Ellipsis.IsValid():
		case ray && sel.Sel.Name == "NewActor": // the constructor
		case !ray && sel.Sel.Name == "Remote" && actorCallFunc(call):
			// An actor's call, a.Remote(fn, args…). A RemoteFunction's
			// f.Remote(x, …) has the same form; the hook returns x as it is.
		default:
			return true
		}
		arg := call.Args[0]
		// The Ship hook returns any. ray.Remote and NewActor take any, but
		// x.Remote may be a method of the user's own type: the hooked
		// argument is then asserted back to its type, and an argument of
		// a type this pass cannot know is left alone (on a cluster, an
		// actor's call then fails at submit, saying what to pass).
		assert := ""
		if !ray {
			if assert = funcArgType(arg, text, off, funcSig); assert == "" {
				return true
			}
			assert = ".(" + assert + ")"
		}
		var key string
		switch a := arg.(type) {
		case *ast.Ident:
			switch {
			case a.Obj == nil || a.Obj.Kind == ast.Fun:
				key = a.Name
			case local(a.Obj.Pos()):
				key = fmt.Sprintf("!%s is a local variable: a worker can run only a function declared in a cell (func %s(…) at the top level) or a function literal written in the ray.Remote call; pass the values it needs as arguments of .Remote", a.Name, a.Name)
			default:
				key = fmt.Sprintf("!%s is a variable of the cell: a worker can run only a function declared with func %s(…) at the top level of a cell, or a function literal written in the ray.Remote call", a.Name, a.Name)
			}
		case *ast.SelectorExpr:
			if x, ok := a.X.(*ast.Ident); ok && x.Obj == nil {
				key = "sel:" + x.Name + "." + a.Sel.Name
			} else {
				key = "!ray.Remote's argument is a method value or a field: a worker can run only a function declared in a cell or a function literal written in the ray.Remote call (call the method in one: func(…) { … x.M(…) … }, passing x as an argument)"
			}
		case *ast.FuncLit:
			var captured []string
			seen := map[string]bool{}
			ast.Inspect(a.Body, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok || id.Obj == nil || id.Obj.Kind == ast.Lbl || seen[id.Name] {
					return true
				}
				p := id.Obj.Pos()
				if a.Pos() <= p && p < a.End() {
					return true // declared inside the literal
				}
				if local(p) || (stmts && !session[id.Obj.Decl] && !remoteVar(id.Obj.Decl)) {
					seen[id.Name] = true
					captured = append(captured, id.Name)
				}
				return true
			})
			if len(captured) > 0 {
				sort.Strings(captured)
				key = fmt.Sprintf("!the function literal uses %s of the code around it, which a worker does not have: pass %s as arguments of .Remote, or declare the function at the top level of a cell", strings.Join(captured, ", "), strings.Join(captured, ", "))
				break
			}
			lit := text[off(a.Pos()):off(a.End())]
			name := litName(lit)
			line := fset.Position(a.Pos()).Line % lineBase
			lits = append(lits, liftedLit{name: name, src: "func " + name + strings.TrimPrefix(lit, "func"), line: line})
			key = "lit:" + name
		default:
			key = "!ray.Remote's argument is an expression a worker cannot rebuild: pass a function declared in a cell (for a generic one, a top-level func that calls it) or a function literal written in the ray.Remote call"
		}
		// The line directive keeps the argument's own columns in positions.
		p := fset.Position(arg.Pos())
		hook := fmt.Sprintf("%s.Ship(%s, /*line _.go:%d:%d*/", goHook, strconv.Quote(key), p.Line, p.Column)
		edits = append(edits, edit{off(arg.Pos()), off(arg.Pos()), hook}, edit{off(arg.End()), off(arg.End()), ")" + assert})
		return true
	})
	if len(edits) == 0 {
		return text, nil
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].pos < edits[j].pos })
	var b strings.Builder
	at := 0
	for _, e := range edits {
		b.WriteString(text[at:e.pos])
		b.WriteString(e.repl)
		at = e.end
	}
	b.WriteString(text[at:])
	return b.String(), lits
}

// actorCallFunc reports whether call, x.Remote(…), may be an actor's call
// whose first argument is a function the Ship hook should name: a function
// literal, a name, or a selector (a package's function, a method
// expression), and not the only argument spread with "...".
func actorCallFunc(call *ast.CallExpr) bool {
	if call.Ellipsis.IsValid() && len(call.Args) == 1 {
		return false
	}
	switch a := call.Args[0].(type) {
	case *ast.FuncLit, *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return true
	case *ast.ParenExpr:
		_, ok := a.X.(*ast.StarExpr) // (*T).M
		return ok
	}
	return false
}

// funcArgType returns the type, as source, of arg, the first argument of
// an x.Remote call, when it is a function literal or names a non-generic
// function declared in the chunk or (funcSig) by an earlier cell; "" if
// not known.
func funcArgType(arg ast.Expr, text string, off func(token.Pos) int, funcSig func(string) (string, bool)) string {
	switch a := arg.(type) {
	case *ast.FuncLit:
		return text[off(a.Type.Pos()):off(a.Type.End())]
	case *ast.Ident:
		if a.Obj == nil {
			if funcSig == nil {
				return ""
			}
			sig, _ := funcSig(a.Name)
			return sig
		}
		if fd, ok := a.Obj.Decl.(*ast.FuncDecl); ok && a.Obj.Kind == ast.Fun && fd.Recv == nil && fd.Type.TypeParams == nil {
			return "func" + text[off(fd.Type.Params.Pos()):off(fd.Type.End())]
		}
	}
	return ""
}

// shipArg returns the argument a Ship hook call wraps (see shipRewrite),
// or x itself.
func shipArg(x ast.Expr) ast.Expr {
	c, ok := x.(*ast.CallExpr)
	if !ok || len(c.Args) != 2 {
		return x
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Ship" {
		return x
	}
	if id, ok := sel.X.(*ast.Ident); !ok || id.Name != goHook {
		return x
	}
	return c.Args[1]
}

// rayOptions are the functions of package ray that make task options: a
// variable made of ray.Remote and options is replayed on workers.
var rayOptions = map[string]bool{
	"TaskName": true, "TaskCPUs": true, "TaskResources": true,
	"NumReturns": true, "MaxRetries": true, "RetryExceptions": true,
}

// remoteExpr reports whether e is ray.Remote(f) or ray.Remote(func literal),
// possibly followed by .Options(…) with options of constant arguments:
// evaluating it again on a worker makes the same remote function.
func remoteExpr(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok || call.Ellipsis.IsValid() {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if sel.Sel.Name == "Options" {
		for _, a := range call.Args {
			if !optionExpr(a) {
				return false
			}
		}
		return remoteExpr(sel.X)
	}
	if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "ray" || sel.Sel.Name != "Remote" || len(call.Args) != 1 {
		return false
	}
	switch shipArg(call.Args[0]).(type) {
	case *ast.Ident, *ast.FuncLit:
		return true
	}
	return false
}

// optionExpr reports whether e is a call of a ray option function with
// constant-like arguments (literals, names, composite literals of them).
func optionExpr(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !rayOptions[sel.Sel.Name] {
		return false
	}
	if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "ray" {
		return false
	}
	for _, a := range call.Args {
		if !constLike(a) {
			return false
		}
	}
	return true
}

// constLike reports whether e is made of literals, names (checked when the
// function is shipped), operators and composite literals.
func constLike(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.Ident:
		return true
	case *ast.ParenExpr:
		return constLike(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.AND && e.Op != token.ARROW && constLike(e.X)
	case *ast.BinaryExpr:
		return constLike(e.X) && constLike(e.Y)
	case *ast.KeyValueExpr:
		return constLike(e.Key) && constLike(e.Value)
	case *ast.CompositeLit:
		for _, x := range e.Elts {
			if !constLike(x) {
				return false
			}
		}
		return true
	}
	return false
}
