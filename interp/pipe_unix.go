//go:build linux || darwin

package interp

import (
	"errors"
	"os"
	"syscall"
	"unsafe"
)

// rawReads says that the pipe reader reads with readFD.
const rawReads = true

// readFD reads from a non-blocking file descriptor.
func readFD(fd uintptr, buf []byte) (int, error) { return syscall.Read(int(fd), buf) }

func wouldBlock(err error) bool { return errors.Is(err, syscall.EAGAIN) }

// buffered reports whether the pipe's read end has bytes to read
// (FIONREAD); on error it says yes, which costs a flush, never order.
func buffered(r *os.File) bool {
	rc, err := r.SyscallConn()
	if err != nil {
		return true
	}
	n := 1
	rc.Control(func(fd uintptr) {
		var avail int32
		_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, fionread, uintptrOf(&avail))
		if errno == 0 {
			n = int(avail)
		}
	})
	return n > 0
}

func uintptrOf(p *int32) uintptr { return uintptr(unsafe.Pointer(p)) }
