package interp

const fionread = 0x541B // FIONREAD on Linux
