// Package warren holds the Go source of the packages that notebook cells
// import as ray (parallel/) and display (interp/display/), embedded in the
// binary so that inspect (Shift+Tab in Jupyter) can show their
// documentation wherever warren runs: in a container, or after go install,
// where the checkout it was built from is absent.
//
// It is data only: cells cannot import it, and nothing in it runs.
package warren

import "embed"

// Source holds parallel/*.go and interp/display/*.go (test files
// included), at those paths. It is read-only.
//
//go:embed parallel/*.go interp/display/*.go
var Source embed.FS
