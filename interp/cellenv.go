package interp

import (
	"go/ast"
	"strings"
)

// What splitting a cell needs to know of the session's earlier cells (see
// cellEnv): names, methods, generic functions, types and the spelled types
// of variables and function results.

// declared reports whether an earlier cell declared name.
func (s *Session) declared(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[name]
}

// method returns the signature of method "T.M" declared by an earlier cell.
func (s *Session) method(key string) (methodSig, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sig, ok := s.methods[key]
	return sig, ok
}

// generic returns the generic function name declared by an earlier cell.
func (s *Session) generic(name string) (genericSig, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sig, ok := s.generics[name]
	return sig, ok
}

// cellType reports whether an earlier cell declared name as a concrete,
// non-generic type.
func (s *Session) cellType(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, ok := s.sources[name]
	return ok && !strings.HasPrefix(src, "interface") && !strings.HasPrefix(src, "[") && !strings.HasPrefix(src, "=")
}

// varType returns the type of a variable declared by an earlier cell, when
// the source spelled it (see minmax.go).
func (s *Session) varType(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.varTypes[name]
	return t, ok
}

// basics returns the types earlier cells declared with a predeclared basic
// underlying type (type meters int), with that type.
func (s *Session) basics() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	res := map[string]string{}
	for name, src := range s.sources {
		if b := basicName(src); b != "" {
			res[name] = b
		}
	}
	return res
}

// funcSig returns the type, as source (func(x int) int), of the
// non-generic function name that the cells declared last, as the ship log
// has it.
func (s *Session) funcSig(name string) (string, bool) {
	l := s.ship
	l.mu.Lock()
	u := l.byName[name]
	l.mu.Unlock()
	if u == nil || u.kind != unitDecl {
		return "", false
	}
	sig, ok := funcSigs(u.src)[name]
	return sig, ok
}

// funcSigs returns the types, as source, of the non-generic functions the
// declaration source text declares, by name.
func funcSigs(text string) map[string]string {
	f, src, err := parseDeclText(text)
	if err != nil {
		return nil
	}
	sigs := map[string]string{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Type.TypeParams == nil {
			sig := "func" + src(fd.Type.Params)
			if fd.Type.Results != nil {
				sig += " " + src(fd.Type.Results)
			}
			sigs[fd.Name.Name] = sig
		}
	}
	return sigs
}
