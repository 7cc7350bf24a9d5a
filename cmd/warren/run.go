package main

import (
	"fmt"
	"os"
)

// runCmd implements `warren run` (placeholder until package interp lands).
func runCmd(args []string) int {
	fmt.Fprintln(os.Stderr, "warren run: not available yet in this build")
	return 2
}
