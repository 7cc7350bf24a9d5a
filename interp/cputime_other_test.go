//go:build !unix

package interp

import "time"

// cpuTime is unknown here.
func cpuTime() time.Duration { return 0 }
