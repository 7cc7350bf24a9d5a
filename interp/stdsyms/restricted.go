package stdsyms

import (
	"errors"
	"io"
	"log"
	"os"
	"strconv"
)

// yaegi's extractor maps a few standard symbols that would end or escape
// the host process to local names (osExit, osFindProcess, logFatal*,
// logNew, logLogger); these are warren's versions. The session replaces
// os.Exit and log.Fatal* with its own reporting versions on top.

var errOwnProcess = errors.New("os.FindProcess: the kernel's own process is not available to cells")

// osExit panics instead of ending the process.
func osExit(code int) { panic("os.Exit(" + strconv.Itoa(code) + ")") }

// osFindProcess is os.FindProcess, except for the kernel's own process.
func osFindProcess(pid int) (*os.Process, error) {
	if pid == os.Getpid() {
		return nil, errOwnProcess
	}
	return os.FindProcess(pid)
}

// logFatal, logFatalf and logFatalln log and panic instead of exiting.
func logFatal(v ...any)            { log.Panic(v...) }
func logFatalf(f string, v ...any) { log.Panicf(f, v...) }
func logFatalln(v ...any)          { log.Panicln(v...) }

// logLogger is log.Logger for cells: Fatal* log and panic instead of
// exiting the process.
type logLogger struct{ l *log.Logger }

// logNew is log.New for cells.
func logNew(out io.Writer, prefix string, flag int) *logLogger {
	return &logLogger{log.New(out, prefix, flag)}
}

// Fatal is Print followed by a panic.
func (l *logLogger) Fatal(v ...any) { l.l.Panic(v...) }

// Fatalf is Printf followed by a panic.
func (l *logLogger) Fatalf(f string, v ...any) { l.l.Panicf(f, v...) }

// Fatalln is Println followed by a panic.
func (l *logLogger) Fatalln(v ...any) { l.l.Panicln(v...) }

// Flags is log.Logger.Flags.
func (l *logLogger) Flags() int { return l.l.Flags() }

// Output is log.Logger.Output.
func (l *logLogger) Output(depth int, s string) error { return l.l.Output(depth+1, s) }

// Panic is log.Logger.Panic.
func (l *logLogger) Panic(v ...any) { l.l.Panic(v...) }

// Panicf is log.Logger.Panicf.
func (l *logLogger) Panicf(f string, v ...any) { l.l.Panicf(f, v...) }

// Panicln is log.Logger.Panicln.
func (l *logLogger) Panicln(v ...any) { l.l.Panicln(v...) }

// Prefix is log.Logger.Prefix.
func (l *logLogger) Prefix() string { return l.l.Prefix() }

// Print is log.Logger.Print.
func (l *logLogger) Print(v ...any) { l.l.Print(v...) }

// Printf is log.Logger.Printf.
func (l *logLogger) Printf(f string, v ...any) { l.l.Printf(f, v...) }

// Println is log.Logger.Println.
func (l *logLogger) Println(v ...any) { l.l.Println(v...) }

// SetFlags is log.Logger.SetFlags.
func (l *logLogger) SetFlags(flag int) { l.l.SetFlags(flag) }

// SetOutput is log.Logger.SetOutput.
func (l *logLogger) SetOutput(w io.Writer) { l.l.SetOutput(w) }

// SetPrefix is log.Logger.SetPrefix.
func (l *logLogger) SetPrefix(p string) { l.l.SetPrefix(p) }

// Writer is log.Logger.Writer.
func (l *logLogger) Writer() io.Writer { return l.l.Writer() }
