package main

import (
	"fmt"
	"go/scanner"
	"go/token"
	"strings"
)

// maxCauseLines bounds the candidate lines a FatalError lists.
const maxCauseLines = 5

// causeLines returns, for a fatal error of the running cell, the lines of
// its code that can cause that kind of error, as "  L | source" lines under
// a heading; nil when there are none. The Go runtime's report cannot say
// which line failed (see fatalReport), so these are candidates: index
// writes and deletes for concurrent map access, functions that call
// themselves for a stack overflow, make and append for out of memory.
func causeLines(code, fatal string) []string {
	toks := scan(code)
	var lines []int
	heading := ""
	switch {
	case strings.Contains(fatal, "concurrent map"):
		heading = "lines of this cell that write to a map or slice element (the failing write may also be in a function of another cell):"
		lines = indexWrites(toks)
	case strings.Contains(fatal, "stack overflow"):
		heading = "functions of this cell that call themselves:"
		lines = selfCalls(toks)
	case strings.Contains(fatal, "out of memory"):
		heading = "lines of this cell that allocate with make or append:"
		lines = allocations(toks)
	}
	if len(lines) == 0 {
		return nil
	}
	src := strings.Split(code, "\n")
	out := []string{heading}
	for i, l := range lines {
		if i == maxCauseLines {
			out = append(out, fmt.Sprintf("  … and %d more", len(lines)-i))
			break
		}
		out = append(out, fmt.Sprintf("  %d | %s", l, strings.TrimSpace(src[l-1])))
	}
	return out
}

type tok struct {
	t    token.Token
	lit  string
	line int
}

// scan returns code's tokens (comments and errors skipped).
func scan(code string) []tok {
	fset := token.NewFileSet()
	f := fset.AddFile("cell", -1, len(code))
	var s scanner.Scanner
	s.Init(f, []byte(code), nil, 0)
	var out []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			return out
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue // automatic semicolons carry no meaning here
		}
		out = append(out, tok{t, lit, fset.Position(pos).Line})
	}
}

// closing returns the index of the token closing the bracket at toks[i].
func closing(toks []tok, i int) int {
	open, shut := toks[i].t, map[token.Token]token.Token{token.LBRACK: token.RBRACK, token.LPAREN: token.RPAREN, token.LBRACE: token.RBRACE}[toks[i].t]
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].t {
		case open:
			depth++
		case shut:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

// addLine appends l to lines unless it is already the last one.
func addLine(lines []int, l int) []int {
	if n := len(lines); n > 0 && lines[n-1] == l {
		return lines
	}
	return append(lines, l)
}

// indexWrites finds x[k] = v, x[k] op= v, x[k]++ and delete(…) lines.
func indexWrites(toks []tok) []int {
	var lines []int
	for i, t := range toks {
		if t.t == token.IDENT && t.lit == "delete" && i+1 < len(toks) && toks[i+1].t == token.LPAREN {
			lines = addLine(lines, t.line)
			continue
		}
		if t.t != token.LBRACK || i == 0 || (toks[i-1].t != token.IDENT && toks[i-1].t != token.RPAREN && toks[i-1].t != token.RBRACK) {
			continue
		}
		j := closing(toks, i)
		if j+1 >= len(toks) {
			continue
		}
		switch next := toks[j+1].t; {
		case next == token.ASSIGN, next == token.INC, next == token.DEC,
			next >= token.ADD_ASSIGN && next <= token.AND_NOT_ASSIGN:
			lines = addLine(lines, t.line)
		}
	}
	return lines
}

// selfCalls finds named functions (and methods) whose body calls their
// own name.
func selfCalls(toks []tok) []int {
	var lines []int
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].t != token.FUNC {
			continue
		}
		j := i + 1
		if toks[j].t == token.LPAREN { // method receiver
			j = closing(toks, j) + 1
		}
		if j >= len(toks) || toks[j].t != token.IDENT {
			continue // a function literal
		}
		name := toks[j].lit
		b := j + 1
		for b < len(toks) && toks[b].t != token.LBRACE {
			b++
		}
		if b == len(toks) {
			continue
		}
		end := closing(toks, b)
		for k := b; k+1 <= end; k++ {
			if toks[k].t == token.IDENT && toks[k].lit == name && toks[k+1].t == token.LPAREN &&
				(k == 0 || toks[k-1].t != token.PERIOD || toks[i+1].t == token.LPAREN) {
				lines = addLine(lines, toks[i].line)
				break
			}
		}
	}
	return lines
}

// allocations finds make(…) and append(…) lines.
func allocations(toks []tok) []int {
	var lines []int
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].t == token.IDENT && (toks[i].lit == "make" || toks[i].lit == "append") && toks[i+1].t == token.LPAREN {
			lines = addLine(lines, toks[i].line)
		}
	}
	return lines
}
