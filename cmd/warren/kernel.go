package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/warren-go/warren/kernel"
)

// kernelCmd implements `warren kernel --connection-file FILE`. A missing or
// invalid connection file exits with status 2.
func kernelCmd(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("warren kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var connFile string
	fs.StringVar(&connFile, "connection-file", "", "Jupyter connection `file`")
	fs.StringVar(&connFile, "f", "", "shorthand for --connection-file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if connFile == "" && fs.NArg() == 1 {
		connFile = fs.Arg(0)
	}
	if connFile == "" {
		fmt.Fprintln(stderr, "warren kernel: --connection-file is required")
		return 2
	}
	info, err := kernel.ReadConnectionFile(connFile)
	if err != nil {
		fmt.Fprintf(stderr, "warren kernel: %v\n", err)
		return 2
	}
	logger := log.New(stderr, "warren: ", log.LstdFlags)
	h, closeHandler, err := newHandler(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "warren kernel: %v\n", err)
		return 1
	}
	defer func() {
		// A cell that ignores cancellation must not keep the process alive.
		done := make(chan struct{})
		go func() { closeHandler(); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			logger.Printf("interpreter did not close in 2s; exiting anyway")
		}
	}()
	k, err := kernel.New(kernel.Config{
		Conn:    info,
		Handler: h,
		Version: warrenVersion(),
		Logger:  logger,
	})
	if err != nil {
		fmt.Fprintf(stderr, "warren kernel: %v\n", err)
		return 2
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			if s == os.Interrupt {
				k.Interrupt() // interrupt the cell, as interrupt_request does
				continue
			}
			logger.Printf("%v: shutting down", s)
			cancel()
		}
	}()
	go watchParent(ctx, cancel, logger)
	if err := k.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "warren kernel: %v\n", err)
		return 1
	}
	return 0
}

// watchParent stops the kernel when the process that started it (named by
// JPY_PARENT_PID, which jupyter_client sets) is gone, so a crashed client
// does not leave an orphaned kernel behind.
func watchParent(ctx context.Context, stop context.CancelFunc, logger *log.Logger) {
	want, err := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	if err != nil || want <= 1 || os.Getppid() != want {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != want {
				logger.Printf("parent process %d is gone: shutting down", want)
				stop()
				return
			}
		}
	}
}
