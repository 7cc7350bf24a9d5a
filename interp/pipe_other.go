//go:build !linux && !darwin

package interp

import (
	"errors"
	"os"
)

// rawReads says that the pipe reader reads with readFD.
const rawReads = false

var errNoRaw = errors.New("no raw reads here")

func readFD(uintptr, []byte) (int, error) { return 0, errNoRaw }

func wouldBlock(error) bool { return false }

// buffered cannot tell here, so writers always flush the pipe first.
func buffered(*os.File) bool { return true }
