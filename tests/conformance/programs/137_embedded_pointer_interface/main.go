// An embedded pointer type satisfies an interface through promotion.
//
// conform:category types

package main

import (
	"fmt"
	"strings"
)

type Logger struct{ lines []string }

func (l *Logger) Log(s string) { l.lines = append(l.lines, s) }

type Service struct {
	*Logger
	name string
}

type logs interface{ Log(string) }

func main() {
	s := Service{&Logger{}, "svc"}
	var l logs = s
	l.Log("start")
	s.Log("stop")
	fmt.Println(s.name, strings.Join(s.lines, ","))
}
