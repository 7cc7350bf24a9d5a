package interp

import (
	"reflect"
	"strings"
	"testing"
)

const userTypesPrelude = `import ("errors"; "fmt"; "io"; "io/fs"; "os")
type MyErr struct{ Code int }
func (e *MyErr) Error() string { return fmt.Sprint("code ", e.Code) }
type Both int
func (b Both) Error() string { return "as error" }
func (b Both) String() string { return "as string" }
type Level int
func (l Level) String() string { return "L" + fmt.Sprint(int(l)) }
type S struct{ S string }
type app struct{ name string }
type Shape interface{ Area() float64 }
type Sq struct{ Side float64 }
func (s Sq) Area() float64 { return s.Side * s.Side }
func (s Sq) String() string { return fmt.Sprintf("Sq(%v)", s.Side) }
var ErrNotFound = errors.New("not found")`

// What compiled Go prints, for cells whose types have methods.
func TestUserTypesFmt(t *testing.T) {
	s := newSession(t)
	run(t, s, userTypesPrelude)
	tests := []struct{ code, want string }{
		{"fmt.Println(&MyErr{1})", "code 1\n"},
		{"var e error = &MyErr{2}\nfmt.Printf(\"%v %s|\", e, &MyErr{3})", "code 2 code 3|"},
		{"fmt.Println(Both(1), fmt.Sprint(Both(2)))", "as error as error\n"},
		{"fmt.Printf(\"%d %v %s %x %5d|%-4v|\\n\", Level(3), Level(3), Level(3), Level(3), Level(7), Level(2))", "3 L3 L3 4c33     7|L2  |\n"},
		{"fmt.Println(fmt.Sprintf(\"%03d\", Level(5)))", "005\n"},
		{"fmt.Println(fmt.Errorf(\"w: %w\", &MyErr{1}))", "w: code 1\n"},
		{"fmt.Printf(\"%T %T %v\\n\", 1, \"s\", app{\"y\"})", "int string {y}\n"},
		{"fmt.Println(Sq{2}, &Sq{3}, []fmt.Stringer{Sq{1}, Level(2)})", "Sq(2) Sq(3) [Sq(1) L2]\n"},
		{"fmt.Printf(\"%d %v\\n\", []Level{1, 2}, map[string]int{\"a\": 1})", "[1 2] map[a:1]\n"},
	}
	for _, tt := range tests {
		_, rec := run(t, s, tt.code)
		if got := rec.stdout(); got != tt.want {
			t.Errorf("%s\n printed %q\n want    %q", tt.code, got, tt.want)
		}
	}
	for code, want := range map[string]string{
		"var anyS any = S{\"a\"}\nfmt.Printf(\"%T\\n\", anyS)":        "%T of a value whose type is declared in a cell",
		"var lv fmt.Stringer = Level(1)\nfmt.Printf(\"%T\\n\", lv)":   "%T of a value whose type is declared in a cell",
		`fmt.Printf("%+v\n", app{"x"})`:                               "%+v and %#v print the fields of a struct declared in a cell",
		`fmt.Printf("%#v\n", S{"x"})`:                                 "%#v prints a struct declared in a cell as an unnamed struct type",
		`fmt.Printf("%#v\n", []app{{"x"}})`:                           "%#v prints a struct declared in a cell as an unnamed struct type",
		`fmt.Printf("%[1]d %[1]v\n", Level(3))`:                       "formatted both with %v/%s and with a verb like %d",
		"var anySq any = []Sq{{1}}\nfmt.Println(anySq)":               "fmt cannot call the String or Error method of Sq",
		"var sh Shape = Sq{1}\nfmt.Println(sh)":                       "fmt cannot call the String or Error method of Sq",
		"fmt.Println([]Shape{Sq{1}})":                                 "fmt cannot print a slice, map or struct holding values of an interface type declared in a cell",
		"var anyM any = map[string]Sq{\"a\": {1}}\nfmt.Println(anyM)": "fmt cannot call the String or Error method of Sq",
		"type Pt struct{ L Level }\nfmt.Println(Pt{3})":               "fmt cannot call the String or Error method of Pt",
	} {
		_, _, e := try(t, s, code)
		if e == nil || e.Name != "InterpreterLimit" || !strings.Contains(e.Value, want) || !strings.Contains(e.Value, "%%native") {
			t.Errorf("%s: error %v, want %q", code, e, want)
		}
	}
}

