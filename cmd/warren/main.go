// Command warren is a Jupyter kernel for Go whose cells are interpreted by
// yaegi.
//
//	warren kernel --connection-file FILE   serve a Jupyter client (started by Jupyter)
//	warren install [--user | --sys-prefix | --prefix DIR] [--name NAME]
//	warren run ...                          execute notebooks (see warren run -h)
//	warren head [--listen ADDR] [--store DIR]          a cluster's head (NATS with JetStream)
//	warren worker --address nats://… [--cpus N] [--resources k=v,…]   a cluster's worker
//	warren version
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

const usageText = `usage: warren <command> [arguments]

commands:
  kernel --connection-file FILE   run the kernel (Jupyter starts this for you)
  install [--user | --sys-prefix | --prefix DIR] [--name NAME]
                                  install the kernelspec (default: --user)
  run ...                         execute notebooks without a Jupyter server
  head [--listen ADDR] [--store DIR]
                                  run a cluster's head (NATS server with JetStream)
  worker --address nats://HOST:PORT [--cpus N] [--resources k=v,...]
                                  run a cluster's worker
  version                         print the version
`

// dispatch runs the subcommand named by args[0] and returns the exit code.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return 2
	}
	switch args[0] {
	case "kernel":
		return kernelCmd(args[1:], stderr)
	case "install":
		return installCmd(args[1:], stdout, stderr)
	case "run":
		return runCmd(args[1:])
	case "head":
		return headCmd(args[1:], stdout, stderr)
	case "worker":
		return workerCmd(args[1:], stderr)
	case "_session": // hidden: the session process of kernel and run
		return sessionChildCmd(stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usageText)
		return 0
	default:
		fmt.Fprintf(stderr, "warren: unknown command %q\n\n%s", args[0], usageText)
		return 2
	}
}
