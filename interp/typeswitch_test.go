package interp

import (
	"strings"
	"testing"
)

func TestTypeSwitchRewrite(t *testing.T) {
	const prefix, suffix = "package p;func _(){", "\n}"
	got := typeSwitchRewrite(prefix, "switch x := v.(type) {\ncase nil:\ncase int, string:\n\tuse(x)\ncase error:\n\tuse(x)\ndefault:\n}", suffix, false)
	for {
		i := strings.Index(got, "/*line")
		if i < 0 {
			break
		}
		got = got[:i] + got[i+strings.Index(got[i:], "*/")+2:]
	}
	want := "switch __ts0 := v; {\n" +
		"case __ts0 == nil: x := __ts0; _ = x;\n" +
		"case func() bool { _, ok := __ts0.(int); return ok }() || func() bool { _, ok := __ts0.(string); return ok }(): x := __ts0; _ = x;\n\tuse(x)\n" +
		"case func() bool { _, ok := __ts0.(error); return ok }(): x := __ts0.(error); _ = x;\n\tuse(x)\n" +
		"default: x := __ts0; _ = x;\n}"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Case lists over several lines are left alone.
	in := "switch v.(type) {\ncase int,\n\tstring:\n}"
	if got := typeSwitchRewrite(prefix, in, suffix, false); got != in {
		t.Errorf("rewrote %q", got)
	}
}

// Type switches find what type assertions find (go run's output).
func TestTypeSwitchInSession(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, `import ("errors"; "fmt"; "strconv")
type tempErr struct{ retry int }
func (e *tempErr) Error() string { return fmt.Sprint("temporary, retry ", e.retry) }
func classify(err error) string {
	switch e := err.(type) {
	case nil:
		return "ok"
	case *tempErr:
		return fmt.Sprint("temp/", e.retry)
	case *strconv.NumError:
		return "num/" + e.Func
	default:
		return "other/" + e.Error()
	}
}
_, perr := strconv.Atoi("x")
for _, err := range []error{nil, &tempErr{2}, perr, errors.New("boom")} {
	fmt.Println(classify(err))
}
var v any = errors.New("e")
switch x := v.(type) {
case int:
	fmt.Println("int", x)
case error:
	fmt.Println("error", x)
}`)
	if got, want := rec.stdout(), "ok\ntemp/2\nnum/Atoi\nother/boom\nerror e\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// Asserting to an interface declared in a cell fails in the interpreter;
// the error says so.
func TestCellInterfaceAssertion(t *testing.T) {
	s := newSession(t)
	_, _, e := try(t, s, "type Walker interface{ Walk() string }\ntype duck struct{}\nfunc (duck) Walk() string { return \"waddle\" }\nfunc f(a any) string {\n\tif w, ok := a.(Walker); ok {\n\t\treturn w.Walk()\n\t}\n\treturn \"no\"\n}\nf(duck{})")
	if e == nil || e.Name != "InterpreterLimit" || !strings.Contains(e.Value, "cannot assert a value to an interface type declared in a cell") || !strings.Contains(e.Value, "[interpreter: ") {
		t.Errorf("error %v", e)
	}
}
