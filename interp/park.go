package interp

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
)

// Channel operations that let cells compile while they wait. A goroutine of
// a go statement holds the compile gate while it runs interpreted code
// (holders.go), and yaegi has no hook where interpreted code blocks, so a
// worker waiting on a channel that a later cell feeds would keep that cell
// from compiling. Inside functions, the common blocking channel statements
// are rewritten so that the wait itself happens between two hooks that give
// up the hold and take it again (Session.park, Session.unpark):
//
//	for j := range jobs { … }
//	→ for __pcN := jobs; ; { __warren.Park(); j, __pokN := <-__pcN; __warren.Unpark(); if !__pokN { break }; { … } }
//	ch <- v     → { __pcN := ch; var __pvN T = v; __warren.Park(); __pcN <- __pvN; __warren.Unpark() }
//	            (a constant v is sent as written)
//	<-ch        → { __pcN := ch; __warren.Park(); <-__pcN; __warren.Unpark() }
//	x, ok := <-ch
//	→ __pcN := ch; __warren.Park(); __prN, __pokN := <-__pcN; __warren.Unpark(); x, ok := __prN, __pokN
//
// The channel and the value are evaluated before Park, while the hold is
// kept; between the hooks the goroutine touches only its own frame. N is
// the statement's offset in the cell. A statement whose operands another
// rewrite may change (a channel given by a call or an index expression, an
// index expression on the left), a range whose
// body loopEdits may rewrite, and a select are left alone: they keep the
// hold while they wait.

// parkKind is what a parkSite rewrites.
type parkKind int

const (
	parkRange     parkKind = iota // for v := range ch
	parkSend                      // ch <- v
	parkSendConst                 // ch <- a constant or nil
	parkRecv                      // <-ch as a statement
	parkAssign                    // x[, ok] := / = <-ch
)

// A parkSite is one channel statement to rewrite, by its offset in the cell.
type parkSite struct {
	kind parkKind
	elem string // parkSend: the channel's element type, as the cell can write it
}

// parkSites returns the channel statements of f inside functions to
// rewrite, by the cell offset of their first token. checkCell's func _
// holding the cell's top-level statements does not count as a function.
func parkSites(f *ast.File, info *types.Info, cellOff func(token.Pos) int) map[int]parkSite {
	out := map[int]parkSite{}
	isChan := func(e ast.Expr) bool {
		tv, ok := info.Types[e]
		if !ok || tv.Type == nil {
			return false
		}
		_, ok = tv.Type.Underlying().(*types.Chan)
		return ok
	}
	var bodies [][2]token.Pos // function bodies
	var lists [][]ast.Stmt    // statement lists
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			bodies = append(bodies, [2]token.Pos{n.Body.Pos(), n.Body.End()})
		case *ast.FuncDecl:
			if n.Body != nil && !(n.Recv == nil && n.Name.Name == "_") {
				bodies = append(bodies, [2]token.Pos{n.Body.Pos(), n.Body.End()})
			}
		case *ast.BlockStmt:
			lists = append(lists, n.List)
		case *ast.CaseClause:
			lists = append(lists, n.Body)
		case *ast.CommClause:
			lists = append(lists, n.Body)
		}
		return true
	})
	inFunc := func(p token.Pos) bool {
		for _, b := range bodies {
			if b[0] < p && p < b[1] {
				return true
			}
		}
		return false
	}
	for _, list := range lists {
		for _, st := range list {
			if !inFunc(st.Pos()) {
				continue
			}
			if site, ok := parkable(st, info, isChan); ok {
				out[cellOff(st.Pos())] = site
			}
		}
	}
	return out
}

// parkable reports whether st is a channel statement parkSites rewrites.
func parkable(st ast.Stmt, info *types.Info, isChan func(ast.Expr) bool) (parkSite, bool) {
	switch st := st.(type) {
	case *ast.RangeStmt:
		if st.Value != nil || (st.Key != nil && st.Tok != token.DEFINE) || !isChan(st.X) || !plainOperand(st.X) || capturesInBody(st.Body) {
			return parkSite{}, false
		}
		if st.Key != nil {
			if _, ok := st.Key.(*ast.Ident); !ok {
				return parkSite{}, false
			}
		}
		return parkSite{kind: parkRange}, true
	case *ast.SendStmt:
		if !isChan(st.Chan) || !plainOperand(st.Chan) {
			return parkSite{}, false
		}
		if tv, ok := info.Types[st.Value]; ok && (tv.Value != nil || tv.IsNil()) {
			return parkSite{kind: parkSendConst}, true // sent as written: reads no variable
		}
		// The value goes into a variable of the element's type, as a
		// send assigns it (its own type may be unknown: packages are
		// empty to this check).
		elem := info.Types[st.Chan].Type.Underlying().(*types.Chan).Elem()
		if containsInvalid(elem) {
			return parkSite{}, false
		}
		return parkSite{kind: parkSend, elem: types.TypeString(elem, qualifier)}, true
	case *ast.ExprStmt:
		if u, ok := ast.Unparen(st.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW && isChan(u.X) && plainOperand(u.X) {
			return parkSite{kind: parkRecv}, true
		}
	case *ast.AssignStmt:
		if len(st.Rhs) != 1 || len(st.Lhs) > 2 || (st.Tok != token.DEFINE && st.Tok != token.ASSIGN) {
			return parkSite{}, false
		}
		u, ok := st.Rhs[0].(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW || !isChan(u.X) || !plainOperand(u.X) {
			return parkSite{}, false
		}
		for _, l := range st.Lhs {
			if _, ok := l.(*ast.Ident); !ok {
				return parkSite{}, false
			}
		}
		return parkSite{kind: parkAssign}, true
	}
	return parkSite{}, false
}

// plainOperand reports whether e is a name or a selector of names (x, p.ch):
// text no other rewrite changes, which can be evaluated once up front.
func plainOperand(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return plainOperand(e.X)
	case *ast.BasicLit:
		return true
	}
	return false
}

// capturesInBody reports whether body has what loopEdits rewrites a loop
// for (closures, go and defer statements, addresses taken).
func capturesInBody(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			found = true
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND
		}
		return !found
	})
	return found
}

