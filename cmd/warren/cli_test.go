package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = dispatch(args, &o, &e)
	return code, o.String(), e.String()
}

func TestCLIKernelConnectionFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o600)
	scheme := filepath.Join(dir, "scheme.json")
	os.WriteFile(scheme, []byte(`{"ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"signature_scheme":"hmac-foo"}`), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"kernel"}, "--connection-file is required"},
		{[]string{"kernel", "--connection-file", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"kernel", "-f", bad}, "malformed JSON"},
		{[]string{"kernel", "--connection-file=" + scheme}, "unsupported signature_scheme"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestCLIUsageAndVersion(t *testing.T) {
	if code, _, _ := runCLI(t); code != 2 {
		t.Errorf("no args: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "frob"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: %d %q", code, stderr)
	}
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "warren ") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("version: %d %q", code, out)
	}
}

func checkSpecDir(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec kernelSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	exe, _ := executablePath()
	if spec.Argv[0] != exe || !filepath.IsAbs(spec.Argv[0]) || spec.InterruptMode != "message" ||
		spec.Language != "go" || spec.DisplayName != "Go (warren)" || spec.Argv[len(spec.Argv)-1] != "{connection_file}" ||
		spec.Metadata["debugger"] != true {
		t.Errorf("kernel.json = %s", data)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("logo %d is %v", size, b)
		}
	}
}

func TestCLIInstall(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	code, out, stderr := runCLI(t, "install")
	if code != 0 {
		t.Fatalf("install: %d %s", code, stderr)
	}
	dir := filepath.Join(data, "kernels", "warren")
	if !strings.Contains(out, dir) {
		t.Errorf("output %q does not name %s", out, dir)
	}
	checkSpecDir(t, dir)

	prefix := t.TempDir()
	if code, _, stderr := runCLI(t, "install", "--prefix", prefix, "--name", "go-test"); code != 0 {
		t.Fatalf("install --prefix: %d %s", code, stderr)
	}
	checkSpecDir(t, filepath.Join(prefix, "share", "jupyter", "kernels", "go-test"))

	if code, _, stderr := runCLI(t, "install", "--user", "--prefix", prefix); code != 2 || !strings.Contains(stderr, "choose one") {
		t.Errorf("conflicting flags: %d %q", code, stderr)
	}
	if code, _, _ := runCLI(t, "install", "--name", "bad/name"); code != 2 {
		t.Errorf("bad name accepted")
	}
}

func TestCLIInstallNotWritable(t *testing.T) {
	ro := t.TempDir()
	os.Chmod(ro, 0o500)
	defer os.Chmod(ro, 0o700)
	if os.Geteuid() == 0 {
		// Root writes through file modes, but not into sysfs (EPERM, or
		// EROFS where it is mounted read-only).
		ro = "/sys/warren-install-test"
		if err := os.Mkdir(ro, 0o755); err == nil {
			os.Remove(ro)
			t.Skip("root can create directories in /sys here")
		}
	}
	code, _, stderr := runCLI(t, "install", "--prefix", ro)
	if code != 1 || !strings.Contains(stderr, "not writable") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestCLIInstallIntoAFile(t *testing.T) {
	// A path component that is a file cannot become a directory.
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o600)
	code, _, stderr := runCLI(t, "install", "--prefix", f)
	if code != 1 || !strings.Contains(stderr, "cannot create kernelspec directory") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestTopLevelKernelJSONIsTheTemplate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got kernelSpec
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if want := newKernelSpec("warren"); !reflect.DeepEqual(got, want) {
		t.Errorf("kernel.json = %+v, want %+v", got, want)
	}
}
