// Package symtypes gives go/types the compiled packages an interpreter
// session has: it builds *types.Package values from yaegi symbol tables
// (import path → name → reflect.Value, in the form yaegi's extract writes
// them) by reflection, so that code can be type-checked against the standard
// library, ray, display and modules loaded at run time without their source
// or the Go toolchain's export data.
//
// What reflection cannot tell is not there: parameter names, unexported
// methods of non-interface types, the methods that come from embedding
// (they appear as the type's own), generic functions and types (compiled
// generics are not in symbol tables), and positions. It is meant for
// editor features (completion, inspection), not for compiling. It knows
// nothing of types an interpreter synthesizes for interpreted code, beyond
// what their reflect.Type shows.
package symtypes

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"path"
	"reflect"
	"strings"
	"sync"
)

// Importer is a types.Importer over symbol tables. Packages and types are
// built on first use and kept, so repeated checks share them; the zero
// value is not usable (see NewImporter). Packages and types are built while
// a check runs, so Import, Type and any use of the types they returned
// must happen with the importer locked (Lock): one check at a time.
type Importer struct {
	mu      sync.Mutex // held by Lock/Unlock around a check
	lookup  func(path string) map[string]reflect.Value
	aliases map[string]string // import path → the path its types have
	pkgs    map[string]*types.Package
	filled  map[string]bool
	named   map[reflect.Type]*types.Named
}

// NewImporter returns an Importer reading symbol tables through lookup, which
// returns nil for an unknown path. aliases maps import paths whose symbols
// are another package's (a package imported as "ray" whose types are in
// "…/parallel") to that package's path; the package then has the alias's
// name.
func NewImporter(lookup func(path string) map[string]reflect.Value, aliases map[string]string) *Importer {
	return &Importer{
		lookup:  lookup,
		aliases: aliases,
		pkgs:    map[string]*types.Package{},
		filled:  map[string]bool{},
		named:   map[reflect.Type]*types.Named{},
	}
}

// Lock serializes users of the importer's types (one go/types check at a
// time).
func (im *Importer) Lock() { im.mu.Lock() }

// Unlock releases Lock.
func (im *Importer) Unlock() { im.mu.Unlock() }

// Import implements types.Importer; call it with the importer locked (as
// go/types does during a check made under Lock). An unknown path is an
// error.
func (im *Importer) Import(p string) (*types.Package, error) {
	syms := im.lookup(p)
	if syms == nil {
		return nil, fmt.Errorf("symtypes: no symbols for %q", p)
	}
	real := p
	if a, ok := im.aliases[p]; ok {
		real = a
	}
	pkg := im.pkg(real, path.Base(p))
	if im.filled[p] {
		return pkg, nil
	}
	im.filled[p] = true
	scope := pkg.Scope()
	for name, v := range syms {
		if name == "" || name[0] == '_' || !v.IsValid() || scope.Lookup(name) != nil {
			continue
		}
		if obj := im.object(pkg, name, v); obj != nil {
			scope.Insert(obj)
		}
	}
	pkg.MarkComplete()
	return pkg, nil
}

// Built reports whether the package of import path p has been built (by
// Import). It locks the importer.
func (im *Importer) Built(p string) bool {
	im.Lock()
	defer im.Unlock()
	return im.filled[p]
}

// Type returns the go/types form of t (for values whose type reflection
// alone knows); call it with the importer locked.
func (im *Importer) Type(t reflect.Type) types.Type { return im.typ(t) }

// pkg returns the package of path, named name when it is new.
func (im *Importer) pkg(p, name string) *types.Package {
	if pkg, ok := im.pkgs[p]; ok {
		return pkg
	}
	for a, real := range im.aliases {
		if real == p {
			name = path.Base(a) // a package known by its alias has the alias's name
		}
	}
	pkg := types.NewPackage(p, name)
	im.pkgs[p] = pkg
	return pkg
}

var constantValue = reflect.TypeOf((*constant.Value)(nil)).Elem()

// object is the go/types object of one symbol: a type (a nil pointer to
// it), a variable (addressable), a function, or a constant (typed, or a
// constant.Value for an untyped one).
func (im *Importer) object(pkg *types.Package, name string, v reflect.Value) types.Object {
	t := v.Type()
	switch {
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, name, im.typ(t))
	case t.Kind() == reflect.Pointer && v.IsNil():
		tt := t.Elem()
		if n, ok := im.typ(tt).(*types.Named); ok && n.Obj().Pkg() == pkg && n.Obj().Name() == name {
			return n.Obj()
		}
		return types.NewTypeName(token.NoPos, pkg, name, im.typ(tt)) // an alias
	case t.Kind() == reflect.Func:
		sig, _ := im.typ(t).(*types.Signature)
		if sig == nil {
			return nil
		}
		return types.NewFunc(token.NoPos, pkg, name, sig)
	case t.Implements(constantValue) && v.CanInterface():
		cv, ok := v.Interface().(constant.Value)
		if !ok {
			return nil
		}
		return types.NewConst(token.NoPos, pkg, name, untyped(cv.Kind()), cv)
	}
	if cv := constOf(v); cv != nil {
		return types.NewConst(token.NoPos, pkg, name, im.typ(t), cv)
	}
	return types.NewVar(token.NoPos, pkg, name, im.typ(t))
}

