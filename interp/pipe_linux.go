package interp

import "unsafe"

const fionread = 0x541B // FIONREAD on Linux

func uintptrOf(p *int32) uintptr { return uintptr(unsafe.Pointer(p)) }
