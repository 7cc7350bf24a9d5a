// An interface embedding another; a type assertion to the wider interface.
//
// conform:category types

package main

import "fmt"

type Reader interface{ Read() string }
type ReadCloser interface {
	Reader
	Close() error
}

type file struct {
	name   string
	closed bool
}

func (f *file) Read() string { return "data from " + f.name }
func (f *file) Close() error { f.closed = true; return nil }

func main() {
	var r Reader = &file{name: "a.txt"}
	fmt.Println(r.Read())
	if rc, ok := r.(ReadCloser); ok {
		fmt.Println(rc.Close(), r.(*file).closed)
	}
}
