package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
)

// Inspect describes the identifier at cursor, as go/types resolves it in
// the code being edited (see editCheck): for a package member, a method or
// a field of a compiled type, its declaration and documentation (go/doc);
// for a session variable, its declared type and its value; for a type of
// the session, its declaration and methods; for a package, its
// documentation. It reports false when nothing is known.
func (s *Session) Inspect(code string, cursor, detailLevel int) (data map[string]any, found bool) {
	cursor = min(max(cursor, 0), len(code))
	defer func() {
		if s.editPanic(recover()) {
			data, found = nil, false
		}
	}()
	qual, start, end := identAt(code, cursor, true)
	name := code[start:end]
	if name == "" {
		// The cursor may follow a call's parenthesis: "fmt.Println(|".
		c := cursor
		for c > 0 && (code[c-1] == '(' || code[c-1] == ' ') {
			c--
		}
		if c == cursor {
			return nil, false
		}
		qual, start, end = identAt(code, c, false)
		name = code[start:end]
		if name == "" {
			return nil, false
		}
	}
	text := func(t string) (map[string]any, bool) { return map[string]any{"text/plain": t}, true }
	if t := s.describeTyped(code, start, detailLevel); t != "" {
		return text(t)
	}
	if qual != "" {
		if p := s.pkgPath(qual, code); p != "" {
			if t := s.describeMember(p, name, detailLevel); t != "" {
				return text(t)
			}
			return nil, false
		}
	}
	if p := s.pkgPath(name, code); p != "" && qual == "" {
		t := "package " + name + " // import \"" + p + "\""
		if d := pkgDoc(p); d != nil && d.Doc != "" {
			t += "\n\n" + d.Doc
		}
		return text(t)
	}
	if qual == "" {
		if t := s.describeGlobal(name, nil); t != "" {
			return text(t)
		}
		for _, k := range keywords {
			if k == name {
				return text(name + ": Go keyword")
			}
		}
	}
	return nil, false
}

// describeTyped describes the identifier starting at the offset off of
// code by its go/types object; "" when go/types does not know it or a
// package name is named (Inspect's own ways handle those).
func (s *Session) describeTyped(code string, off, detail int) (text string) {
	s.editCheck(code, func(v *editView) { text = s.describeObject(v, off, detail) })
	return text
}

// describeObject is describeTyped on a checked view.
func (s *Session) describeObject(v *editView, off, detail int) string {
	id := v.identAt(off)
	if id == nil {
		return ""
	}
	obj := v.info.Uses[id]
	if obj == nil {
		obj = v.info.Defs[id]
	}
	if _, isPkg := obj.(*types.PkgName); isPkg || obj == nil || obj.Pkg() == nil {
		return "" // a package name, a builtin, nil, or unknown
	}
	local := obj.Pkg().Path() == v.pkg.Path() // the cell's, or an earlier cell's (stubPackage)
	str := func() string { return types.ObjectString(obj, qualifier) }
	switch o := obj.(type) {
	case *types.Func:
		recv := o.Type().(*types.Signature).Recv()
		if local {
			key := o.Name()
			if recv != nil {
				key = recvTypeName(recv.Type()) + "." + key
			}
			return s.withDoc(key, s.declOf(key, str()))
		}
		if recv != nil {
			if d := methodDoc(recv.Type(), o.Name(), detail, 0); d != "" {
				return d
			}
			return str()
		}
		if d := docOf(o.Pkg().Path(), o.Name(), detail); d != "" {
			return d
		}
		return str()
	case *types.Var:
		if o.IsField() {
			return str()
		}
		if local {
			if v.pkg.Scope().Lookup(o.Name()) == obj {
				if d := s.describeGlobal(o.Name(), o.Type()); d != "" {
					return d
				}
			}
			return o.Name() + ": " + types.TypeString(o.Type(), qualifier)
		}
	case *types.TypeName:
		if local {
			return s.withDoc(o.Name(), s.describeType(o))
		}
	}
	if !local {
		if d := docOf(obj.Pkg().Path(), obj.Name(), detail); d != "" {
			return d
		}
	}
	return str()
}

// methodDoc documents method name of the named type t (or *t) of a
// compiled package: declared on t, or on the type of one of t's embedded
// fields it is promoted from (the symbol tables list promoted methods as
// t's own).
func methodDoc(t types.Type, name string, detail, depth int) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || depth > 3 {
		return ""
	}
	if d := docOf(n.Obj().Pkg().Path(), n.Obj().Name()+"."+name, detail); d != "" {
		return d
	}
	if st, ok := n.Underlying().(*types.Struct); ok {
		for i := range st.NumFields() {
			if f := st.Field(i); f.Embedded() {
				if d := methodDoc(f.Type(), name, detail, depth+1); d != "" {
					return d
				}
			}
		}
	}
	return ""
}

