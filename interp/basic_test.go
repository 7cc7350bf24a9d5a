package interp

import (
	"strings"
	"testing"
)

func TestSmoke(t *testing.T) {
	s := newSession(t)
	res, rec := run(t, s, "import \"fmt\"\nfunc f(x int) int { return x*2 }\nx := f(21)\nfmt.Println(\"hi\", x)\nx")
	t.Logf("res=%v out=%q err=%q", res, rec.stdout(), rec.stderr())
	_, rec, e := try(t, s, "import \"fmt\"\nfunc h(a int) int {\n if a > 2 { panic(\"boom\") }\n return h(a+1)\n}\nfmt.Println(1)\nh(0)")
	t.Logf("e=%#v out=%q err=%q", e, rec.stdout(), rec.stderr())
	_, rec, e = try(t, s, "x +")
	t.Logf("e=%#v out=%q err=%q", e, rec.stdout(), rec.stderr())
	_, rec, e = try(t, s, "os.Exit(3)")
	t.Logf("e=%#v out=%q err=%q", e, rec.stdout(), rec.stderr())
	_, rec, e = try(t, s, "import \"os\"\nos.Stdout.WriteString(\"direct\\n\")\nfmt.Fprintln(os.Stderr, \"to stderr\")\nos.Exit(3)")
	t.Logf("e=%#v out=%q err=%q", e, rec.stdout(), rec.stderr())
	res, rec = run(t, s, "x")
	if plain(res) != "42" || !strings.Contains("", "") {
		t.Errorf("x = %v", res)
	}
}
