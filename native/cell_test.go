package native

import (
	"errors"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestParseCell(t *testing.T) {
	c, err := ParseCell(`import "fmt"
type P struct{ X int }
func (p P) Get() int { return p.X }
func Map[T any](xs []T) []T { return xs }
var n = 1
const k = 2
func() { fmt.Println(P{X: n}) }()
x := P{k}
fmt.Println(x.Get())
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"P": "type", "Map": "generic", "n": "var", "k": "const"}
	if len(c.Names) != len(want) {
		t.Errorf("Names = %v, want %v", c.Names, want)
	}
	for n, k := range want {
		if c.Names[n] != k {
			t.Errorf("Names[%s] = %q, want %q", n, c.Names[n], k)
		}
	}
	if !c.Uses["k"] || !c.Uses["n"] || c.Uses["Println"] {
		t.Errorf("Uses = %v: want k and n, not the selector Println", c.Uses)
	}
	files, err := c.Files(Package{Name: "native", ImportPath: "warren.native/s/x/c1",
		Implicit: map[string]string{"ray": "example.com/ray"}})
	if err != nil {
		t.Fatal(err)
	}
	src := string(files["cell.go"])
	f, err := parser.ParseFile(token.NewFileSet(), "cell.go", src, 0)
	if err != nil {
		t.Fatalf("generated source does not parse: %v\n%s", err, src)
	}
	if len(f.Imports) != 1 {
		t.Errorf("imports %d, want fmt only (ray is unused):\n%s", len(f.Imports), src)
	}
	// The statements, including the func literal call, are in the run function.
	run := src[strings.Index(src, "func "+RunFunc):]
	for _, s := range []string{"func() { fmt.Println", "x := P{k}", "fmt.Println(x.Get())"} {
		if !strings.Contains(run, s) {
			t.Errorf("run function lacks %q:\n%s", s, run)
		}
	}
	if !strings.Contains(src, "/*line cell:7:1*/func() {") {
		t.Errorf("no line directive for line 7:\n%s", src)
	}
	tab := string(files["symbols.go"])
	for _, s := range []string{`"warren.native/s/x/c1/native"`, `"P": reflect.ValueOf((*P)(nil))`, `"n": reflect.ValueOf(&n).Elem()`, `"k": reflect.ValueOf(k)`} {
		if !strings.Contains(tab, s) {
			t.Errorf("symbol table lacks %s:\n%s", s, tab)
		}
	}
	if strings.Contains(tab, `"Map"`) {
		t.Errorf("generic Map in the symbol table:\n%s", tab)
	}
}

func TestIdentityPins(t *testing.T) {
	id := &Identity{GoVersion: "go1.26.8", MainPath: "github.com/warren-go/warren", MainVersion: "(devel)", SourceDir: "/src/warren",
		Deps: []Module{{Path: "github.com/traefik/yaegi", Version: "v0.16.1"}, {Path: "example.com/r", Version: "v1.0.0", Replace: "example.com/fork@v1.0.1"}},
		Env:  []string{"CGO_ENABLED=1"}}
	mod := id.goMod(ModulePath)
	for _, s := range []string{"module warren.native", "go 1.26.8", "\tgithub.com/traefik/yaegi v0.16.1", "replace github.com/warren-go/warren => /src/warren", "replace example.com/r => example.com/fork v1.0.1"} {
		if !strings.Contains(mod, s) {
			t.Errorf("go.mod lacks %q:\n%s", s, mod)
		}
	}
	released := *id
	released.MainVersion, released.SourceDir = "v1.2.0", ""
	if mod := released.goMod(ModulePath); !strings.Contains(mod, "\tgithub.com/warren-go/warren v1.2.0") || strings.Contains(mod, "replace github.com/warren-go/warren") {
		t.Errorf("go.mod of a released build:\n%s", mod)
	}
	if id.Key() == released.Key() {
		t.Error("different identities share a key")
	}
	nocgo := *id
	nocgo.Env = []string{"CGO_ENABLED=0"}
	if _, err := Open(&nocgo, Options{Dir: t.TempDir()}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Open without cgo: %v, want ErrUnsupported", err)
	}
	w := &Workspace{id: id, dir: "/ws"}
	for pkg, want := range map[string]string{
		"github.com/warren-go/warren/parallel": "rebuild warren (make build)",
		"github.com/traefik/yaegi/interp":      "the kernel links github.com/traefik/yaegi v0.16.1",
		"internal/abi":                         "the standard library differs",
	} {
		if got := w.advice(pkg); !strings.Contains(got, want) {
			t.Errorf("advice(%s) = %q, want %q", pkg, got, want)
		}
	}
}

// A cell that declares func main runs it after its statements, as go run
// does, unless its statements call main themselves.
func TestParseCellMain(t *testing.T) {
	for _, tc := range []struct {
		code  string
		calls int
	}{
		{"import \"fmt\"\nfunc main() { fmt.Println(1) }\nfmt.Println(0)", 1},
		{"func main() {}\nmain()", 1},
		{"func F() {}\nF()", 0},
		{"type T struct{}\nfunc (T) main() {}", 0},
	} {
		c, err := ParseCell(tc.code)
		if err != nil {
			t.Fatal(err)
		}
		run := c.src[strings.Index(c.src, "func "+RunFunc):]
		if got := strings.Count(run, "main()"); got != tc.calls {
			t.Errorf("%q: run function calls main %d times, want %d:\n%s", tc.code, got, tc.calls, run)
		}
	}
}