func TestUserTypesErrors(t *testing.T) {
	s := newSession(t)
	run(t, s, userTypesPrelude)
	// Compiled errors only: the standard answers.
	_, rec := run(t, s, `err1 := fmt.Errorf("a: %w", ErrNotFound)
_, err2 := os.Open("/nonexistent/x")
var pe *fs.PathError
fmt.Println(errors.Is(err1, ErrNotFound), errors.Is(err1, io.EOF), errors.As(err2, &pe), pe.Op)`)
	if got, want := rec.stdout(), "true false true open\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	// A cell error that cannot match: false is right.
	_, rec = run(t, s, "fmt.Println(errors.Is(fmt.Errorf(\"w: %w\", &MyErr{1}), io.EOF))")
	if got := rec.stdout(); got != "false\n" {
		t.Errorf("printed %q", got)
	}
	for _, code := range []string{
		"var e3 error = &MyErr{3}\nfmt.Println(errors.Is(fmt.Errorf(\"w: %w\", e3), e3))",
		"var target *MyErr\nfmt.Println(errors.As(fmt.Errorf(\"w: %w\", &MyErr{4}), &target))",
	} {
		_, _, e := try(t, s, code)
		if e == nil || e.Name != "InterpreterLimit" || !strings.Contains(e.Value, "declared in a cell") {
			t.Errorf("%s: error %v", code, e)
		}
	}
	// With a cell type that has an Unwrap method, a miss may be wrong.
	run(t, s, "type Wrap struct{ inner error }\nfunc (w Wrap) Error() string { return \"wrap\" }\nfunc (w Wrap) Unwrap() error { return w.inner }")
	_, _, e := try(t, s, "fmt.Println(errors.Is(fmt.Errorf(\"w: %w\", &MyErr{1}), io.EOF))")
	if e == nil || e.Name != "InterpreterLimit" {
		t.Errorf("error %v", e)
	}
}

func TestFormatUses(t *testing.T) {
	tests := []struct {
		format string
		n      int
		want   []verbUse
	}{
		{"%d %v", 2, []verbUse{{other: true}, {methods: true}}},
		{"%[2]d %[1]s %%", 2, []verbUse{{methods: true}, {other: true}}},
		{"%*d %T", 3, []verbUse{{}, {other: true}, {typ: true}}},
		{"%+v %#v %w", 3, []verbUse{{methods: true, plusV: true}, {methods: true, plusV: true, sharpV: true}, {methods: true}}},
		{"%.*f", 2, []verbUse{{}, {other: true}}},
	}
	for _, tt := range tests {
		if got := formatUses(tt.format, tt.n); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("formatUses(%q) = %+v, want %+v", tt.format, got, tt.want)
		}
	}
}

// A cell's value shows as Println would print it.
func TestUserTypesCellValue(t *testing.T) {
	s := newSession(t)
	run(t, s, userTypesPrelude)
	for code, want := range map[string]string{"Level(3)": "L3", "Sq{1}": "Sq(1)", "&MyErr{2}": "code 2", "app{\"a\"}": "{a}"} {
		res, _ := run(t, s, code)
		if got := plain(res); got != want {
			t.Errorf("%s shows %q, want %q", code, got, want)
		}
	}
	_, _, e := try(t, s, "[]Sq{{1}}")
	if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "Sq") {
		t.Errorf("error %v", e)
	}
	_, _, e = try(t, s, "var anys any = []Sq{{1}}\nanys")
	if e == nil || e.Name != "InterpreterLimit" || !strings.Contains(e.Value, "Sq") {
		t.Errorf("error %v", e)
	}
}

func TestUserTypesContextKeys(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"context\"; \"fmt\")\ntype k1 struct{}\nvar userKey = new(int)")
	_, _, e := try(t, s, "ctx := context.WithValue(context.Background(), k1{}, \"one\")")
	if e == nil || e.Name != "InterpreterLimit" || !strings.Contains(e.Value, "context.WithValue") {
		t.Errorf("error %v", e)
	}
	_, rec := run(t, s, "ctx := context.WithValue(context.Background(), userKey, \"one\")\nctx = context.WithValue(ctx, new(int), \"two\")\nfmt.Println(ctx.Value(userKey))")
	if got := rec.stdout(); got != "one\n" {
		t.Errorf("printed %q", got)
	}
}

// Closures declared inside variadic functions see the variadic parameter
// as compiled Go does (outputs from go run).
func TestVariadicClosures(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "sort"; "strings")`)
	tests := []struct{ code, want string }{
		{"func va(xs ...int) int { f := func() int { return len(xs) }; s := 0; for _, x := range xs { s += x }; return s*100 + f() }\nfmt.Println(va(1, 2, 3))", "603\n"},
		{"func va2(prefix string, xs ...int) { g := func(y int) int { return y + len(xs) }; fmt.Println(prefix, xs, g(1)) }\nva2(\"p\", 4, 5)", "p [4 5] 3\n"},
		{"func va3(xs ...int) []int { add := func(v int) { xs = append(xs, v) }; add(4); return xs }\nfmt.Println(va3(1, 2))", "[1 2 4]\n"},
		{"func va4(xs ...string) func() string { return func() string { return fmt.Sprint(len(xs), xs) } }\nh1, h2 := va4(\"a\", \"b\"), va4(\"c\")\nfmt.Println(h1(), h2())", "2 [a b] 1 [c]\n"},
		{"func va5(xs ...int) []int { sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] }); return xs }\nfmt.Println(va5(3, 1, 2))", "[1 2 3]\n"},
		{"func va6(xs ...int) int { inner := func(ys ...int) int { return len(ys) }; return inner(xs...)*10 + inner() }\nfmt.Println(va6(1, 2, 3))", "30\n"},
		{"func va7(sep string, parts ...string) string { up := func(s string) string { return strings.ToUpper(s) }; var out []string; for _, p := range parts { out = append(out, up(p)) }; return strings.Join(out, sep) }\nfmt.Println(va7(\"-\", \"a\", \"b\"))", "A-B\n"},
	}
	for _, tt := range tests {
		_, rec := run(t, s, tt.code)
		if got := rec.stdout(); got != tt.want {
			t.Errorf("%s\n printed %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestUserTypesLog(t *testing.T) {
	s := newSession(t)
	run(t, s, userTypesPrelude)
	_, rec := run(t, s, "import \"log\"\nlog.SetFlags(0)\nlog.Println(Level(3), &MyErr{1})\nlog.Printf(\"%v %d\", Level(4), Level(4))")
	if got, want := rec.stderr(), "L3 code 1\nL4 4\n"; got != want {
		t.Errorf("logged %q, want %q", got, want)
	}
}

// %T of a value whose cell type the source spells prints its name.
func TestUserTypesTypeName(t *testing.T) {
	s := newSession(t)
	run(t, s, userTypesPrelude+"\ntype Celsius float64")
	_, rec := run(t, s, `c := Celsius(20)
