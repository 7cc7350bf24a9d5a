package symtypes

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"testing"

	"github.com/warren-go/warren/interp/stdsyms"
)

func stdImporter() *Importer {
	byPath := map[string]map[string]reflect.Value{}
	for k, m := range stdsyms.Symbols {
		byPath[k[:strings.LastIndex(k, "/")]] = m
	}
	return NewImporter(func(p string) map[string]reflect.Value { return byPath[p] }, nil)
}

// check type-checks src with im and fails on any error.
func check(t *testing.T, im *Importer, src string) (*types.Package, *types.Info) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}}
	im.Lock()
	defer im.Unlock()
	pkg, err := (&types.Config{Importer: im}).Check("p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return pkg, info
}

// Code using the standard library type-checks against the symbol tables
// alone, as it would against the real packages.
func TestStandardLibraryChecks(t *testing.T) {
	im := stdImporter()
	pkg, _ := check(t, im, `package p
import ("fmt"; "io"; "math"; "os"; "strings"; "time")
var b strings.Builder
var n, _ = b.WriteString("x")
var l int = b.Len()
var w io.Writer = &b
var d = 3 * time.Millisecond
var sec float64 = d.Seconds()
var mode os.FileMode = 0o644
var perm = mode.Perm()
const pi = math.Pi * 2
var s = fmt.Sprint(pi, n, l, w, sec, perm)
var r = strings.NewReplacer("a", "b").Replace("abc")
`)
	for name, want := range map[string]string{
		"b": "strings.Builder", "n": "int", "d": "time.Duration", "sec": "float64",
		"perm": "io/fs.FileMode", "pi": "untyped float", "s": "string", "r": "string",
	} {
		obj := pkg.Scope().Lookup(name)
		if obj == nil || obj.Type().String() != want {
			t.Errorf("%s: %v, want type %s", name, obj, want)
		}
	}
}

// Constants keep their values and types; types keep their methods, value
// and pointer receivers told apart; unexported fields stay unexported.
func TestObjects(t *testing.T) {
	im := stdImporter()
	im.Lock()
	defer im.Unlock()
	tp, err := im.Import("time")
	if err != nil {
		t.Fatal(err)
	}
	ms, ok := tp.Scope().Lookup("Millisecond").(*types.Const)
	if !ok || ms.Type().String() != "time.Duration" || constant.Compare(ms.Val(), token.NEQ, constant.MakeInt64(1e6)) {
		t.Errorf("time.Millisecond = %v", ms)
	}
	sp, _ := im.Import("strings")
	b := sp.Scope().Lookup("Builder").Type().(*types.Named)
	if mset := types.NewMethodSet(b); mset.Lookup(sp, "WriteString") != nil {
		t.Errorf("strings.Builder's value method set has WriteString: %v", mset)
	}
	if mset := types.NewMethodSet(ms.Type()); mset.Lookup(tp, "Seconds") == nil {
		t.Errorf("time.Duration's value method set lacks Seconds: %v", mset)
	}
	if types.NewMethodSet(types.NewPointer(b)).Lookup(sp, "WriteString") == nil {
		t.Errorf("*strings.Builder lacks WriteString")
	}
	st := b.Underlying().(*types.Struct)
	for i := range st.NumFields() {
		if st.Field(i).Exported() {
			t.Errorf("strings.Builder has an exported field %v", st.Field(i))
		}
	}
	if _, err := im.Import("no/such/package"); err == nil {
		t.Errorf("an unknown package imported")
	}
}

// An alias path gives the aliased package under the alias's name.
func TestAliases(t *testing.T) {
	type T struct{ A int }
	path := reflect.TypeOf(T{}).PkgPath()
	syms := map[string]reflect.Value{"T": reflect.ValueOf((*T)(nil)), "New": reflect.ValueOf(func() *T { return nil })}
	im := NewImporter(func(p string) map[string]reflect.Value {
		if p == "short" {
			return syms
		}
		return nil
	}, map[string]string{"short": path})
	pkg, _ := check(t, im, "package p\nimport \"short\"\nvar x = short.New().A\nvar y short.T\n")
	if got := pkg.Scope().Lookup("y").Type().String(); got != path+".T" {
		t.Errorf("y's type = %s", got)
	}
	if got := pkg.Imports()[0].Name(); got != "short" {
		t.Errorf("package name = %s", got)
	}
}
