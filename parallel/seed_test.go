package parallel

import (
	"fmt"
	"testing"
	"time"
)

// TestSeedExercises runs the seed's three exercises with their real sleeps
// checks their results and logs the durations (the kernel's notebook tests check the bounds; unit
// tests assert no wall-clock times).
func TestSeedExercises(t *testing.T) {
	if testing.Short() {
		t.Skip("sleeps ~1.7 s")
	}
	t.Cleanup(Shutdown)
	{
		Shutdown()
		Init(NumCPUs(4))
		slow := Remote(func(i int) int { time.Sleep(time.Second); return i })
		st := time.Now()
		var refs []ObjectRef
		for i := range 4 {
			refs = append(refs, slow.Remote(i))
		}
		if got := GetAll(refs...); fmt.Sprint(got) != "[0 1 2 3]" {
			t.Errorf("exercise 1 results %v, want [0 1 2 3]", got)
		}
		t.Log("exercise 1:", time.Since(st))
		step := Remote(func(x int) int { time.Sleep(100 * time.Millisecond); return x + 1 })
		st = time.Now()
		refs = nil
		for i := range 4 {
			refs = append(refs, step.Remote(step.Remote(step.Remote(step.Remote(i)))))
		}
		if got := GetAll(refs...); fmt.Sprint(got) != "[4 5 6 7]" {
			t.Errorf("exercise 2 results %v, want [4 5 6 7]", got)
		}
		t.Log("exercise 2:", time.Since(st))
		Init(NumCPUs(9))
		grad := Remote(func(d, m int) int { time.Sleep(30 * time.Millisecond); return 1 })
		train := Remote(func(h map[string]float64) int {
			m := 0
			for range 10 {
				for _, v := range GetAll(grad.Remote(0, m), grad.Remote(1, m)) {
					m += v.(int)
				}
			}
			return m
		})
		st = time.Now()
		refs = nil
		for range 3 {
			refs = append(refs, train.Remote(map[string]float64{}))
		}
		got := GetAll(refs...)
		t.Log("exercise 3:", got, time.Since(st))
		for _, v := range got {
			if v != 20 {
				t.Fatalf("exercise 3 results %v", got)
			}
		}
	}
}
