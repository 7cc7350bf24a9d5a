// log.Fatal prints to stderr and exits with status 1.
//
// conform:category main

package main

import (
	"fmt"
	"log"
)

func main() {
	log.SetFlags(0)
	fmt.Println("step 1")
	log.Fatal("fatal: cannot continue")
}
