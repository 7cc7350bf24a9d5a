package interp

import "fmt"

// freshImports returns the imports of a chunk that the session has not
// made yet. An import of a package the session already has under that name
// (ray by its module path) is dropped; another package under a name the
// session uses is an error that says what to do.
func (s *Session) freshImports(imps []importSpec) ([]importSpec, error) {
	var fresh []importSpec
	for _, imp := range imps {
		if s.imported[imp.key()] {
			continue
		}
		s.mu.Lock()
		bound, ok := s.pkgs[imp.localName()]
		s.mu.Unlock()
		switch {
		case ok && samePackage(bound, imp.path):
			continue // e.g. ray "github.com/warren-go/warren/parallel": ray is that package
		case ok && imp.localName() != "_" && imp.localName() != ".":
			msg := fmt.Sprintf("import %s: %s already names package %q in this session; import it under another name (import other %q)", imp, imp.localName(), bound, imp.path)
			return nil, &Error{Name: "CompileError", Value: msg, Traceback: []string{"CompileError: " + msg}}
		}
		fresh = append(fresh, imp)
	}
	return fresh, nil
}

// samePackage reports whether import paths a and b name the same package
// in a session: the ray runtime and display are importable both under
// their short paths and their module paths.
func samePackage(a, b string) bool {
	canon := func(p string) string {
		switch p {
		case "github.com/warren-go/warren/parallel":
			return "ray"
		case "github.com/warren-go/warren/interp/display":
			return "display"
		}
		return p
	}
	return canon(a) == canon(b)
}
