// Package parallel is an in-process, Ray-style task runtime: remote functions,
// object references as futures, Get/GetAll/Wait/Put, nested tasks, a CPU-aware
// scheduler and a timeline. Notebook cells run by warren see it as package ray.
package parallel