func untyped(k constant.Kind) types.Type {
	switch k {
	case constant.Bool:
		return types.Typ[types.UntypedBool]
	case constant.String:
		return types.Typ[types.UntypedString]
	case constant.Int:
		return types.Typ[types.UntypedInt]
	case constant.Float:
		return types.Typ[types.UntypedFloat]
	case constant.Complex:
		return types.Typ[types.UntypedComplex]
	}
	return types.Typ[types.Invalid]
}

// constOf is the constant value of a typed constant symbol, nil when v is
// not of a basic kind.
func constOf(v reflect.Value) constant.Value {
	switch v.Kind() {
	case reflect.Bool:
		return constant.MakeBool(v.Bool())
	case reflect.String:
		return constant.MakeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return constant.MakeFloat64(v.Float())
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return constant.BinaryOp(constant.MakeFloat64(real(c)), token.ADD, constant.MakeImag(constant.MakeFloat64(imag(c))))
	}
	return nil
}

var basics = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

// typ converts t; a named type is built once, its methods from t's method
// sets (those of *t not in t's have pointer receivers).
func (im *Importer) typ(t reflect.Type) types.Type {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			if t.Kind() == reflect.Interface {
				return types.Universe.Lookup("error").Type()
			}
			return types.Typ[basics[t.Kind()]]
		}
		if n, ok := im.named[t]; ok {
			return n
		}
		name := t.Name()
		pkgName := path.Base(t.PkgPath())
		if s := t.String(); strings.HasSuffix(s, "."+name) {
			pkgName = strings.TrimSuffix(s, "."+name)
		}
		pkg := im.pkg(t.PkgPath(), pkgName)
		obj := types.NewTypeName(token.NoPos, pkg, name, nil)
		n := types.NewNamed(obj, nil, nil)
		im.named[t] = n
		n.SetUnderlying(im.structure(t, pkg))
		if t.Kind() != reflect.Interface {
			im.addMethods(n, t)
		}
		return n
	}
	return im.structure(t, nil)
}

// structure converts t ignoring its name: a named type's underlying type.
// pkg is the package of unexported names in it when known.
func (im *Importer) structure(t reflect.Type, pkg *types.Package) types.Type {
	if b, ok := basics[t.Kind()]; ok {
		return types.Typ[b]
	}
	switch t.Kind() {
	case reflect.Pointer:
		return types.NewPointer(im.typ(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(im.typ(t.Elem()))
	case reflect.Array:
		return types.NewArray(im.typ(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(im.typ(t.Key()), im.typ(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, im.typ(t.Elem()))
	case reflect.Func:
		return im.signature(nil, t, 0)
	case reflect.Struct:
		fields := make([]*types.Var, t.NumField())
		tags := make([]string, t.NumField())
		for i := range t.NumField() {
			f := t.Field(i)
			fp := pkg
			if f.PkgPath != "" {
				fp = im.pkg(f.PkgPath, path.Base(f.PkgPath))
			}
			fields[i] = types.NewField(token.NoPos, fp, f.Name, im.typ(f.Type), f.Anonymous)
			tags[i] = string(f.Tag)
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		var methods []*types.Func
		for i := range t.NumMethod() {
			m := t.Method(i)
			mp := pkg
			if m.PkgPath != "" {
				mp = im.pkg(m.PkgPath, path.Base(m.PkgPath))
			}
			methods = append(methods, types.NewFunc(token.NoPos, mp, m.Name, im.signature(nil, m.Type, 0)))
		}
		return types.NewInterfaceType(methods, nil).Complete()
	}
	return types.Typ[types.Invalid]
}

// signature converts a function type, its first skip parameters dropped
// (a method's receiver), with recv as receiver.
func (im *Importer) signature(recv *types.Var, t reflect.Type, skip int) *types.Signature {
	var params, results []*types.Var
	for i := skip; i < t.NumIn(); i++ {
		params = append(params, types.NewParam(token.NoPos, nil, "", im.typ(t.In(i))))
	}
	for i := range t.NumOut() {
		results = append(results, types.NewParam(token.NoPos, nil, "", im.typ(t.Out(i))))
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}

// addMethods gives n the exported methods of t and *t.
func (im *Importer) addMethods(n *types.Named, t reflect.Type) {
	pkg := n.Obj().Pkg()
	seen := map[string]bool{}
	for i := range t.NumMethod() {
		m := t.Method(i)
		seen[m.Name] = true
		recv := types.NewParam(token.NoPos, pkg, "", n)
		n.AddMethod(types.NewFunc(token.NoPos, pkg, m.Name, im.signature(recv, m.Type, 1)))
	}
	if t.Kind() == reflect.Pointer {
		return
	}
	pt := reflect.PointerTo(t)
	for i := range pt.NumMethod() {
		m := pt.Method(i)
		if seen[m.Name] {
			continue
		}
		recv := types.NewParam(token.NoPos, pkg, "", types.NewPointer(n))
		n.AddMethod(types.NewFunc(token.NoPos, pkg, m.Name, im.signature(recv, m.Type, 1)))
	}
}
