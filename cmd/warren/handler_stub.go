//go:build !warren_interp

package main

import (
	"context"

	"github.com/warren-go/warren/kernel"
)

// stubHandler stands in for the interpreter until package interp builds:
// every cell fails with a clear message.
type stubHandler struct{}

// newHandler returns the stand-in handler.
func newHandler() (kernel.Handler, func(), error) {
	return stubHandler{}, func() {}, nil
}

// Execute implements kernel.Handler.
func (stubHandler) Execute(context.Context, kernel.ExecuteRequest, kernel.Output) (*kernel.Result, error) {
	return nil, &kernel.Error{Name: "Unavailable", Value: "this warren build has no interpreter"}
}

// Complete implements kernel.Handler.
func (stubHandler) Complete(_ string, cursor int) kernel.Completion {
	return kernel.Completion{Start: cursor, End: cursor}
}

// Inspect implements kernel.Handler.
func (stubHandler) Inspect(string, int, int) (map[string]any, bool) { return nil, false }

// IsComplete implements kernel.Handler.
func (stubHandler) IsComplete(string) (string, string) { return "complete", "" }
