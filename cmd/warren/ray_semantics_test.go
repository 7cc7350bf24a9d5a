package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunRaySemantics runs, through warren run and the real interpreter,
// a notebook exercising issue 10's ray semantics: immutable objects, a
// re-Init that would strand a task refused (and the runtime still working),
// Ray's Wait loop, and progress lines for a long GetAll.
func TestRunRaySemantics(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an interpreter")
	}
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb",
		"import (\n\t\"fmt\"\n\t\"time\"\n)\nray.Init(ray.NumCPUs(2), ray.ProgressAfter(time.Millisecond))",
		// 1. Objects are immutable.
		"buf := []int{0}\nvar prefs []ray.ObjectRef\nfor i := 1; i <= 3; i++ {\n\tbuf[0] = i\n\tprefs = append(prefs, ray.Put(buf))\n}\n"+
			"data := []int{1, 2}\nray.Get(ray.Remote(func(s []int) int { s[0] = 9; return s[0] }).Remote(data))\n"+
			"fmt.Println(\"put:\", ray.GetAll(prefs...), \"data:\", data)",
		// 2. A resize that would strand a 2-CPU parent blocked in Get is
		// refused. (All in one function: a later cell would wait for the
		// running child to reach a safe point before compiling.)
		`func tryInit() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	ray.Init(ray.NumCPUs(1))
	return "accepted"
}
func strand() string {
	release := make(chan bool)
	child := ray.Remote(func() int { <-release; return 1 })
	parent := ray.Remote(func() int { return ray.Get(child.Remote()).(int) + 1 }).Options(ray.TaskCPUs(2))
	pref := parent.Remote()
	msg := tryInit()
	close(release)
	return fmt.Sprint("init: ", msg, " parent: ", ray.Get(pref), " CPUs: ", ray.ClusterResources()["CPU"])
}`,
		"fmt.Println(strand())",
		// 3. Ray's process-as-they-finish loop.
		"inc := ray.Remote(func(i int) int { return i + 1 })\nvar refs []ray.ObjectRef\nfor i := 0; i < 500; i++ {\n\trefs = append(refs, inc.Remote(i))\n}\n"+
			"n := 0\nfor len(refs) > 0 {\n\tvar ready []ray.ObjectRef\n\tready, refs = ray.Wait(refs, 1, -1)\n\tn += len(ready)\n}\nfmt.Println(\"waited:\", n)",
		// 7. A GetAll still waiting after ~1 s writes progress lines (the
		// tasks sleep 3 s, three times the point where lines start).
		"nap := ray.Remote(func() int { time.Sleep(3 * time.Second); return 1 }).Options(ray.TaskName(\"nap\"))\n"+
			"fmt.Println(\"napped:\", len(ray.GetAll(nap.Remote(), nap.Remote())))",
	)
	var stdout, stderr bytes.Buffer
	code := runMain([]string{"--allow-errors", "-o", filepath.Join(dir, "out.ipynb"), in}, &stdout, &stderr, newInterpSession)
	out, errs := stdout.String(), stderr.String()
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"put: [[1] [2] [3]] data: [1 2]",
		" parent: 2 CPUs: 2",
		"waited: 500",
		"napped: 2",
		"ray.GetAll: 0/2 done",
		"waiting for nap ×2",
		"ray.GetAll: 2/2 done",
	} {
		if !strings.Contains(out+errs, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if !strings.Contains(out+errs, "cannot resize to 1 CPUs") {
		t.Errorf("the stranding Init was not refused:\n%s\n%s", out, errs)
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", out, errs)
	}
}
