package interp

const fionread = 0x4004667f // FIONREAD on Darwin