// parkEdits rewrites the sites parkSites found in the chunk parsed as f.
func parkEdits(f *ast.File, fset *token.FileSet, off func(token.Pos) int, text string, typed typedAt) []edit {
	if typed.ct == nil || len(typed.ct.parks) == 0 {
		return nil
	}
	src := func(e ast.Node) string { return text[off(e.Pos()):off(e.End())] }
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		st, ok := n.(ast.Stmt)
		if !ok || off(st.Pos()) < 0 {
			return true
		}
		at := typed.cellOff(off(st.Pos()))
		site, ok := typed.ct.parks[at]
		if !ok {
			return true
		}
		id := strconv.Itoa(at)
		pc, pv, pr, pok := "__pc"+id, "__pv"+id, "__pr"+id, "__pok"+id
		park, unpark := goHook+".Park()", goHook+".Unpark()"
		switch site.kind {
		case parkRange:
			r := st.(*ast.RangeStmt)
			key := "_"
			if r.Key != nil {
				key = r.Key.(*ast.Ident).Name
			}
			head := "for " + pc + " := " + src(r.X) + "; ; { " + park + "; " + key + ", " + pok + " := <-" + pc + "; " + unpark + "; if !" + pok + " { break }; {" +
				lineDirective(fset.Position(r.Body.Lbrace+1))
			edits = append(edits, edit{off(r.For), off(r.Body.Lbrace) + 1, head}, edit{off(r.Body.Rbrace), off(r.Body.Rbrace), "}"})
		case parkSend:
			// The value's text stays where it is, so the edits of other
			// rewrites inside it still apply. Two definitions, not
			// `__pcN, __pvN := ch, v`: yaegi v0.16.1 mixes up the two
			// variables of that form when v is a composite literal (the
			// send went to the wrong channel).
			s := st.(*ast.SendStmt)
			edits = append(edits,
				edit{off(s.Pos()), off(s.Value.Pos()), "{ " + pc + " := " + src(s.Chan) + "; var " + pv + " " + site.elem + " = "},
				edit{off(s.End()), off(s.End()), "; " + park + "; " + pc + " <- " + pv + "; " + unpark + " }"})
		case parkSendConst:
			s := st.(*ast.SendStmt)
			edits = append(edits, edit{off(s.Pos()), off(s.End()),
				"{ " + pc + " := " + src(s.Chan) + "; " + park + "; " + pc + " <- " + src(s.Value) + "; " + unpark + " }"})
		case parkRecv:
			u := ast.Unparen(st.(*ast.ExprStmt).X).(*ast.UnaryExpr)
			edits = append(edits, edit{off(st.Pos()), off(st.End()),
				"{ " + pc + " := " + src(u.X) + "; " + park + "; <-" + pc + "; " + unpark + " }"})
		case parkAssign:
			a := st.(*ast.AssignStmt)
			u := a.Rhs[0].(*ast.UnaryExpr)
			lhs, vals := src(a.Lhs[0]), pr
			recv := pr
			if len(a.Lhs) == 2 {
				lhs += ", " + src(a.Lhs[1])
				vals += ", " + pok
				recv += ", " + pok
			}
			edits = append(edits, edit{off(st.Pos()), off(st.End()),
				pc + " := " + src(u.X) + "; " + park + "; " + recv + " := <-" + pc + "; " + unpark + "; " + lhs + " " + a.Tok.String() + " " + vals})
		}
		return true
	})
	return edits
}

// park is __warren.Park: a goroutine of a go statement about to wait on a
// channel gives up its hold of the compile gate.
func (s *Session) park() {
	if t := s.goTokOf(); t != nil {
		s.releaseGo(t)
	}
}

// unpark is __warren.Unpark: the goroutine takes the gate again (waiting
// for a compile in progress) before it runs interpreted code.
func (s *Session) unpark() {
	t := s.goTokOf()
	if t == nil {
		return
	}
	s.mu.Lock()
	held := t.held
	s.mu.Unlock()
	if !held {
		s.holdGo(t)
	}
}