// recvTypeName is the name of a method's receiver type.
func recvTypeName(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// declOf returns the declaration of a session function or method (key
// "T.M") as a cell wrote it, without its body, else def.
func (s *Session) declOf(name, def string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.stubSrc.get(name); ok && strings.HasPrefix(d, "func ") {
		return d
	}
	return def
}

// describeType shows a type of the session or the cell: its declaration
// and its methods.
func (s *Session) describeType(o *types.TypeName) string {
	s.mu.Lock()
	src, ok := s.sources[o.Name()]
	var methods []string
	for k, d := range s.stubSrc.src {
		if strings.HasPrefix(k, o.Name()+".") {
			methods = append(methods, d)
		}
	}
	s.mu.Unlock()
	text := "type " + o.Name() + " " + src
	if !ok {
		text = "type " + o.Name() + " " + types.TypeString(o.Type().Underlying(), qualifier)
	}
	if len(methods) == 0 {
		ms := types.NewMethodSet(types.NewPointer(o.Type()))
		for i := range ms.Len() {
			methods = append(methods, types.ObjectString(ms.At(i).Obj(), qualifier))
		}
	}
	sort.Strings(methods)
	if len(methods) > 0 {
		text += "\n\n" + strings.Join(methods, "\n")
	}
	return text
}

// describeGlobal returns the type and value of a session variable, or the
// declaration of a session function or type. t is the variable's declared
// type when go/types knows it, nil to show the value's. Values are read
// only when no cell is running (reading them while a cell writes them
// would race). A value of a compiled struct type with unexported fields is
// not shown (its insides are the package's business): its type's
// documentation is.
func (s *Session) describeGlobal(name string, t types.Type) string {
	s.mu.Lock()
	known := s.names[name]
	src, isType := s.sources[name]
	s.mu.Unlock()
	if !known {
		return ""
	}
	if isType {
		return "type " + name + " " + src
	}
	typ := ""
	if t != nil {
		typ = types.TypeString(t, qualifier)
		if doc := opaqueDoc(t); doc != "" {
			return name + ": " + typ + "\n\n" + doc
		}
	}
	if !s.evalMu.TryLock() {
		if typ != "" {
			return name + ": " + typ + " (value unavailable while a cell runs)"
		}
		return name + " (declared in the session; value unavailable while a cell runs)"
	}
	defer s.evalMu.Unlock()
	v, ok := s.i.Globals()[name]
	if !ok || !v.IsValid() {
		if typ != "" {
			return name + ": " + typ
		}
		return name + " (declared in the session)"
	}
	for v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.Func {
		if typ == "" {
			typ = v.Type().String()
		}
		return name + " " + typ
	}
	var val string
	if typ == "" {
		typ = v.Type().String()
		val = "?"
		if v.CanInterface() {
			val = fmt.Sprintf("%#v", v.Interface())
		}
	} else {
		val = valueText(v, t, 0)
	}
	if len(val) > 2000 {
		val = val[:2000] + "…"
	}
	return fmt.Sprintf("%s: %s = %s", name, typ, val)
}

// opaqueDoc returns the documentation of t's type when t is, or points
// to, a struct type of a compiled package with unexported fields; "" else.
func opaqueDoc(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() == "p" {
		return ""
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return ""
	}
	for i := range st.NumFields() {
		if !st.Field(i).Exported() {
			if d := docOf(n.Obj().Pkg().Path(), n.Obj().Name(), 0); d != "" {
				return d
			}
			return "type " + types.TypeString(n, qualifier) + " " + types.TypeString(st, qualifier)
		}
	}
	return ""
}

// valueText formats v, a value of type t, as %+v would, with the field
// names go/types knows: the interpreter's struct types for cell types
// export every field ("Xsecret" for secret).
func valueText(v reflect.Value, t types.Type, depth int) string {
	if !v.IsValid() {
		return "<nil>"
	}
	switch v.Kind() {
	case reflect.Pointer:
		if p, ok := t.Underlying().(*types.Pointer); ok && !v.IsNil() && depth < 4 {
			return "&" + valueText(v.Elem(), p.Elem(), depth+1)
		}
	case reflect.Struct:
		if st, ok := t.Underlying().(*types.Struct); ok && st.NumFields() == v.NumField() && depth < 4 {
			parts := make([]string, st.NumFields())
			for i := range parts {
				parts[i] = st.Field(i).Name() + ":" + valueText(v.Field(i), st.Field(i).Type(), depth+1)
			}
			return "{" + strings.Join(parts, " ") + "}"
		}
	case reflect.Slice, reflect.Array:
		var elem types.Type
		switch u := t.Underlying().(type) {
		case *types.Slice:
			elem = u.Elem()
		case *types.Array:
			elem = u.Elem()
		}
		if elem != nil && depth < 4 && !(v.Kind() == reflect.Slice && v.IsNil()) {
			var parts []string
			for i := range min(v.Len(), 100) {
				parts = append(parts, valueText(v.Index(i), elem, depth+1))
			}
			if v.Len() > 100 {
				parts = append(parts, "…")
			}
			return "[" + strings.Join(parts, " ") + "]"
		}
	}
	if v.CanInterface() {
		return fmt.Sprintf("%+v", v.Interface())
	}
	return "?"
}

// noteDocs keeps the doc comments of the functions, methods ("T.M") and
// types a cell that ran declared, for Inspect. Each declaration is parsed
// with the text since the previous top-level item, where its doc comment
// is.
func (s *Session) noteDocs(code string) {
	if !strings.Contains(code, "//") && !strings.Contains(code, "/*") {
		return
	}
	docs := map[string]string{}
	prev := 0
	for _, it := range topItems(code) {
		from := prev
		prev = it.end
		if it.kind != kindDecl {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+code[from:it.end], parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				docs[funcKey(d)] = d.Doc.Text()
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok {
						doc := ts.Doc
						if doc == nil && len(d.Specs) == 1 {
							doc = d.Doc
						}
						docs[ts.Name.Name] = doc.Text()
					}
				}
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.edit.docs == nil {
		s.edit.docs = map[string]string{}
	}
	for k, d := range docs {
		if d == "" {
			delete(s.edit.docs, k)
		} else {
			s.edit.docs[k] = strings.TrimSpace(d)
		}
	}
}

// withDoc appends the doc comment a cell gave key (a function, "T.M" or a
// type) to text.
func (s *Session) withDoc(key, text string) string {
	s.mu.Lock()
	d := s.edit.docs[key]
	s.mu.Unlock()
	if d == "" {
		return text
	}
	return text + "\n\n" + d
}
