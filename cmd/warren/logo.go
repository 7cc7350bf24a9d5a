package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// logoPNG draws warren's logo at size×size pixels: a Go-blue disc holding a
// dark burrow entrance with a pair of pale ears rising out of it. Shapes are
// described as signed-distance tests and drawn with 4×4 supersampling.
func logoPNG(size int) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					// Normalised coordinates in [-1, 1], y up.
					u := (float64(x)+(float64(sx)+0.5)/ss)/float64(size)*2 - 1
					v := 1 - (float64(y)+(float64(sy)+0.5)/ss)/float64(size)*2
					c := logoColor(u, v)
					r += float64(c.R) * float64(c.A) / 255
					g += float64(c.G) * float64(c.A) / 255
					b += float64(c.B) * float64(c.A) / 255
					a += float64(c.A)
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			alpha := a / n
			img.SetNRGBA(x, y, color.NRGBA{
				R: uint8(math.Round(r / n * 255 / alpha)),
				G: uint8(math.Round(g / n * 255 / alpha)),
				B: uint8(math.Round(b / n * 255 / alpha)),
				A: uint8(math.Round(alpha)),
			})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode %dx%d logo: %w", size, size, err)
	}
	return buf.Bytes(), nil
}

var (
	logoBlue  = color.NRGBA{0x00, 0xAD, 0xD8, 0xFF} // Go blue
	logoEarth = color.NRGBA{0x1B, 0x3A, 0x4B, 0xFF} // burrow
	logoEar   = color.NRGBA{0xF4, 0xEF, 0xE6, 0xFF} // ears
	logoInner = color.NRGBA{0xE8, 0x9C, 0xAE, 0xFF} // inside of the ears
	logoClear = color.NRGBA{}
)

// logoColor is the colour of the logo at (u, v) in [-1, 1]².
func logoColor(u, v float64) color.NRGBA {
	if u*u+v*v > 0.96*0.96 {
		return logoClear
	}
	// Ears: two tilted ellipses standing on the burrow's rim.
	for _, side := range []float64{-1, 1} {
		cx, cy := side*0.2, 0.12
		ang := side * -0.22
		du, dv := u-cx, v-cy
		ru := du*math.Cos(ang) + dv*math.Sin(ang)
		rv := -du*math.Sin(ang) + dv*math.Cos(ang)
		if e := (ru*ru)/(0.13*0.13) + (rv*rv)/(0.5*0.5); e <= 1 && v > -0.1 {
			if (ru*ru)/(0.06*0.06)+(rv-0.02)*(rv-0.02)/(0.36*0.36) <= 1 {
				return logoInner
			}
			return logoEar
		}
	}
	// Burrow: a half-disc opening on a flat ground line.
	if v <= -0.1 && v >= -0.62 && u*u+(v+0.62)*(v+0.62) <= 0.62*0.62 {
		return logoEarth
	}
	if v < -0.62 {
		return logoEarth
	}
	return logoBlue
}
