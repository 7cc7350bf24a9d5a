package main

// Code shipping between warren processes on a cluster: the adapter from a
// notebook session's declaration log (interp.Session.ShipFunc, Source,
// LoadFunc) to the cluster package's Shipper and Loader. The driver's
// session ships the functions its cells give ray.Remote; a worker's
// session loads them, and ships the functions its tasks submit in turn.

import (
	"context"
	"fmt"
	"reflect"

	"github.com/warren-go/warren/cluster"
	"github.com/warren-go/warren/interp"
)

// sessionCode is a session as a cluster.Shipper and cluster.Loader.
type sessionCode struct{ s *interp.Session }

var (
	_ cluster.Shipper = sessionCode{}
	_ cluster.Loader  = sessionCode{}
)

// Ship implements cluster.Shipper: fn must have been given to ray.Remote
// in one of the session's cells (see interp.Session.ShipFunc).
func (c sessionCode) Ship(fn reflect.Value) (cluster.FuncRef, error) {
	name, decls, err := c.s.ShipFunc(fn)
	if err != nil {
		return cluster.FuncRef{}, err
	}
	return cluster.FuncRef{Name: name, Decls: decls}, nil
}

// Source implements cluster.Shipper.
func (c sessionCode) Source(hash string) ([]byte, error) { return c.s.Source(hash) }

// Load implements cluster.Loader: the session runs the declarations of ref
// it has not run yet, then returns the function.
func (c sessionCode) Load(ctx context.Context, ref cluster.FuncRef, fetch func(ctx context.Context, hash string) ([]byte, error)) (reflect.Value, error) {
	return c.s.LoadFunc(ctx, ref.Name, ref.Decls, fetch)
}

// registerCluster makes ray.Init(ray.Address("nats://…")) in s's cells
// connect the process's runtime to a cluster, shipping the cells'
// functions with s.
func registerCluster(s *interp.Session) { cluster.Register(sessionCode{s}) }

// workerCode is the Loader and Shipper of `warren worker`: a session of its
// own for functions shipped from interpreted cells, and the compiled
// registry for FuncRefs without source (from compiled drivers).
type workerCode struct {
	sessionCode
	compiled cluster.Loader
}

// Load implements cluster.Loader.
func (w workerCode) Load(ctx context.Context, ref cluster.FuncRef, fetch func(ctx context.Context, hash string) ([]byte, error)) (reflect.Value, error) {
	if len(ref.Decls) == 0 && w.compiled != nil {
		return w.compiled.Load(ctx, ref, fetch) // interp's FuncRefs always have source
	}
	return w.sessionCode.Load(ctx, ref, fetch)
}

func init() {
	compiled := workerLoader
	workerLoader = func() (cluster.Loader, cluster.Shipper, error) {
		reg, _, err := compiled()
		if err != nil {
			return nil, nil, err
		}
		// The ray runtime's host, so that its interpreted tasks hold the
		// session's gate while they run (interp.Session.Enter).
		s, err := interp.New(interp.Options{})
		if err != nil {
			return nil, nil, fmt.Errorf("start interpreter: %w", err)
		}
		w := workerCode{sessionCode{s}, reg}
		return w, w, nil
	}
}
