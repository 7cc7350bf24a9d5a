// Package iter is warren's interpreted version of the standard package
// iter: the iterator types. It is loaded into every session as source.
package iter

// Seq is an iterator over sequences of individual values: called with a
// yield function, it calls yield with each value until yield returns
// false or the sequence ends.
type Seq[V any] func(yield func(V) bool)

// Seq2 is an iterator over sequences of pairs of values.
type Seq2[K, V any] func(yield func(K, V) bool)