var k Celsius = 3
sv := S{"a"}
list := []S{}
fmt.Printf("%T %T %T %T %T %T|%T %T\n", c, k, sv, &S{"b"}, list, S{"x"}, 1, "s")
func show(t Celsius) string { return fmt.Sprintf("%v is %T", t, t) }
fmt.Println(show(5))`)
	if got, want := rec.stdout(), "main.Celsius main.Celsius main.S *main.S []main.S main.S|int string\n5 is main.Celsius\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	// Variables of earlier cells.
	_, rec = run(t, s, `fmt.Printf("%T %T %T\n", c, k, sv)`)
	if got, want := rec.stdout(), "main.Celsius main.Celsius main.S\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// A slice or map of a non-struct cell type with a String method prints
// without it in compiled fmt: a compile error, before the cell runs.
func TestUserTypesHiddenStringers(t *testing.T) {
	s := newSession(t)
	run(t, s, userTypesPrelude+"\nlevels := []Level{1, 2}")
	for _, code := range []string{
		"fmt.Println(levels)",
		"fmt.Printf(\"%v|\", map[string]Level{\"a\": 1})",
		"fmt.Println([]Sq{{1}})",
		"import \"log\"\nlog.Println(levels)",
		"levels",
	} {
		_, rec, e := try(t, s, "fmt.Println(\"ran\")\n"+code)
		if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "String or Error method of") || rec.stdout() != "" {
			t.Errorf("%s: error %v, printed %q", code, e, rec.stdout())
		}
	}
	_, rec := run(t, s, "fmt.Printf(\"%d %v %v\\n\", levels, levels[0], len(levels))")
	if got, want := rec.stdout(), "[1 2] L1 2\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// Results of cell functions are spelled types too.
func TestUserTypesFuncResults(t *testing.T) {
	s := newSession(t)
	run(t, s, userTypesPrelude+"\ntype Celsius float64\nfunc getLevels() []Level { return []Level{1, 2} }\nfunc temp() Celsius { return 21 }\nfunc count() int { return 7 }")
	_, rec := run(t, s, "fmt.Println(min(count(), 3))\nfmt.Printf(\"%T\\n\", temp())\nx := count()\nfmt.Println(max(x, 9))")
	if got, want := rec.stdout(), "3\nmain.Celsius\n9\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	run(t, s, "type Holder struct{ Levels []Level; L Level }\nh := Holder{Levels: []Level{1}, L: 2}")
	_, rec = run(t, s, "fmt.Printf(\"%T %v\\n\", h.L, h.L)")
	if got, want := rec.stdout(), "main.Level L2\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	for _, code := range []string{"fmt.Println(h.Levels)", "fmt.Println(getLevels())"} {
		_, _, e := try(t, s, code)
		if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "String or Error method of Level") {
			t.Errorf("%s: error %v", code, e)
		}
	}
	_, _, e := try(t, s, "fmt.Println(getLevels())")
	if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "String or Error method of Level") {
		t.Errorf("error %v", e)
	}
}

func TestUserTypesJSON(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"encoding/json\"; \"fmt\")\ntype Task struct {\n\tID int `json:\"id\"`\n\tTitle string `json:\"title\"`\n}\ntype Hidden struct {\n\tID int\n\tnote string\n}\ntype J struct{ A int }\nfunc (j J) MarshalJSON() ([]byte, error) { return []byte(`\"custom\"`), nil }")
	_, rec := run(t, s, "b, err := json.Marshal(Task{ID: 7, Title: \"t\"})\nc, _ := json.Marshal(J{1})\nfmt.Println(string(b), err, string(c))")
	if got, want := rec.stdout(), "{\"id\":7,\"title\":\"t\"} <nil> \"custom\"\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	_, _, e := try(t, s, "json.Marshal(Hidden{1, \"x\"})")
	if e == nil || e.Name != "InterpreterLimit" || !strings.Contains(e.Value, "unexported fields") {
		t.Errorf("error %v", e)
	}
}
