package interp

import "testing"

// What a cell writes to os.Stdout directly and what it prints with fmt
// arrive in the order they were written, also from a goroutine.
func TestStdoutOrderAcrossFileAndFmt(t *testing.T) {
	s := newSession(t)
	code := `import ("fmt"; "os"; "sync")
for i := 0; i < 20; i++ {
	os.Stdout.WriteString("file\n")
	fmt.Fprintln(os.Stdout, "fprint")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); fmt.Println("fmt") }()
	wg.Wait()
}`
	_, out := run(t, s, code)
	want := ""
	for i := 0; i < 20; i++ {
		want += "file\nfprint\nfmt\n"
	}
	if got := out.stdout(); got != want {
		t.Fatalf("stdout order:\n%s\nwant:\n%s", got, want)
	}
}
