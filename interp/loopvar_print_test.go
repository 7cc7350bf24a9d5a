package interp

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var printCases = flag.String("print", "", "directory to write the loop cases to as Go programs")

func writeCase(t *testing.T, dir string, i int, src, want string) {
	d := filepath.Join(dir, fmt.Sprint(i))
	os.MkdirAll(d, 0o755)
	if err := os.WriteFile(filepath.Join(d, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(d, "want"), []byte(want), 0o644)
}
