package interp

import "unsafe"

const fionread = 0x4004667f // FIONREAD on Darwin

func uintptrOf(p *int32) uintptr { return uintptr(unsafe.Pointer(p)) }
